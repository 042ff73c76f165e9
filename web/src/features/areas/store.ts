import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AreaDetail, AreaSearchHit, AreaSummary, AreaTree } from '@schemas/areas';
import type { ScopeArea } from '@schemas/auth';
import { areasApi } from './api';
import { useReportError } from '../../shared/report-error';
import { useLatest } from '../../shared/use-latest';

type BBox = AreaDetail['bbox'];

/** The view the map starts from and returns to: the county, or the union of the user's scope areas. */
export interface HomeView {
  bbox: BBox;
  areaM2: number;
}

/** The box around all of them (the user's scope areas, a unit's grids). */
export function unionBBox(boxes: BBox[]): BBox {
  return boxes.reduce<BBox>(
    ([w, s, e, n], [w2, s2, e2, n2]) => [Math.min(w, w2), Math.min(s, s2), Math.max(e, e2), Math.max(n, n2)],
    [Infinity, Infinity, -Infinity, -Infinity],
  );
}

/**
 * The area hierarchy (as far as the user may see it) and the current selection. Serialisable state
 * only: the map reads `selected` and `focus` and moves itself; the store never touches the map.
 */
export const useAreasStore = defineStore('areas', () => {
  const reportError = useReportError();
  const { latest, abort, loading } = useLatest(['select', 'search'] as const);

  const tree = ref<AreaTree | null>(null);
  const treeLoading = ref(false);
  const selected = ref<AreaDetail | null>(null);
  const children = ref<AreaSummary[]>([]);
  const selecting = ref<number | null>(null);
  /** A camera request: bumped `seq` means "fit the map to this bbox". */
  const focus = ref<{ bbox: BBox; seq: number } | null>(null);
  const home = ref<HomeView | null>(null);
  /** null: city-wide. Otherwise the areas the user is responsible for, with their bboxes. */
  const scopeAreas = ref<AreaDetail[] | null>(null);

  let seq = 0;
  /** Bumped by reset(): a load that started for the previous user must not land in this one's state. */
  let epoch = 0;

  const selectedId = computed(() => selected.value?.id ?? null);

  function flyTo(bbox: BBox): void {
    focus.value = { bbox, seq: ++seq };
  }

  /** The tree and the home view; `scope` is the logged-in user's (null = the whole city). */
  async function loadTree(scope: ScopeArea[] | null): Promise<void> {
    const mine = epoch;
    treeLoading.value = true;
    try {
      const loaded = await areasApi.tree();
      let view: HomeView | null = null;
      let areas: AreaDetail[] | null = null;
      if (scope) {
        areas = await Promise.all(scope.map((a) => areasApi.byCode(a.code)));
        if (areas.length)
          view = { bbox: unionBBox(areas.map((a) => a.bbox)), areaM2: areas.reduce((m, a) => m + a.areaM2, 0) };
      } else if (loaded.roots[0]) {
        const county = await areasApi.get(loaded.roots[0].id);
        view = { bbox: county.bbox, areaM2: county.areaM2 };
      }
      if (mine !== epoch) return;
      tree.value = loaded;
      scopeAreas.value = areas;
      home.value = view;
      if (view && !selected.value) flyTo(view.bbox);
    } catch (e) {
      if (mine === epoch) reportError(e);
    } finally {
      if (mine === epoch) treeLoading.value = false;
    }
  }

  /** Selects an area; `fly` moves the map to it (not wanted when the user just clicked it on the map). */
  async function select(id: number, opts: { fly?: boolean } = {}): Promise<void> {
    selecting.value = id;
    await latest(
      'select',
      async (s) => {
        const detail = await areasApi.get(id, s);
        return { detail, kids: detail.childCount > 0 ? await areasApi.children(id, s) : [] };
      },
      ({ detail, kids }) => {
        selected.value = detail;
        children.value = kids;
        if (opts.fly) flyTo(detail.bbox);
      },
    );
    if (!loading.select) selecting.value = null;
  }

  /** Selects the area with this code (a deep link), flying to it. */
  async function selectByCode(code: string): Promise<void> {
    try {
      const area = await areasApi.byCode(code);
      await select(area.id, { fly: true });
    } catch (e) {
      reportError(e);
    }
  }

  /** Areas by name or code (the header's search); undefined: failed, or a newer search replaced it. */
  function search(q: string): Promise<AreaSearchHit[] | undefined> {
    return latest('search', (s) => areasApi.search(q, 20, s));
  }
  function cancelSearch(): void {
    abort('search');
  }

  /** Back to no selection; `fly: false` stays where the map is (the zone view returns to its unit, not home). */
  function clear(opts: { fly?: boolean } = {}): void {
    abort('select');
    selected.value = null;
    children.value = [];
    if (home.value && opts.fly !== false) flyTo(home.value.bbox);
  }

  /** Forget everything: another user (or nobody) is next. */
  function reset(): void {
    epoch += 1;
    abort('select');
    abort('search');
    tree.value = null;
    treeLoading.value = false;
    selected.value = null;
    children.value = [];
    selecting.value = null;
    focus.value = null;
    home.value = null;
    scopeAreas.value = null;
  }

  return {
    tree,
    treeLoading,
    selected,
    selectedId,
    children,
    selecting,
    focus,
    home,
    scopeAreas,
    loadTree,
    select,
    selectByCode,
    search,
    cancelSearch,
    clear,
    flyTo,
    reset,
  };
});
