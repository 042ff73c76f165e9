import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ResponsibilityCoverage, Unit, UnitGrids } from '../../../api/schemas/contracting';
import { areasApi } from '../api/areas';
import { contractingApi } from '../api/contracting';
import { isAbort } from '../api/client';
import { unionBBox, useAreasStore } from './areas';
import { useReportError } from './report-error';
import { beijingToday, endOfDay } from './zone-day';

/** The map's views: the area hierarchy, the contracting zones, the problem loop (stores/problems.ts), the figures (stores/figures.ts). */
export type MapView = 'areas' | 'zones' | 'problems' | 'figures';

/** A unit whose grids are drawn in the current view, as the map reports it (for the legend). */
export interface VisibleUnit {
  id: number;
  name: string;
  /** grids (or communities, zoomed out) it leads in view */
  count: number;
}
export interface VisibleZones {
  units: VisibleUnit[];
  /** drawn areas without a lead unit / grids without a leader */
  unassigned: number;
  noLeader: number;
}

/**
 * The contracting-zone view (包保责任区): which view the map shows, the day whose assignments it
 * shows, the units, the unit filtered to, and the gaps. Serialisable state only; ZoneLayers makes
 * the map follow it and reports back what is drawn (`visible`).
 */
export const useZonesStore = defineStore('zones', () => {
  const reportError = useReportError();
  const areas = useAreasStore();

  const view = ref<MapView>('areas');
  /** YYYY-MM-DD (Beijing); null = now */
  const day = ref<string | null>(null);
  const at = computed(() => (day.value ? endOfDay(day.value) : null));

  const units = ref<Unit[]>([]);
  const unitsLoading = ref(false);
  const unitId = ref<number | null>(null);
  const unitGrids = ref<UnitGrids | null>(null);
  const unitLoading = ref(false);
  const coverage = ref<ResponsibilityCoverage | null>(null);
  const visible = ref<VisibleZones>({ units: [], unassigned: 0, noLeader: 0 });

  const unit = computed(() => units.value.find((u) => u.id === unitId.value) ?? unitGrids.value?.unit ?? null);

  /** One request per kind in flight: a newer day or unit aborts the older request. */
  const inFlight = new Map<string, AbortController>();
  async function latest<T>(kind: string, run: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    inFlight.get(kind)?.abort();
    const ctl = new AbortController();
    inFlight.set(kind, ctl);
    try {
      return await run(ctl.signal);
    } catch (e) {
      if (!isAbort(e)) reportError(e);
      return undefined;
    } finally {
      if (inFlight.get(kind) === ctl) inFlight.delete(kind);
    }
  }

  async function loadUnits(): Promise<void> {
    unitsLoading.value = true;
    const got = await latest('units', (s) => contractingApi.units(at.value, s));
    if (got) units.value = got;
    if (!inFlight.has('units')) unitsLoading.value = false;
  }

  async function loadCoverage(): Promise<void> {
    const got = await latest('coverage', (s) => contractingApi.coverage(at.value, s));
    if (got) coverage.value = got;
  }

  /** The unit's grids at the day; `fly` fits the map to them (the bboxes come from the areas API). */
  async function loadUnit(fly: boolean): Promise<void> {
    const id = unitId.value;
    if (id === null) return;
    unitLoading.value = true;
    const got = await latest('unit', async (s) => {
      const zones = await contractingApi.unitGrids(id, at.value, s);
      const all = [...zones.grids, ...zones.communities];
      const boxes = fly && all.length ? await Promise.all(all.map((z) => areasApi.get(z.areaId, s).then((a) => a.bbox))) : [];
      return { zones, boxes };
    });
    if (unitId.value !== id) return;
    if (!inFlight.has('unit')) unitLoading.value = false;
    if (!got) return;
    unitGrids.value = got.zones;
    if (got.boxes.length) areas.flyTo(unionBBox(got.boxes));
  }

  /** The instant the lists were last asked for; undefined: never. */
  let loadedAt: string | null | undefined;
  function reload(): void {
    loadedAt = at.value;
    void loadUnits();
    void loadCoverage();
    void loadUnit(false);
  }

  function setView(next: MapView): void {
    if (view.value === next) return;
    view.value = next;
    if (next === 'zones' && loadedAt !== at.value) reload();
  }

  /** Shows the assignments of a day (null or today: now). */
  function setDay(next: string | null): void {
    const d = next && next < beijingToday() ? next : null;
    if (d === day.value) return;
    day.value = d;
    if (view.value === 'zones') reload();
  }

  /** Filters the map to one unit (null: all units); the map fits its grids. */
  function pickUnit(id: number | null): void {
    if (id === unitId.value) return;
    unitId.value = id;
    unitGrids.value = null;
    unitLoading.value = id !== null;
    if (id === null) inFlight.get('unit')?.abort();
    else void loadUnit(true);
  }

  function setVisible(next: VisibleZones): void {
    visible.value = next;
  }

  function reset(): void {
    loadedAt = undefined;
    for (const ctl of inFlight.values()) ctl.abort();
    inFlight.clear();
    view.value = 'areas';
    day.value = null;
    units.value = [];
    unitsLoading.value = false;
    unitId.value = null;
    unitGrids.value = null;
    unitLoading.value = false;
    coverage.value = null;
    visible.value = { units: [], unassigned: 0, noLeader: 0 };
  }

  return {
    view, day, at, units, unitsLoading, unitId, unit, unitGrids, unitLoading, coverage, visible,
    setView, setDay, pickUnit, setVisible, reload, reset,
  };
});
