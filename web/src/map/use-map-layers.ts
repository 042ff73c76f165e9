import { onBeforeUnmount, onMounted, watch } from 'vue';
import type { LayerSpecification, Map as MlMap, SourceSpecification } from 'maplibre-gl';
import { slotAnchor, type Slot } from './style';
import { useUiScale } from './ui-scale';

export type SlottedLayer = [Slot, LayerSpecification];

type Props = Record<string, unknown>;
function propsOf(layer: LayerSpecification, kind: 'paint' | 'layout'): Props {
  return ((layer as { [k: string]: unknown })[kind] ?? {}) as Props;
}

/**
 * The body of a renderless layer component: adds its sources and layers on mount, removes them on
 * unmount, and re-applies sizes when the UI scale changes (only the properties that differ).
 */
export function useMapLayers(
  map: MlMap,
  sources: Record<string, SourceSpecification>,
  build: (scale: number) => SlottedLayer[],
): void {
  const scale = useUiScale();
  let current: SlottedLayer[] = [];

  onMounted(() => {
    for (const [id, source] of Object.entries(sources)) if (!map.getSource(id)) map.addSource(id, source);
    current = build(scale.value);
    for (const [slot, layer] of current) map.addLayer(layer, slotAnchor(slot));
  });

  watch(scale, (k) => {
    const next = build(k);
    next.forEach(([, layer], i) => {
      const old = current[i]?.[1];
      if (!old || old.id !== layer.id || !map.getLayer(layer.id)) return;
      for (const kind of ['paint', 'layout'] as const) {
        const before = propsOf(old, kind);
        for (const [name, value] of Object.entries(propsOf(layer, kind))) {
          if (JSON.stringify(before[name]) === JSON.stringify(value)) continue;
          if (kind === 'paint') map.setPaintProperty(layer.id, name as Parameters<MlMap['setPaintProperty']>[1], value as Parameters<MlMap['setPaintProperty']>[2]);
          else map.setLayoutProperty(layer.id, name as Parameters<MlMap['setLayoutProperty']>[1], value as Parameters<MlMap['setLayoutProperty']>[2]);
        }
      }
    });
    current = next;
  });

  onBeforeUnmount(() => {
    // The map may already be gone if the whole MapView is unmounting.
    if (!map.style) return;
    for (const [, layer] of current) if (map.getLayer(layer.id)) map.removeLayer(layer.id);
    for (const id of Object.keys(sources)) if (map.getSource(id)) map.removeSource(id);
  });
}
