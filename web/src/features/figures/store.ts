import { defineStore } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import {
  figuresApi,
  type Campaign,
  type CampaignProgress,
  type FigureRow,
  type FiguresResult,
  type Indicator,
  type Part,
  type ProblemsBehind,
  type RankingResult,
  type RankKind,
} from './api';
import { classOf, figureClasses, type FigureLevel } from './map/figure-layers';
import { useAreasStore } from '../areas/store';
import { periodDays, periodRange, type FigurePeriod, type PeriodKind } from './period';
import { useLatest } from '../../shared/use-latest';
import { useProblemsStore } from '../problems/store';
import { useViewStore } from '../../app/view';
import { beijingToday } from '../../shared/beijing-day';
import { onLive } from '../../shared/event-stream';

export type FigureTab = 'map' | 'ranking' | 'campaign' | 'gaps';
export type ProgressKind = 'street' | 'community' | 'unit';

/** The problems behind one figure of one area, as the panel lists them. */
export interface BehindRequest {
  indicator: string;
  part: Part;
  level: FigureLevel;
  entity: number;
}

const DEFAULT_INDICATOR = 'rectification_rate';
const BEHIND_LIMIT = 200;

/**
 * The figure view (数据分析): indicator × level × period for the choropleth, the selected area's
 * figures and the problems behind one of them, the weekly ranking and campaign progress (the
 * gaps and hotspots: gaps-store.ts). Serialisable state only; FigureLayers makes the map
 * follow it. The ranking and progress panels ask for their data when they are shown.
 */
