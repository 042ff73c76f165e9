import { defineStore } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import type { Unit } from '@schemas/contracting';
import {
  problemsApi,
  type ActionBody,
  type Category,
  type Notice,
  type ProblemAction,
  type ProblemDetail,
  type ProblemQuery,
  type ProblemSource,
  type ProblemState,
  type ProblemListItem,
  type Queue,
} from './api';
import { contractingApi } from '../zones/api';
import { ApiError } from '../../api/client';
import { useAreasStore } from '../areas/store';
import { useNoticesStore } from '../../shared/notices';
import { periodFrom, type Period } from './period';
import { useReportError } from '../../shared/report-error';
import { useLatest } from '../../shared/use-latest';
import { onLive } from '../../shared/event-stream';

export type ProblemTab = 'list' | 'queue' | 'notices';

export interface ProblemFilters {
  state: ProblemState | null;
  /** a category at any level (the server takes its subtree) */
  category: number | null;
  source: ProblemSource | null;
  period: Period;
  overdue: boolean;
}

const LIST_LIMIT = 200;
/** Half a side of the box the map fits when it flies to one problem (about z16). */
const PIN_BOX_DEG = 0.0025;

/**
 * The problem view (问题闭环): filters, the lists (in view of the filters, my queue, notices),
 * the selected problem with its timeline and allowed actions, and a revision that changes the
 * tile URL after every write. Serialisable state only; ProblemLayers makes the map follow it.
 */
