import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { LiveProblemEvent } from '@schemas/events';
import type { AreaDetail } from '@schemas/areas';
import { ApiError, setAuthFailureHandler } from '../../api/client';
import { noteServerTime, serverNow } from '../../api/server-time';
import { getJson } from '../../api/client';
import { onLive, startLive, stopLive, liveState } from '../../shared/event-stream';
import { useLatest } from '../../shared/use-latest';
import { setLocale } from '../../i18n/index';
import { beijingMidnight, levelOfCode, parseWallConfig, type Panel } from './config';
import {
  wallApi,
  type AreaTree,
  type FigureLevel,
  type FiguresResult,
  type Notice,
  type ProblemItem,
  type RankEntry,
} from './api';

/** An area on the wall's breadcrumb (county → street → community). */
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
/** A live event as the feed shows it. */
export type FeedItem = LiveProblemEvent;

const OPEN_STATES = ['reported', 'verified', 'assigned', 'suspended', 'fixed'];
/**
 * The cohort of "open" and "overdue" on the wall: problems reported in the last three years (the
 * longest period the figures API takes); older open problems are a matter for the office.
 */
const since = () => new Date(serverNow() - 3 * 365 * 24 * 3600_000).toISOString();
const FLASH_MS = 6000;
const FEED_MAX = 40;
/** after a touch, the tour waits this long before it moves on again */
const TOUR_PAUSE_MS = 60_000;

/** `fn` over the items, `n` at a time, answers in order. */
async function inBatches<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += n) out.push(...(await Promise.all(items.slice(i, i + n).map(fn))));
  return out;
}

const inside = (code: string | null | undefined, area: WallArea | undefined) =>
  !area || area.level === 'county' || (!!code && code.startsWith(area.code));

/**
 * The wall (指挥中心大屏, issue 12): its sign-in (a display token from the address, or the
 * person's session), the selection every panel follows (breadcrumb), each panel's loader defined
 * once, live updates from the event stream (no polling) and the auto-tour.
 */
