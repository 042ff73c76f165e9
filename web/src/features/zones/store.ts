import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { ResponsibilityCoverage, Unit, UnitGrids } from '@schemas/contracting';
import { areasApi } from '../areas/api';
import { contractingApi } from './api';
import { unionBBox, useAreasStore } from '../areas/store';
import { useLatest } from '../../shared/use-latest';
import { useViewStore } from '../../app/view';
import { beijingToday, endOfDay } from '../../shared/beijing-day';
import { onLiveZones } from '../../shared/event-stream';

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
 * The contracting-zone view (包保责任区): the day whose assignments it shows, the units, the unit
 * filtered to, and the gaps (which view the map shows: app/view.ts). Serialisable state only;
 * ZoneLayers makes the map follow it and reports back what is drawn (`visible`).
 */
export const useZonesStore = defineStore('zones', () => {
  const areas = useAreasStore();
  const view = useViewStore();
  // a newer day or unit aborts the older request
  const { latest, abort, abortAll, loading } = useLatest(['units', 'coverage', 'unit'] as const);

  /** YYYY-MM-DD (Beijing); null = now */
  const day = ref<string | null>(null);
  const at = computed(() => (day.value ? endOfDay(day.value) : null));

  const units = ref<Unit[]>([]);
  const unitsLoading = computed(() => loading.units);
  const unitId = ref<number | null>(null);
  const unitGrids = ref<UnitGrids | null>(null);
  const unitLoading = computed(() => loading.unit);
  const coverage = ref<ResponsibilityCoverage | null>(null);
  const visible = ref<VisibleZones>({ units: [], unassigned: 0, noLeader: 0 });
  /** bumped when a zone plan is applied (here or live): the map asks for fresh zone tiles */
  const tilesRev = ref(0);

  const unit = computed(() => units.value.find((u) => u.id === unitId.value) ?? unitGrids.value?.unit ?? null);

  async function loadUnits(): Promise<void> {
    await latest(
      'units',
      (s) => contractingApi.units(at.value, s),
      (got) => (units.value = got),
    );
  }

  async function loadCoverage(): Promise<void> {
    await latest(
      'coverage',
      (s) => contractingApi.coverage(at.value, s),
      (got) => (coverage.value = got),
    );
  }

  /** The unit's grids at the day; `fly` fits the map to them (the bboxes come from the areas API). */
  async function loadUnit(fly: boolean): Promise<void> {
    const id = unitId.value;
    if (id === null) return;
    const got = await latest(
      'unit',
      async (s) => {
        const zones = await contractingApi.unitGrids(id, at.value, s);
        const all = [...zones.grids, ...zones.communities];
        const boxes =
          fly && all.length ? await Promise.all(all.map((z) => areasApi.get(z.areaId, s).then((a) => a.bbox))) : [];
        return { zones, boxes };
      },
      (got) => {
        if (unitId.value === id) unitGrids.value = got.zones;
      },
    );
    if (got && unitId.value === id && got.boxes.length) areas.flyTo(unionBBox(got.boxes));
  }

  /** Queries a card binds to its grid with useLatestData (shared/use-latest.ts). By the grid's label
   * point: the lookup that routes problems. */
  const responsibilityAt = (point: [number, number], at: string | null, signal: AbortSignal) =>
    contractingApi.responsibility(point[0], point[1], at, signal);
  const gridHistory = (gridId: number, signal: AbortSignal) => contractingApi.history(gridId, signal);

  /** The instant the lists were last asked for; undefined: never. */
  let loadedAt: string | null | undefined;
  function reload(): void {
    loadedAt = at.value;
    void loadUnits();
    void loadCoverage();
    void loadUnit(false);
  }

  /** A plan was applied: fresh tiles; the lists now if the view is open, else when it opens. */
  function refresh(): void {
    tilesRev.value += 1;
    if (view.mode === 'zones') reload();
    else loadedAt = undefined;
  }
  // another planner's apply (or one in another tab): the `zones` live event, scoped by the server
  onLiveZones((e) => {
    if (e.action === 'applied') refresh();
  });

  // the lists are asked for when the zone view opens (unless they are of the day shown already)
  watch(
    () => view.mode,
    (mode) => {
      if (mode === 'zones' && loadedAt !== at.value) reload();
    },
    { flush: 'sync' },
  );

  /** Shows the assignments of a day, past or planned (null or today: now). */
  function setDay(next: string | null): void {
    // a past day shows history; a later one what is planned (a zone draft applied from that day)
    const d = next && next !== beijingToday() ? next : null;
    if (d === day.value) return;
    day.value = d;
    if (view.mode === 'zones') reload();
  }

  /** Filters the map to one unit (null: all units); the map fits its grids. */
  function pickUnit(id: number | null): void {
    if (id === unitId.value) return;
    unitId.value = id;
    unitGrids.value = null;
    if (id === null) abort('unit');
    else void loadUnit(true);
  }

  function setVisible(next: VisibleZones): void {
    visible.value = next;
  }

  function reset(): void {
    loadedAt = undefined;
    abortAll();
    day.value = null;
    units.value = [];
    unitId.value = null;
    unitGrids.value = null;
    coverage.value = null;
    visible.value = { units: [], unassigned: 0, noLeader: 0 };
  }

  return {
    day,
    at,
    units,
    unitsLoading,
    unitId,
    unit,
    unitGrids,
    unitLoading,
    coverage,
    visible,
    tilesRev,
    setDay,
    pickUnit,
    setVisible,
    reload,
    refresh,
    reset,
    responsibilityAt,
    gridHistory,
  };
});
