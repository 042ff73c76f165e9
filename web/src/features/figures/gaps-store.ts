import { defineStore } from 'pinia';
import { reactive, ref, watch } from 'vue';
import { figuresApi, type CoverageGaps, type HotspotsResult } from './api';
import { GAP_LAYERS, type GapLayer } from './map/gap-layers';
import { useFiguresStore } from './store';
import { useLatest } from '../../shared/use-latest';

/**
 * Coverage gaps and hotspots of the figure view: which layers the map draws, the gaps (computed
 * city-wide once per areas version on the server, asked for once per visit here) and the
 * hotspots of the figure period. Serialisable state only; FigureLayers draws them.
 */
export const useFigureGapsStore = defineStore('figure-gaps', () => {
  const figures = useFiguresStore();
  const { latest, abortAll, loading } = useLatest(['gaps', 'hotspots'] as const);

  const gaps = ref<CoverageGaps | null>(null);
  const hotspots = ref<HotspotsResult | null>(null);
  const layers = reactive(Object.fromEntries(GAP_LAYERS.map((l) => [l, false])) as Record<GapLayer, boolean>);
  /** the hotspot whose problems the panel lists (its index) */
  const hotspotIndex = ref<number | null>(null);

  async function loadGaps(): Promise<void> {
    const got = await latest('gaps', (s) => figuresApi.gaps(s));
    if (got) gaps.value = got;
  }
  async function loadHotspots(): Promise<void> {
    const got = await latest('hotspots', (s) => figuresApi.hotspots(figures.range, s));
    if (got) hotspots.value = got;
  }
  /** The gaps panel was shown: fresh lists (assignments, patrols and problems change). */
  function enter(): void {
    void loadGaps();
    void loadHotspots();
  }
  // hotspots are of the figure period
  watch(
    () => figures.range,
    () => {
      // another period, other clusters: the index picked means nothing in the new list
      hotspotIndex.value = null;
      if (hotspots.value) void loadHotspots();
    },
  );

  function toggleLayer(layer: GapLayer, on: boolean): void {
    layers[layer] = on;
    if (on && layer === 'hotspots' && !hotspots.value) void loadHotspots();
    else if (on && layer !== 'hotspots' && !gaps.value) void loadGaps();
  }
  /** A hotspot picked on the map or in the list: the gaps panel shows its problems. */
  function openHotspot(index: number | null): void {
    hotspotIndex.value = index;
    if (index !== null) figures.setTab('gaps');
  }

  function reset(): void {
    abortAll();
    gaps.value = null;
    hotspots.value = null;
    for (const l of GAP_LAYERS) layers[l] = false;
    hotspotIndex.value = null;
  }

  return {
    gaps,
    hotspots,
    layers,
    hotspotIndex,
    loading,
    enter,
    loadGaps,
    loadHotspots,
    toggleLayer,
    openHotspot,
    reset,
  };
});
