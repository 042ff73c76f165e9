import { computed, ref, shallowRef, type ComputedRef, type Ref } from 'vue';
import type { useLatest } from '../../shared/use-latest';
import type { Panel, WallConfig } from './config';
import { useFigurePanels } from './figure-panels';
import { wallApi, type FigureLevel, type Notice, type ProblemItem, type RankEntry } from './api';

/** An area on the wall's breadcrumb (county → street → community → grid). */
export interface WallArea {
  code: string;
  name: string;
  level: FigureLevel;
}
export interface Kpis {
  today: number;
  open: number;
  overdue: number;
  closedToday: number;
}
export interface Rate {
  id: 'rectification_rate' | 'on_time_rate';
  value: number | null;
  /** today's campaign target (percent) and its label, when a campaign runs */
  target: number | null;
  status: string | null;
}
export interface TrendPoint {
  day: string;
  found: number;
  closed: number;
}

export const OPEN_STATES = ['reported', 'verified', 'assigned', 'suspended', 'fixed'];
/** the request kinds of the wall: one in flight per kind, the latest wins */
export const WALL_REQUESTS = [
  'kpis',
  'rates',
  'trend',
  'trendToday',
  'ranking',
  'overdue',
  'notices',
  'map',
  'reported',
  'detail',
  'alert',
] as const;
export type Latest = ReturnType<typeof useLatest<(typeof WALL_REQUESTS)[number]>>['latest'];
/** the parts whose first load the wall's `data-ready` marker waits for (docs/ARCHITECTURE.md "Wall screen") */
export type ReadyPart = Exclude<Panel, 'feed'> | 'map';

/** the selection as the APIs' area filter (null: the whole county, i.e. all the caller may read) */
export const areaCodeOf = (s: WallArea | undefined) => (s && s.level !== 'county' ? s.code : null);
export const inside = (code: string | null | undefined, area: WallArea | undefined) =>
  !area || area.level === 'county' || (!!code && code.startsWith(area.code));

/**
 * The wall's panel data (issue 12): each panel's loader defined once. Every loader reads the
 * selection once, when it starts: an answer is read for the area it was asked for.
 */
export function usePanelData(o: { config: WallConfig; latest: Latest; selected: ComputedRef<WallArea | undefined> }) {
  const { latest, selected } = o;
  const panels = computed(() => new Set<Panel>(o.config.panels));
  const ranking = ref<RankEntry[]>([]);
  const rankingWeek = ref<string | null>(null);
  const overdueTotal = ref(0);
  const notices = ref<Notice[]>([]);
  const mapProblems = shallowRef<ProblemItem[]>([]);
  const showClosed = ref(o.config.closed);
  /** the parts whose first load completed (the `data-ready` marker) */
  const overdue = ref<ProblemItem[]>([]);
  const loaded: Ref<Set<ReadyPart>> = ref(new Set());
  const done = (part: ReadyPart) => {
    if (!loaded.value.has(part)) loaded.value = new Set([...loaded.value, part]);
  };
  const figures = useFigurePanels({ latest, selected, done, overdue });

  const areaParam = () => areaCodeOf(selected.value);

  /** the last complete week: streets under the county, communities under a street (or above a grid) */
  const loadRanking = () =>
    latest(
      'ranking',
      async (signal) => {
        const s = selected.value;
        const kind = !s || s.level === 'county' ? 'street' : 'community';
        const r = await wallApi.ranking(kind, signal);
        const street = s && s.level !== 'county' ? s.code.slice(0, 9) : undefined;
        return {
          week: r.weekStart,
          entries: kind === 'street' ? r.entries : r.entries.filter((e) => street && e.code.startsWith(street)),
        };
      },
      (v) => {
        done('ranking');
        rankingWeek.value = v.week;
        ranking.value = v.entries;
      },
    );

  const loadOverdue = () =>
    latest(
      'overdue',
      (signal) => wallApi.problems({ overdue: true, area: areaParam(), sort: 'deadline', limit: 30 }, signal),
      (v) => {
        done('overdue');
        overdue.value = v.items;
        overdueTotal.value = v.total;
      },
    );
  const loadNotices = () => {
    const s = selected.value;
    return latest(
      'notices',
      (signal) => wallApi.notices(signal),
      (v) => (notices.value = v.items.filter((n) => inside(n.areaCode, s))),
    );
  };

  /** open and overdue problems (closed ones too when asked), newest first, for the map */
  const loadMap = () =>
    latest(
      'map',
      async (signal) => {
        const open = wallApi.problems(
          { state: OPEN_STATES, area: areaParam(), sort: 'reported_desc', limit: 500 },
          signal,
        );
        const closed = showClosed.value
          ? wallApi.problems({ state: ['closed'], area: areaParam(), sort: 'updated_desc', limit: 500 }, signal)
          : null;
        return [...(await open).items, ...((await closed)?.items ?? [])];
      },
      (v) => (mapProblems.value = v),
    );

  /**
   * A report's pin at once, before the map's full reload: only the open problems reported since
   * it (one small query instead of the map's 500 rows), merged into the map's.
   */
  const loadReported = (at: string) =>
    latest(
      'reported',
      (signal) =>
        wallApi.problems({ state: OPEN_STATES, area: areaParam(), from: at, sort: 'reported_desc', limit: 50 }, signal),
      (v) => {
        const ids = new Set(v.items.map((p) => p.id));
        mapProblems.value = [...v.items, ...mapProblems.value.filter((p) => !ids.has(p.id))];
      },
    );

  /** KPI tiles and the map first (the embedded database answers one query at a time), then the rest */
  async function loadAll(): Promise<void> {
    const p = panels.value;
    await Promise.all([p.has('kpi') ? figures.loadKpis() : null, loadMap()]);
    if (p.has('overdue')) void (loadOverdue(), loadNotices());
    if (p.has('rates')) void figures.loadRates();
    if (p.has('ranking')) void loadRanking();
    if (p.has('trend')) void figures.loadTrend();
  }

  function toggleClosed(): void {
    showClosed.value = !showClosed.value;
    void loadMap();
  }

  return {
    ...figures,
    panels,
    ranking,
    rankingWeek,
    overdue,
    overdueTotal,
    notices,
    mapProblems,
    showClosed,
    loaded,
    done,
    loadRanking,
    loadOverdue,
    loadNotices,
    loadMap,
    loadReported,
    loadAll,
    toggleClosed,
  };
}
export type PanelData = ReturnType<typeof usePanelData>;
