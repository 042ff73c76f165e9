import { onBeforeUnmount, onMounted, watch } from 'vue';
import type { FilterSpecification, LayerSpecification, Map as MlMap, SourceSpecification } from 'maplibre-gl';
import { slotAnchor, type Slot } from './style';
import { useUiScale } from './ui-scale';

export type SlottedLayer = [Slot, LayerSpecification];

type Props = Record<string, unknown>;
function propsOf(layer: LayerSpecification, kind: 'paint' | 'layout'): Props {
  return ((layer as { [k: string]: unknown })[kind] ?? {}) as Props;
}
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Sets only what differs between two versions of a layer: paint, layout and filter. */
function update(map: MlMap, old: LayerSpecification, layer: LayerSpecification): void {
  for (const kind of ['paint', 'layout'] as const) {
    const before = propsOf(old, kind);
    const after = propsOf(layer, kind);
    for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (same(before[name], after[name])) continue;
      // undefined resets a property the new version no longer sets to its default
      if (kind === 'paint')
        map.setPaintProperty(
          layer.id,
          name as Parameters<MlMap['setPaintProperty']>[1],
          after[name] as Parameters<MlMap['setPaintProperty']>[2],
        );
      else
        map.setLayoutProperty(
          layer.id,
          name as Parameters<MlMap['setLayoutProperty']>[1],
          after[name] as Parameters<MlMap['setLayoutProperty']>[2],
        );
    }
  }
  const filterOf = (l: LayerSpecification) =>
    'filter' in l ? (l.filter as FilterSpecification | undefined) : undefined;
  if (!same(filterOf(old), filterOf(layer))) map.setFilter(layer.id, filterOf(layer) ?? null);
}

/**
 * The body of a renderless layer component: adds its sources and layers on mount, removes them on
 * unmount. `build` may read reactive state besides the UI scale (a filter, a colour table): when
 * what it returns changes, only the paint/layout properties and filters that differ are set,
 * never a layer re-created (that would drop its tiles and flash).
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

  watch(
    () => build(scale.value),
    (next) => {
      next.forEach(([, layer], i) => {
        const old = current[i]?.[1];
        if (old && old.id === layer.id && map.getLayer(layer.id)) update(map, old, layer);
      });
      current = next;
    },
  );

  onBeforeUnmount(() => {
    // The map may already be gone if the whole MapView is unmounting.
    if (!map.style) return;
    for (const [, layer] of current) if (map.getLayer(layer.id)) map.removeLayer(layer.id);
    for (const id of Object.keys(sources)) if (map.getSource(id)) map.removeSource(id);
  });
}