export const useFiguresStore = defineStore('figures', () => {
  const areas = useAreasStore();
  const { latest, abort, abortAll, loading } = useLatest([
    'indicators',
    'map',
    'card',
    'behind',
    'ranking',
    'campaigns',
    'progress',
  ] as const);

  const tab = ref<FigureTab>('map');
  const indicators = ref<Indicator[]>([]);
  const indicatorId = ref(DEFAULT_INDICATOR);
  const level = ref<FigureLevel>('community');
  const period = reactive<FigurePeriod>({ kind: 'month', first: beijingToday(), last: beijingToday() });
  const range = computed(() => periodRange(period));
  const days = computed(() => periodDays(period));
  const showChoropleth = ref(true);

  /** every entity of the level with the chosen indicator (the map's data) */
  const map = ref<FiguresResult | null>(null);
  /** one entity with every indicator (the card) */
  const card = ref<FiguresResult | null>(null);
  const behind = ref<BehindRequest | null>(null);
  const behindList = ref<ProblemsBehind | null>(null);
  const ranking = ref<RankingResult | null>(null);
  const rankingKind = ref<RankKind>('street');
  /** any day of the week shown; null: the last complete week */
  const rankingWeek = ref<string | null>(null);
  const campaigns = ref<Campaign[]>([]);
  const campaignId = ref<number | null>(null);
  const progressKind = ref<ProgressKind>('street');
  const progress = ref<CampaignProgress | null>(null);
  /** why there is no progress: an i18n key under campaign. */
  const progressError = ref<'notStarted' | null>(null);
  /** the area under the pointer and where (screen px), for the hover card */
  const hover = ref<{ id: number; x: number; y: number } | null>(null);
  /** the map's zoom, for the legend's "zoom in to see grids" */
  const mapZoom = ref(0);
  let active = false;

  const indicator = computed(() => indicators.value.find((i) => i.id === indicatorId.value) ?? null);
  const rows = computed(() => (map.value && map.value.level === level.value ? map.value.rows : []));
  const rowById = computed(() => new Map(rows.value.map((r) => [r.id, r])));
  const valueOf = (r: FigureRow) => r.figures[indicatorId.value]?.value ?? null;
  const classes = computed(() => figureClasses(rows.value.map(valueOf), indicator.value?.better ?? 'lower'));
  /** area id → class index (-1: no data), what FigureLayers puts in feature-state */
  const classById = computed(() => new Map(rows.value.map((r) => [r.id, classOf(valueOf(r), classes.value.breaks)])));

  /** The row of the level that holds the selected area (itself, or its community when a grid is selected…). */
  const selectedRow = computed(() => {
    const code = areas.selected?.code;
    return code ? (rows.value.find((r) => code.startsWith(r.code)) ?? null) : null;
  });
  const cardRow = computed(
    () => (selectedRow.value && card.value?.rows.find((r) => r.id === selectedRow.value!.id)) ?? null,
  );

  async function loadMap(): Promise<void> {
    const got = await latest('map', (s) =>
      figuresApi.figures({ level: level.value, ...range.value, indicators: [indicatorId.value] }, s),
    );
    if (got) map.value = got;
  }
  async function loadCard(): Promise<void> {
    const row = selectedRow.value;
    if (!row) {
      abort('card');
      card.value = null;
      return;
    }
    const got = await latest('card', (s) =>
      figuresApi.figures({ level: level.value, ...range.value, within: row.code }, s),
    );
    if (got) card.value = got;
  }
  async function loadBehind(offset = 0): Promise<void> {
    const b = behind.value;
    if (!b) return;
    const got = await latest('behind', (s) =>
      figuresApi.behind({ ...b, ...range.value, limit: BEHIND_LIMIT, offset }, s),
    );
    if (!got || behind.value !== b) return;
    // "more" appends the next page to what is listed
    const before = behindList.value;
    behindList.value = offset > 0 && before ? { ...got, problems: [...before.problems, ...got.problems] } : got;
  }
  async function loadRanking(): Promise<void> {
    const got = await latest('ranking', (s) =>
      figuresApi.ranking({ kind: rankingKind.value, week: rankingWeek.value }, s),
    );
    if (got) ranking.value = got;
  }
  async function loadProgress(): Promise<void> {
    if (!campaigns.value.length) {
      const got = await latest('campaigns', (s) => figuresApi.campaigns(s));
      if (!got) return;
      campaigns.value = got;
      campaignId.value ??= got[0]?.id ?? null;
    }
    const c = campaigns.value.find((x) => x.id === campaignId.value);
    if (!c) return;
    const today = beijingToday();
    // the server refuses an instant before the campaign; one that is over is judged on its last day
    progressError.value = today < c.startsOn ? 'notStarted' : null;
    if (progressError.value) {
      progress.value = null;
      return;
    }
    const at = today > c.endsOn ? `${c.endsOn}T23:59:59+08:00` : null;
    const got = await latest('progress', (s) => figuresApi.progress(c.id, progressKind.value, at, s));
    if (got) progress.value = got;
  }

  /** The view was opened: indicators once, then the map's figures (they change while it is closed). */
  async function enter(): Promise<void> {
    active = true;
    void loadMap();
    void loadCard();
    if (!indicators.value.length) {
      const got = await latest('indicators', (s) => figuresApi.indicators(s));
      if (got) indicators.value = got;
    }
  }
  function leave(): void {
    active = false;
    hover.value = null;
  }

  watch([indicatorId, level, range], () => {
    if (active) void loadMap();
  });
  watch([() => selectedRow.value?.id ?? null, level, range], () => {
    if (active) void loadCard();
  });
  watch(range, () => {
    if (active && behind.value) void loadBehind();
  });
  // another level or area: the list behind the old figure no longer belongs to what is shown
  watch([level, () => selectedRow.value?.id ?? null], () => closeBehind());

  // "Figures changed" (shared/event-stream.ts): the map's and the card's figures again, once per
  // burst; the ranking and campaign panels ask each time they are shown.
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  onLive(['figures', 'reload'], () => {
    clearTimeout(liveTimer);
    liveTimer = setTimeout(() => {
      if (!active) return;
      void loadMap();
      void loadCard();
      if (behind.value) void loadBehind();
    }, 500);
  });

  function setTab(next: FigureTab): void {
    tab.value = next;
  }
  function setIndicator(id: string): void {
    indicatorId.value = id;
  }
  function setLevel(next: FigureLevel): void {
    level.value = next;
  }
  function setPeriod(kind: PeriodKind, first?: string, last?: string): void {
    const d = periodDays(period);
    Object.assign(period, { kind, first: first ?? d.first, last: last ?? d.last });
  }
  function openBehind(req: BehindRequest): void {
    behind.value = req;
    behindList.value = null;
    void loadBehind();
  }
  function closeBehind(): void {
    abort('behind');
    behind.value = null;
    behindList.value = null;
  }
  function setRankingKind(kind: RankKind): void {
    rankingKind.value = kind;
    void loadRanking();
  }
  function setRankingWeek(day: string | null): void {
    rankingWeek.value = day;
    void loadRanking();
  }
  function setProgressKind(kind: ProgressKind): void {
    progressKind.value = kind;
    void loadProgress();
  }
  function setHover(next: { id: number; x: number; y: number } | null): void {
    hover.value = next;
  }
  function setMapZoom(z: number): void {
    mapZoom.value = z;
  }
  /** A problem behind a figure: shown in the problem view, where the map rings it and the drawer opens it. */
  function openProblem(id: number): void {
    useViewStore().setMode('problems');
    void useProblemsStore().select(id, { fly: true });
  }

  function reset(): void {
    active = false;
    abortAll();
    tab.value = 'map';
    indicatorId.value = DEFAULT_INDICATOR;
    level.value = 'community';
    Object.assign(period, { kind: 'month', first: beijingToday(), last: beijingToday() });
    showChoropleth.value = true;
    map.value = card.value = null;
    behind.value = null;
    behindList.value = null;
    ranking.value = null;
    rankingKind.value = 'street';
    rankingWeek.value = null;
    campaigns.value = [];
    campaignId.value = null;
    progressKind.value = 'street';
    progress.value = null;
    progressError.value = null;
    hover.value = null;
  }

  return {
    tab,
    indicators,
    indicatorId,
    indicator,
    level,
    period,
    range,
    days,
    showChoropleth,
    map,
    rows,
    rowById,
    classes,
    classById,
    valueOf,
    selectedRow,
    card,
    cardRow,
    behind,
    behindList,
    ranking,
    rankingKind,
    rankingWeek,
    campaigns,
    campaignId,
    progressKind,
    progress,
    progressError,
    hover,
    mapZoom,
    loading,
    enter,
    leave,
    setTab,
    setIndicator,
    setLevel,
    setPeriod,
    openBehind,
    closeBehind,
    loadBehind,
    loadRanking,
    loadProgress,
    setRankingKind,
    setRankingWeek,
    setProgressKind,
    setHover,
    setMapZoom,
    openProblem,
    reset,
  };
});
