import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AreaDetail, AreaSummary, AreaTree } from '../../../api/schemas/areas';
import { areasApi } from '../api/areas';
import { isAbort } from '../api/client';
import { useReportError } from './report-error';

type BBox = AreaDetail['bbox'];

/**
 * The area hierarchy and the current selection. Serialisable state only: the map reads
 * `selected` and `focus` and moves itself; the store never touches the map.
 */
export const useAreasStore = defineStore('areas', () => {
  const reportError = useReportError();

  const tree = ref<AreaTree | null>(null);
  const treeLoading = ref(false);
  const selected = ref<AreaDetail | null>(null);
  const children = ref<AreaSummary[]>([]);
  const selecting = ref<number | null>(null);
  /** A camera request: bumped `seq` means "fit the map to this bbox". */
  const focus = ref<{ bbox: BBox; seq: number } | null>(null);
  /** The county, fetched once: its bbox is the home view. */
  const home = ref<AreaDetail | null>(null);

  let selectCtl: AbortController | null = null;
  let seq = 0;

  const selectedId = computed(() => selected.value?.id ?? null);

  function flyTo(bbox: BBox): void {
    focus.value = { bbox, seq: ++seq };
  }

  async function loadTree(): Promise<void> {
    treeLoading.value = true;
    try {
      tree.value = await areasApi.tree();
      const root = tree.value.roots[0];
      if (root) {
        home.value = await areasApi.get(root.id);
        if (!selected.value) flyTo(home.value.bbox);
      }
    } catch (e) {
      reportError(e);
    } finally {
      treeLoading.value = false;
    }
  }

  /** Selects an area; `fly` moves the map to it (not wanted when the user just clicked it on the map). */
  async function select(id: number, opts: { fly?: boolean } = {}): Promise<void> {
    selectCtl?.abort();
    const ctl = new AbortController();
    selectCtl = ctl;
    selecting.value = id;
    try {
      const detail = await areasApi.get(id, ctl.signal);
      const kids = detail.childCount > 0 ? await areasApi.children(id, ctl.signal) : [];
      selected.value = detail;
      children.value = kids;
      if (opts.fly) flyTo(detail.bbox);
    } catch (e) {
      if (!isAbort(e)) reportError(e);
    } finally {
      if (selectCtl === ctl) {
        selecting.value = null;
        selectCtl = null;
      }
    }
  }

  function clear(): void {
    selectCtl?.abort();
    selected.value = null;
    children.value = [];
    if (home.value) flyTo(home.value.bbox);
  }

  return { tree, treeLoading, selected, selectedId, children, selecting, focus, home, loadTree, select, clear, flyTo };
});