export const useWallStore = defineStore('wall', () => {
  const config = parseWallConfig(window.location.search);
  const { latest, abortAll } = useLatest([
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
  ] as const);

  const auth = ref<'starting' | 'ready' | 'denied'>('starting');
  const title = ref('');
  const tree = shallowRef<AreaTree | null>(null);
  const path = ref<WallArea[]>([]);
  const selected = computed(() => path.value.at(-1));
  const detail = shallowRef<AreaDetail | null>(null);
  const kpis = ref<Kpis | null>(null);
  const rates = ref<Rate[]>([]);
  const campaignName = ref<{ zh: string; en: string } | null>(null);
  const trend = ref<TrendPoint[]>([]);
  const ranking = ref<RankEntry[]>([]);
  const rankingWeek = ref<string | null>(null);
  const overdue = ref<ProblemItem[]>([]);
  const overdueTotal = ref(0);
  const notices = ref<Notice[]>([]);
  const feed = ref<FeedItem[]>([]);
  const mapProblems = shallowRef<ProblemItem[]>([]);
  const flashing = ref<number[]>([]);
  const showClosed = ref(config.closed);
  const panels = computed(() => new Set<Panel>(config.panels));

  // ---- the loaders, one per panel -------------------------------------------------------------
  // every loader reads the selection once, when it starts: an answer is read for the area it was asked for
  const levelOf = (s: WallArea | undefined) => s?.level ?? 'county';
  const num = (r: FiguresResult | undefined, id: string, s: WallArea | undefined) => {
    const row = r && (s ? r.rows.find((x) => x.code === s.code) : r.rows[0]);
    return row?.figures[id]?.value ?? 0;
  };

  /**
   * The KPI tiles follow a live event at once, from the event itself (applyToKpis); a reload then
   * reconciles them with the figures API. An answer replaces the tiles only when no event was
   * applied since its request left (`kpiEpoch`): an older answer cannot undo a newer event, and
   * every applied event schedules the reload that brings the exact counts.
   */
  let kpiEpoch = 0;
  /** the Beijing midnight the tiles' "today" starts at */
  let kpiDay: string | null = null;

  /** today's reports, open, overdue, and closed today (= closed now − closed at 00:00: net closures) */
  const loadKpis = () => {
    const epoch = kpiEpoch;
    return latest(
      'kpis',
      async (signal) => {
        const sel = selected.value;
        const level = levelOf(sel);
        // periods end at tomorrow 00:00, not at the browser's estimate of the server's now (it may
        // lag a report that just happened); the server judges them as of its own now
        const now = beijingMidnight(serverNow(), -1);
        const midnight = beijingMidnight(serverNow());
        const [today, all, before] = await Promise.all([
          wallApi.figures({ level, from: midnight, to: now, indicators: ['found'] }, signal),
          wallApi.figures({ level, from: since(), to: now, indicators: ['open', 'overdue', 'closed'] }, signal),
          wallApi.figures({ level, from: since(), to: now, asOf: midnight, indicators: ['closed'] }, signal),
        ]);
        const tiles: Kpis = {
          today: num(today, 'found', sel),
          open: num(all, 'open', sel),
          overdue: num(all, 'overdue', sel),
          closedToday: Math.max(0, num(all, 'closed', sel) - num(before, 'closed', sel)),
        };
        return { day: midnight, tiles };
      },
      (v) => {
        if (epoch !== kpiEpoch) return; // an event came since: the reload it scheduled answers
        kpiDay = v.day;
        kpis.value = v.tiles;
      },
    );
  };

  /**
   * One event on the tiles, before any reload: a report → today +1, open +1; a step into or out
   * of an open state → open ±1; a closure (or a reopening) → closed today ±1; a 督办 (raised
   * once the problem passed its deadline) → overdue +1; a listed overdue problem leaving
   * `assigned` or given more time → overdue −1. The problems' three-year cohort and steps the
   * tiles cannot judge from an event are left to the reload.
   */
  function applyToKpis(e: LiveProblemEvent): void {
    const k = kpis.value;
    if (!k) return;
    kpiEpoch += 1;
    const next = { ...k };
    const day = beijingMidnight(Date.parse(e.at));
    if (kpiDay && day > kpiDay) {
      // the event is the first of a new day: today's tiles start again at its midnight
      kpiDay = day;
      next.today = 0;
      next.closedToday = 0;
    }
    const isToday = day === kpiDay;
    const open = (s: string | null) => (s && OPEN_STATES.includes(s) ? 1 : 0);
    if (e.action === 'report' && isToday) next.today += 1;
    next.open = Math.max(0, next.open + open(e.toState) - open(e.fromState));
    if (isToday && e.toState === 'closed' && e.fromState !== 'closed') next.closedToday += 1;
    if (isToday && e.fromState === 'closed' && e.toState !== 'closed') {
      next.closedToday = Math.max(0, next.closedToday - 1);
    }
    const listed = overdue.value.some((p) => p.id === e.problemId);
    if (e.action === 'supervision_notice' && !listed) next.overdue += 1;
    else if (listed && ((e.fromState === 'assigned' && e.toState !== 'assigned') || e.action === 'approve_extension')) {
      next.overdue = Math.max(0, next.overdue - 1);
    }
    kpis.value = next;
  }

  /** 整改达标率 and 按期结案率 of the campaign running today, against its target in force today */
  const loadRates = () =>
    latest(
      'rates',
      async (signal) => {
        const s = selected.value;
        const today = new Date(serverNow() + 8 * 3600_000).toISOString().slice(0, 10);
        const campaign = (await wallApi.campaigns(signal)).find((c) => c.startsOn <= today && today <= c.endsOn);
        const ids = ['rectification_rate', 'on_time_rate'] as const;
        if (!campaign) {
          const now = new Date(serverNow()).toISOString();
          const r = await wallApi.figures(
            { level: levelOf(s), from: beijingMidnight(serverNow(), 29), to: now, indicators: [...ids] },
            signal,
          );
          return {
            name: null,
            rates: ids.map((id): Rate => ({ id, value: num(r, id, s) || null, target: null, status: null })),
          };
        }
        const kind = s?.level === 'community' ? 'community' : 'street';
        const answers = await Promise.all(ids.map((id) => wallApi.progress(campaign.id, kind, id, signal)));
        return {
          name: { zh: campaign.nameZh, en: campaign.nameEn },
          rates: answers.map((p, i): Rate => {
            const row = s && s.level !== 'county' ? p.rows.find((x) => x.code === s.code) : undefined;
            const v = row ?? p.overall;
            return { id: ids[i]!, value: v.value, target: p.current?.target ?? null, status: v.status };
          }),
        };
      },
      (v) => {
        campaignName.value = v.name;
        rates.value = v.rates;
      },
    );

  /** reports per day over 30 days, and how many of them are closed now */
  const loadTrend = () =>
    latest(
      'trend',
      async (signal) => {
        const s = selected.value;
        const now = serverNow();
        const days = Array.from({ length: 30 }, (_, i) => 29 - i);
        return inBatches(days, 5, async (back) => {
          const from = beijingMidnight(now, back);
          const to = beijingMidnight(now, back - 1);
          const r = await wallApi.figures({ level: levelOf(s), from, to, indicators: ['found', 'closed'] }, signal);
          const day = new Date(Date.parse(from) + 8 * 3600_000).toISOString().slice(5, 10);
          return { day, found: num(r, 'found', s), closed: num(r, 'closed', s) };
        });
      },
      (v) => (trend.value = v),
    );

  /** after a live change only today's point of the trend (the days before do not change by a report) */
  const loadTrendToday = () =>
    latest(
      'trendToday',
      async (signal) => {
        const s = selected.value;
        const now = serverNow();
        const from = beijingMidnight(now);
        const to = beijingMidnight(now, -1);
        const r = await wallApi.figures({ level: levelOf(s), from, to, indicators: ['found', 'closed'] }, signal);
        const day = new Date(Date.parse(from) + 8 * 3600_000).toISOString().slice(5, 10);
        return { day, found: num(r, 'found', s), closed: num(r, 'closed', s) };
      },
      (p) => {
        const t = trend.value;
        if (t.at(-1)?.day === p.day) trend.value = [...t.slice(0, -1), p];
        else void loadTrend(); // a new day began
      },
    );

  /** the last complete week: streets under the county, communities under a street */
  const loadRanking = () =>
    latest(
      'ranking',
      async (signal) => {
        const s = selected.value;
        const kind = !s || s.level === 'county' ? 'street' : 'community';
        const r = await wallApi.ranking(kind, signal);
        const street = s?.level === 'community' ? s.code.slice(0, 9) : s?.code;
        return {
          week: r.weekStart,
          entries: kind === 'street' ? r.entries : r.entries.filter((e) => street && e.code.startsWith(street)),
        };
      },
      (v) => {
        rankingWeek.value = v.week;
        ranking.value = v.entries;
      },
    );

  const loadOverdue = () =>
    latest(
      'overdue',
      (signal) => wallApi.problems({ overdue: true, area: areaParam(), sort: 'deadline', limit: 30 }, signal),
      (v) => {
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

  const areaParam = () => (selected.value && selected.value.level !== 'county' ? selected.value.code : null);

  /** KPI tiles and the map first (the embedded database answers one query at a time), then the rest */
  async function loadAll(): Promise<void> {
    const p = panels.value;
    await Promise.all([p.has('kpi') ? loadKpis() : null, loadMap()]);
    if (p.has('overdue')) void (loadOverdue(), loadNotices());
    if (p.has('rates')) void loadRates();
    if (p.has('ranking')) void loadRanking();
    if (p.has('trend')) void loadTrend();
  }

  // ---- live updates: events, never polling ------------------------------------------------------
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let figuresDirty = false;
  let problemsDirty = false;
  /**
   * A burst of events is one refresh, 100 ms after the last. The tiles already show the events
   * (applyToKpis): the map's new pins and the tiles' reconciling reload go first, side by side,
   * then the rest (the embedded database answers one query at a time: what the wall must show
   * within 2 s of a report does not queue behind the campaign rates or the trend).
   */
  function changed(what: 'figures' | 'problems'): void {
    if (what === 'figures') figuresDirty = true;
    else problemsDirty = true;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void refresh(), 100);
  }
  async function refresh(): Promise<void> {
    const [figures, problems] = [figuresDirty, problemsDirty];
    figuresDirty = problemsDirty = false;
    const p = panels.value;
    await Promise.all([problems ? loadMap() : null, figures && p.has('kpi') ? loadKpis() : null]);
    if (problems && p.has('overdue')) void (loadOverdue(), loadNotices());
    if (!figures) return;
    if (p.has('rates')) void loadRates();
    if (p.has('trend')) void loadTrendToday();
    if (p.has('ranking') && weekEnded()) void loadRanking();
  }
  /** the ranking is of the last complete week: it changes only once another week has ended */
  function weekEnded(): boolean {
    const shown = rankingWeek.value;
    return !shown || serverNow() >= Date.parse(beijingMidnight(Date.parse(shown), -14));
  }
  function onEvent(e: LiveProblemEvent): void {
    // the event's time is the server's clock: "today" and countdowns follow it before any answer
    noteServerTime(e.at);
    if (!inside(e.areaCode, selected.value)) return;
    const seen = feed.value.some((x) => x.id === e.id);
    feed.value = [e, ...feed.value.filter((x) => x.id !== e.id)].slice(0, FEED_MAX);
    if (!seen && panels.value.has('kpi')) {
      applyToKpis(e);
      changed('figures'); // the reconciling reload (the stream's hint schedules it too)
    }
    if (e.action === 'report') {
      void loadReported(e.at);
      flashing.value = [...flashing.value, e.problemId];
      setTimeout(() => (flashing.value = flashing.value.filter((id) => id !== e.problemId)), FLASH_MS);
    }
    changed('problems');
  }
  const unsubscribe = [
    onLive(['problem', 'notice'], (_k, e) => e && onEvent(e)),
    onLive('figures', () => changed('figures')),
    onLive('reload', () => void loadAll()),
  ];

  // ---- sign-in ----------------------------------------------------------------------------------
  /** The display token again (its session may have ended), or the person's session; false: denied. */
  async function signIn(): Promise<boolean> {
    try {
      if (config.token) title.value = (await wallApi.exchange(config.token)).name;
      else title.value = (await wallApi.me()).user.displayName;
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        auth.value = 'denied';
        stop();
      }
      return false;
    }
  }
  let resigning = false;
  async function sessionLost(): Promise<void> {
    if (resigning || auth.value === 'denied') return;
    resigning = true;
    try {
      if (await signIn()) live();
    } finally {
      resigning = false;
    }
  }
  function live(): void {
    startLive({ onSessionEnded: () => void sessionLost(), stillLoggedIn: signIn });
  }

  async function start(): Promise<void> {
    if (config.lang) setLocale(config.lang);
    setAuthFailureHandler(() => void sessionLost());
    if (!(await signIn())) return;
    auth.value = 'ready';
    live();
    tree.value = await wallApi.tree();
    const county = tree.value.roots[0];
    if (!county) return;
    path.value = [{ code: county.code, name: county.name, level: 'county' }];
    if (config.scope && config.scope !== county.code) select(config.scope);
    else {
      void loadAll();
      showArea(county.code);
    }
    startTour();
  }

  function stop(): void {
    stopLive();
    abortAll();
    clearInterval(tourTimer);
  }

  // ---- selection and breadcrumb -----------------------------------------------------------------
  /** The chain county → … → the area with this code, from the tree (streets and communities). */
  function chainOf(code: string): WallArea[] | null {
    const county = tree.value?.roots[0];
    if (!county) return null;
    const out: WallArea[] = [{ code: county.code, name: county.name, level: 'county' }];
    if (code === county.code) return out;
    const street = county.children.find((s) => code.startsWith(s.code));
    if (!street) return null;
    out.push({ code: street.code, name: street.name, level: 'street' });
    if (levelOfCode(code) === 'street') return out;
    const community = street.children.find((c) => code.startsWith(c.code));
    if (!community) return null;
    out.push({ code: community.code, name: community.name, level: 'community' });
    return out;
  }

  /** Every panel and the map follow: filtered to the area, the map flies there. */
  function select(code: string): void {
    const chain = chainOf(levelOfCode(code) === 'grid' ? code.slice(0, 12) : code);
    if (!chain) return;
    path.value = chain;
    feed.value = feed.value.filter((e) => inside(e.areaCode, selected.value));
    trend.value = []; // 30 answers: until they are in, no other area's curve
    showArea(chain.at(-1)!.code);
    void loadAll();
  }
  /** the area's outline and bbox: the map flies there */
  function showArea(code: string): void {
    void latest(
      'detail',
      (signal) => getJson<AreaDetail>(`/api/areas/by-code/${encodeURIComponent(code)}`, signal),
      (d) => (detail.value = d),
    );
  }
  /** the breadcrumb: back to an area above */
  function back(index: number): void {
    const a = path.value[index];
    if (a) select(a.code);
  }

  // ---- auto-tour: county → each street, every `tour` seconds; a touch pauses it -------------------
  let tourTimer: ReturnType<typeof setInterval> | undefined;
  let pausedUntil = 0;
  const touring = ref(config.tour > 0);
  const stops = computed(() => {
    const county = tree.value?.roots[0];
    return county ? [county.code, ...county.children.map((s) => s.code)] : [];
  });
  function startTour(): void {
    clearInterval(tourTimer);
    if (!config.tour) return;
    tourTimer = setInterval(() => {
      if (Date.now() < pausedUntil || !touring.value) return;
      const list = stops.value;
      const i = list.indexOf(selected.value?.code ?? '');
      const next = list[(i + 1) % list.length];
      if (next) select(next);
    }, config.tour * 1000);
  }
  /** someone touched the screen: the tour waits */
  function touched(): void {
    if (config.tour) pausedUntil = Date.now() + TOUR_PAUSE_MS;
  }

  function toggleClosed(): void {
    showClosed.value = !showClosed.value;
    void loadMap();
  }

  function dispose(): void {
    stop();
    clearTimeout(refreshTimer);
    for (const u of unsubscribe) u();
  }

  return {
    config,
    panels,
    auth,
    title,
    tree,
    path,
    selected,
    detail,
    kpis,
    rates,
    campaignName,
    trend,
    ranking,
    rankingWeek,
    overdue,
    overdueTotal,
    notices,
    feed,
    mapProblems,
    flashing,
    showClosed,
    touring,
    live: liveState,
    start,
    dispose,
    select,
    back,
    touched,
    toggleClosed,
  };
});