export const useProblemsStore = defineStore('problems', () => {
  const reportError = useReportError();
  const notices = useNoticesStore();
  const areas = useAreasStore();

  const categories = ref<Category[]>([]);
  const filters = reactive<ProblemFilters>({
    state: null,
    category: null,
    source: null,
    period: 'all',
    overdue: false,
  });
  const tab = ref<ProblemTab>('list');
  const list = ref<ProblemListItem[]>([]);
  const total = ref(0);
  const queue = ref<Queue | null>(null);
  /** units by id: the assign form's choice and the unit names in timelines */
  const units = ref<Unit[]>([]);
  const noticeList = ref<Notice[]>([]);
  const { latest, abort, abortAll, loading } = useLatest([
    'list',
    'queue',
    'notices',
    'detail',
    'categories',
    'units',
  ] as const);
  const selectedId = ref<number | null>(null);
  const detail = ref<ProblemDetail | null>(null);
  /** bumped after every write: part of the tile URL, so no cached tile hides the change */
  const rev = ref(0);
  /** the notice shown as a printable sheet */
  const printing = ref<number | null>(null);
  let active = false;

  const categoryById = computed(() => {
    const m = new Map<number, Category>();
    const visit = (cs: Category[]) => cs.forEach((c) => (m.set(c.id, c), visit(c.children ?? [])));
    visit(categories.value);
    return m;
  });
  /** The path 大类 → 小类 → 细类 of a category. */
  function categoryPath(id: number | null | undefined): Category[] {
    const path: Category[] = [];
    for (
      let c = id == null ? undefined : categoryById.value.get(id);
      c;
      c = c.parentId == null ? undefined : categoryById.value.get(c.parentId)
    )
      path.unshift(c);
    return path;
  }

  const unitName = computed(() => new Map(units.value.map((u) => [u.id, u.name])));
  /** how many wait for me (the queue tab's badge) */
  const queueCount = computed(() => (queue.value?.sections ?? []).reduce((n, s) => n + s.total, 0));

  const query = computed<ProblemQuery>(() => ({
    state: filters.state,
    category: filters.category === null ? null : (categoryById.value.get(filters.category)?.code ?? null),
    source: filters.source,
    from: periodFrom(filters.period),
    area: areas.selected?.code ?? null,
    overdue: filters.overdue || null,
    sort: 'deadline',
    limit: LIST_LIMIT,
  }));

  async function loadList(): Promise<void> {
    await latest(
      'list',
      (s) => problemsApi.list(query.value, s),
      (r) => ((list.value = r.items), (total.value = r.total)),
    );
  }
  async function loadQueue(): Promise<void> {
    await latest(
      'queue',
      (s) => problemsApi.queue(s),
      (r) => (queue.value = r),
    );
  }
  async function loadNotices(): Promise<void> {
    await latest(
      'notices',
      (s) => problemsApi.notices({ limit: 200 }, s),
      (r) => (noticeList.value = r.items),
    );
  }
  function reloadLists(): void {
    void loadList();
    void loadQueue();
    if (tab.value === 'notices') void loadNotices();
  }

  /** The view was opened (fresh tiles and lists): categories once, the lists every time (they may have changed meanwhile). */
  async function enter(): Promise<void> {
    active = true;
    // fresh tiles too: problems may have gone overdue while the view was closed
    rev.value += 1;
    reloadLists();
    if (!categories.value.length)
      await latest(
        'categories',
        (s) => problemsApi.categories(s),
        (got) => (categories.value = got),
      );
  }
  async function loadUnits(): Promise<void> {
    if (units.value.length) return;
    await latest(
      'units',
      (s) => contractingApi.units(null, s),
      (got) => (units.value = got),
    );
  }
  function leave(): void {
    active = false;
  }

  watch(
    query,
    () => {
      if (active) void loadList();
    },
    { deep: true },
  );

  function setTab(next: ProblemTab): void {
    tab.value = next;
    if (next === 'notices') void loadNotices();
    if (next === 'queue') void loadQueue();
  }

  /** Shows a problem's detail in the drawer (if it is still the selected one). */
  function showDetail(got: ProblemDetail): void {
    if (selectedId.value !== got.id) return;
    detail.value = got;
    // the timeline names the units that acted
    if (got.timeline.some((e) => e.actorUnitId !== null || typeof e.data.unitId === 'number')) void loadUnits();
  }
  async function loadDetail(id: number): Promise<ProblemDetail | undefined> {
    return latest('detail', (s) => problemsApi.get(id, s), showDetail);
  }

  /** Opens a problem in the drawer; `fly` moves the map to it (not when it was clicked on the map). */
  async function select(id: number, opts: { fly?: boolean } = {}): Promise<void> {
    if (selectedId.value !== id) detail.value = null;
    selectedId.value = id;
    const got = await loadDetail(id);
    if (got && opts.fly)
      areas.flyTo([got.lon - PIN_BOX_DEG, got.lat - PIN_BOX_DEG, got.lon + PIN_BOX_DEG, got.lat + PIN_BOX_DEG]);
  }
  function closeDetail(): void {
    abort('detail');
    selectedId.value = null;
    detail.value = null;
  }

  /** A problem just reported: the server's answer is its detail, shown as is (no second request). */
  function showReported(created: ProblemDetail): void {
    changed();
    abort('detail');
    selectedId.value = created.id;
    showDetail(created);
  }

  /** After a write: the tiles and lists show it. */
  function changed(): void {
    rev.value += 1;
    reloadLists();
  }

  /**
   * Takes an action on the open problem with the version it shows. Resolves to null on success,
   * or to the server's message: a 409 (another writer came first, or the action is no longer
   * allowed) also reloads the problem so the drawer shows what is true now.
   */
  async function act(action: ProblemAction, body: Omit<ActionBody, 'version'>): Promise<string | null> {
    const d = detail.value;
    if (!d) return null;
    try {
      // the answer is the problem after the step, with what may be done next
      const after = await problemsApi.act(d.id, action, { ...body, version: d.version });
      if (selectedId.value === d.id) detail.value = after;
      changed();
      return null;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        notices.push('error', e.message);
        await loadDetail(d.id);
        return e.message;
      }
      if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 401) return e.message;
      reportError(e);
      return e instanceof Error ? e.message : String(e);
    }
  }

  /** A notice with its problem, for the printable sheet (bound with useLatestData). */
  async function noticeSheet(id: number, signal: AbortSignal): Promise<{ notice: Notice; problem: ProblemDetail }> {
    const notice = await problemsApi.notice(id, signal);
    return { notice, problem: await problemsApi.get(notice.problemId, signal) };
  }

  function setFilter(patch: Partial<ProblemFilters>): void {
    Object.assign(filters, patch);
  }
  function clearFilters(): void {
    Object.assign(filters, { state: null, category: null, source: null, period: 'all', overdue: false });
  }

  // Live events instead of polling (shared/event-stream.ts): a report or step by anyone in the
  // caller's scope, a 督办/问责 of the overdue sweep (it runs every minute, so problems going
  // overdue arrive this way too) or a "reload" refreshes the tiles, the lists and the queue badge,
  // once per burst. The open problem is not reloaded here: a reload racing the user's own step
  // closed the next form (browser test); a step on a stale version answers 409 and reloads it.
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  onLive(['problem', 'notice', 'reload'], () => {
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => {
      rev.value += 1;
      if (!active) return;
      reloadLists();
    }, 300);
  });

  function reset(): void {
    active = false;
    abortAll();
    categories.value = [];
    clearFilters();
    tab.value = 'list';
    list.value = [];
    total.value = 0;
    queue.value = null;
    units.value = [];
    noticeList.value = [];
    selectedId.value = null;
    detail.value = null;
    rev.value = 0;
    printing.value = null;
    clearTimeout(liveTimer);
  }

  return {
    categories,
    categoryById,
    categoryPath,
    filters,
    query,
    tab,
    list,
    total,
    queue,
    queueCount,
    noticeList,
    loading,
    selectedId,
    detail,
    rev,
    printing,
    units,
    unitName,
    enter,
    leave,
    setTab,
    setFilter,
    clearFilters,
    loadList,
    loadQueue,
    loadNotices,
    loadUnits,
    select,
    closeDetail,
    showReported,
    act,
    changed,
    noticeSheet,
    reset,
  };
});
