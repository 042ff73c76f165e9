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
  type ProblemSort,
  type Queue,
  OPEN_STATES,
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
  /** closed, invalid and duplicate ones too (off: open ones only, unless a state is chosen) */
  closed: boolean;
}

/** The list's orders the user picks from (the server's `sort`; docs/ARCHITECTURE.md "Office screen"). */
export const LIST_SORTS = ['attention', 'reported_desc', 'open_deadline'] as const satisfies readonly ProblemSort[];
export type ListSort = (typeof LIST_SORTS)[number];
const DEFAULT_FILTERS: ProblemFilters = {
  state: null,
  category: null,
  source: null,
  period: 'all',
  overdue: false,
  closed: false,
};
/** How many live reports stay pinned on top of the list (newest first). */
const FRESH_LIMIT = 20;

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
  const filters = reactive<ProblemFilters>({ ...DEFAULT_FILTERS });
  /** the list's order: what needs acting on first (open, overdue, newest), unless the user picks another */
  const sort = ref<ListSort>('attention');
  /**
   * Problems reported live (the event stream) since the list's filters or order last changed:
   * pinned on top of the list, newest first, whatever the order, so a new report shows at once.
   * `freshFrom` is the first such report's time; the pinned rows are asked for with the list.
   */
  const freshFrom = ref<string | null>(null);
  const fresh = ref<ProblemListItem[]>([]);
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
    state: filters.state ?? (filters.closed ? null : [...OPEN_STATES]),
    category: filters.category === null ? null : (categoryById.value.get(filters.category)?.code ?? null),
    source: filters.source,
    from: periodFrom(filters.period),
    area: areas.selected?.code ?? null,
    overdue: filters.overdue || null,
    sort: sort.value,
    limit: LIST_LIMIT,
  }));
  /** The rows shown: the live reports pinned on top, then the list in its order without them. */
  const rows = computed(() => {
    if (!fresh.value.length) return list.value;
    const pinned = new Set(fresh.value.map((p) => p.id));
    return [...fresh.value, ...list.value.filter((p) => !pinned.has(p.id))];
  });
  const freshIds = computed(() => new Set(fresh.value.map((p) => p.id)));

  async function loadList(): Promise<void> {
    const q = query.value;
    const since = q.sort === 'reported_desc' ? null : freshFrom.value;
    await latest(
      'list',
      async (s) => {
        const [page, pinned] = await Promise.all([
          problemsApi.list(q, s),
          // the live reports that match the filters (and the scope), as the list would show them
          since
            ? problemsApi.list({ ...q, from: since, sort: 'reported_desc', limit: FRESH_LIMIT }, s)
            : Promise.resolve(null),
        ]);
        return { page, pinned };
      },
      ({ page, pinned }) => {
        list.value = page.items;
        total.value = page.total;
        fresh.value = pinned?.items ?? [];
      },
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

  // another filter, area or order: what was reported live is in its place in the new list
  watch(
    () => JSON.stringify({ ...query.value }),
    () => {
      freshFrom.value = null;
      fresh.value = [];
      if (active) void loadList();
    },
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
    Object.assign(filters, DEFAULT_FILTERS);
  }
  function setSort(next: ListSort): void {
    sort.value = next;
  }

  // Live events instead of polling (shared/event-stream.ts): a report or step by anyone in the
  // caller's scope, a 督办/问责 of the overdue sweep (it runs every minute, so problems going
  // overdue arrive this way too) or a "reload" refreshes the tiles, the lists and the queue badge,
  // once per burst. The open problem is not reloaded here: a reload racing the user's own step
  // closed the next form (browser test); a step on a stale version answers 409 and reloads it.
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  onLive(['problem', 'notice', 'reload'], (kind, e) => {
    // a new report: pinned on top of the list from now on (loadList asks for it with the list)
    if (kind === 'problem' && e?.action === 'report' && (!freshFrom.value || e.at < freshFrom.value))
      freshFrom.value = e.at;
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
    sort.value = 'attention';
    freshFrom.value = null;
    fresh.value = [];
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
    sort,
    rows,
    freshIds,
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
    setSort,
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
