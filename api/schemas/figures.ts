import { Type, type Static } from 'typebox';
import { Id, LonLat, Name, Prose } from './common';
import { KPI_IDS } from '../domain/kpi';
import { PROBLEM_SOURCES, type ProblemSourceName } from '../domain/problem-machine';

/** Figures, rankings, campaigns, coverage gaps, hotspots and patrols: the shapes of issue 5's API. */
const Instant = Type.String({ format: 'date-time' });
// format date checks the day of the month; hardening.ts bounds its year (0000-01-01 was a 500)
const Day = Type.String({
  format: 'date',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  description: 'a Beijing calendar day, YYYY-MM-DD',
});
const Text = Type.Object({ zh: Type.String(), en: Type.String() });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const AreaCode = Type.String({ pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15})$' });

export const LevelSchema = Type.Union([
  Type.Literal('county'),
  Type.Literal('street'),
  Type.Literal('community'),
  Type.Literal('grid'),
  Type.Literal('unit'),
]);
export const RankKindSchema = Type.Union([Type.Literal('unit'), Type.Literal('community'), Type.Literal('street')]);
export const PartSchema = Type.Union([Type.Literal('numerator'), Type.Literal('denominator')]);

export const PeriodQuery = {
  from: Instant,
  to: Instant,
  /** the instant states are judged at (default now); closures after it do not count */
  asOf: Type.Optional(Instant),
};

export const FiguresQuery = Type.Object({
  level: LevelSchema,
  ...PeriodQuery,
  /** comma-separated indicator ids (default: all) */
  indicators: Type.Optional(Type.String({ maxLength: 400 })),
  /** only entities inside this area (code) */
  within: Type.Optional(AreaCode),
});
export type FiguresQuery = Static<typeof FiguresQuery>;

export const Indicator = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('count'), Type.Literal('rate'), Type.Literal('duration')]),
  unit: Type.Union([Type.Literal('problems'), Type.Literal('percent'), Type.Literal('hours')]),
  better: Type.Union([Type.Literal('higher'), Type.Literal('lower')]),
  name: Text,
  cohort: Text,
  numerator: Text,
  denominator: Nullable(Text),
  exclusions: Text,
});
export type Indicator = Static<typeof Indicator>;

export const FigureValue = Type.Object({
  value: Nullable(Type.Number()),
  numerator: Type.Optional(Type.Number()),
  denominator: Type.Optional(Type.Number()),
  n: Type.Optional(Type.Integer()),
});

// Every indicator named (all optional: only those asked for are present) rather than a Record:
// the serializer then compiles one fast path for 10,000 rows of a choropleth.
export const FigureRow = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  figures: Type.Unsafe<Record<string, Static<typeof FigureValue>>>(
    Type.Object(Object.fromEntries(KPI_IDS.map((id) => [id, Type.Optional(FigureValue)]))),
  ),
});

export const FiguresResult = Type.Object({
  level: LevelSchema,
  from: Instant,
  to: Instant,
  asOf: Instant,
  indicators: Type.Array(Indicator),
  rows: Type.Array(FigureRow),
});
export type FiguresResult = Static<typeof FiguresResult>;

export const ProblemsBehindQuery = Type.Object({
  indicator: Type.String({ maxLength: 40 }),
  part: Type.Optional(PartSchema),
  level: LevelSchema,
  entity: Type.Integer({ minimum: 1 }),
  ...PeriodQuery,
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});

export const ProblemBehind = Type.Object({
  id: Type.Integer(),
  state: Type.String(),
  source: Type.String(),
  categoryId: Type.Integer(),
  categoryCode: Type.String(),
  categoryName: Type.String(),
  description: Type.String(),
  address: Nullable(Type.String()),
  lon: Type.Number(),
  lat: Type.Number(),
  gridId: Nullable(Type.Integer()),
  gridCode: Nullable(Type.String()),
  gridName: Nullable(Type.String()),
  unitId: Nullable(Type.Integer()),
  unitName: Nullable(Type.String()),
  urgent: Type.Boolean(),
  reportedAt: Instant,
  deadline: Nullable(Instant),
  fixedAt: Nullable(Instant),
  closedAt: Nullable(Instant),
  closedOnTime: Nullable(Type.Boolean()),
  reworkCount: Type.Integer(),
  relapseCount: Type.Integer(),
  returnCount: Type.Integer(),
  supervisionCount: Type.Integer(),
  accountabilityCount: Type.Integer(),
  hoursToFix: Nullable(Type.Number()),
});

export const ProblemsBehind = Type.Object({
  indicator: Type.String(),
  part: PartSchema,
  level: LevelSchema,
  entity: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
  from: Instant,
  to: Instant,
  asOf: Instant,
  /** the figure's part this list adds up to */
  total: Type.Integer(),
  problems: Type.Array(ProblemBehind),
});
export type ProblemsBehind = Static<typeof ProblemsBehind>;

// Ranking rules as data (ranking_schemes.rules), checked here and in api/domain/ranking.ts.
const Points = Type.Number({ minimum: 0, maximum: 1000 });
const Pct = Type.Number({ minimum: 0, maximum: 100 });
const IndicatorId = Type.String({ minLength: 1, maxLength: 40 });
export const RuleItemSchema = Type.Union([
  Type.Object(
    { indicator: IndicatorId, kind: Type.Literal('linear'), points: Points },
    { additionalProperties: false },
  ),
  Type.Object(
    { indicator: IndicatorId, kind: Type.Literal('deduct_below'), points: Points, threshold: Pct, perPoint: Points },
    { additionalProperties: false },
  ),
  Type.Object(
    { indicator: IndicatorId, kind: Type.Literal('deduct_above'), points: Points, threshold: Pct, perPoint: Points },
    { additionalProperties: false },
  ),
  Type.Object(
    { indicator: IndicatorId, kind: Type.Literal('deduct_per_count'), points: Points, perItem: Points },
    { additionalProperties: false },
  ),
]);
export const RankingRulesSchema = Type.Object({
  minProblems: Type.Object({ indicator: IndicatorId, count: Type.Integer({ minimum: 0, maximum: 100000 }) }),
  // sources not named count 1
  sourceWeights: Type.Object(
    Object.fromEntries(
      PROBLEM_SOURCES.map((s) => [s, Type.Optional(Type.Number({ minimum: 0, maximum: 100 }))]),
    ) as Record<ProblemSourceName, ReturnType<typeof Type.Optional<ReturnType<typeof Type.Number>>>>,
    { additionalProperties: false },
  ),
  items: Type.Array(RuleItemSchema, { minItems: 1, maxItems: 20 }),
  lists: Type.Object({
    red: Type.Integer({ minimum: 0, maximum: 100 }),
    black: Type.Integer({ minimum: 0, maximum: 100 }),
  }),
  lastPlaceWeeks: Type.Integer({ minimum: 1, maximum: 12 }),
});

export const RankingScheme = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  version: Type.Integer(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  rules: RankingRulesSchema,
  createdAt: Instant,
});
export type RankingScheme = Static<typeof RankingScheme>;

export const RankingSchemeCreate = Type.Object({
  code: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }),
  nameZh: Name(100),
  nameEn: Name(100),
  rules: RankingRulesSchema,
});

export const RankingQuery = Type.Object({
  kind: RankKindSchema,
  /** any day of the week (Monday–Sunday, Beijing); default: the last complete week */
  week: Type.Optional(Day),
  /** scheme code (default "weekly"), its latest version */
  scheme: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$' })),
});

const Breakdown = Type.Object({
  indicator: Type.String(),
  kind: Type.String(),
  points: Type.Number(),
  earned: Type.Number(),
  value: Nullable(Type.Number()),
  numerator: Type.Optional(Type.Number()),
  denominator: Type.Optional(Type.Number()),
  note: Type.String(),
});
export const RankEntrySchema = Type.Object({
  entityId: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  problems: Type.Integer(),
  ranked: Type.Boolean(),
  rank: Nullable(Type.Integer()),
  score: Nullable(Type.Number()),
  previousRank: Nullable(Type.Integer()),
  rankChange: Nullable(Type.Integer()),
  list: Nullable(Type.Union([Type.Literal('red'), Type.Literal('black')])),
  lastPlace: Type.Boolean(),
  lastPlaceRun: Type.Integer(),
  namedPublicly: Type.Boolean(),
  reason: Nullable(Type.String()),
  breakdown: Type.Array(Breakdown),
});
export const RankingResult = Type.Object({
  kind: RankKindSchema,
  weekStart: Day,
  from: Instant,
  to: Instant,
  asOf: Instant,
  /** the week is not over: the ranking may still change and is not kept */
  provisional: Type.Boolean(),
  /** when the kept (published) result was computed; null while provisional */
  publishedAt: Nullable(Instant),
  scheme: Type.Object({ id: Type.Integer(), code: Type.String(), version: Type.Integer(), name: Type.String() }),
  entries: Type.Array(RankEntrySchema),
});
export type RankingResult = Static<typeof RankingResult>;

export const CampaignTarget = Type.Object({
  indicator: Type.String(),
  dueOn: Day,
  comparison: Type.Union([Type.Literal('at_least'), Type.Literal('approximately')]),
  target: Type.Number(),
  tolerance: Type.Number(),
  label: Nullable(Type.String()),
});
export const Campaign = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  startsOn: Day,
  endsOn: Day,
  description: Nullable(Type.String()),
  targets: Type.Array(CampaignTarget),
});
export type Campaign = Static<typeof Campaign>;

export const CampaignProgressQuery = Type.Object({
  kind: Type.Union([Type.Literal('street'), Type.Literal('unit'), Type.Literal('community')]),
  /** the instant to judge at (default now) */
  at: Type.Optional(Instant),
  indicator: Type.Optional(Type.String({ maxLength: 40 })),
});
export const CampaignProgress = Type.Object({
  campaign: Campaign,
  indicator: Type.String(),
  at: Instant,
  from: Instant,
  to: Instant,
  current: Nullable(CampaignTarget),
  next: Nullable(CampaignTarget),
  overall: Type.Object({
    value: Nullable(Type.Number()),
    numerator: Type.Number(),
    denominator: Type.Number(),
    status: Type.String(),
  }),
  rows: Type.Array(
    Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      value: Nullable(Type.Number()),
      numerator: Type.Number(),
      denominator: Type.Number(),
      status: Type.Union([
        Type.Literal('behind'),
        Type.Literal('at_risk'),
        Type.Literal('on_track'),
        Type.Literal('no_data'),
      ]),
      gap: Nullable(Type.Number()),
    }),
  ),
  /** ids of the rows behind the target in force, worst first */
  behind: Type.Array(Type.Integer()),
});
export type CampaignProgress = Static<typeof CampaignProgress>;

const GeoJsonGeometry = Type.Object({ type: Type.String(), coordinates: Type.Array(Type.Any()) });
const GridRef = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });
export const CoverageGaps = Type.Object({
  at: Instant,
  areasVersion: Type.Integer(),
  cached: Type.Boolean(),
  computedAt: Instant,
  /** milliseconds the overlay took when it was computed */
  computeMs: Type.Number(),
  minM2: Type.Number(),
  uncovered: Type.Object({
    areaM2: Type.Number(),
    /** pieces by the deepest area that holds them: a community not filled by its grids, a street not filled by its communities, the county not filled by its streets */
    pieces: Type.Array(
      Type.Object({
        areaCode: Type.String(),
        areaName: Type.String(),
        level: Type.String(),
        areaM2: Type.Number(),
        geometry: GeoJsonGeometry,
      }),
    ),
  }),
  overlaps: Type.Array(Type.Object({ a: GridRef, b: GridRef, areaM2: Type.Number(), geometry: GeoJsonGeometry })),
  grids: Type.Integer(),
  gridsWithoutLeadUnit: Type.Array(GridRef),
  gridsWithoutLeader: Type.Array(GridRef),
  gridsNotVisited: Type.Object({
    days: Type.Integer(),
    grids: Type.Array(
      Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String(), lastVisit: Nullable(Instant) }),
    ),
  }),
  problemsOutsideGrids: Type.Object({
    from: Instant,
    to: Instant,
    total: Type.Integer(),
    problems: Type.Array(
      Type.Object({
        id: Type.Integer(),
        lon: Type.Number(),
        lat: Type.Number(),
        state: Type.String(),
        categoryName: Type.String(),
        reportedAt: Instant,
        areaCode: Nullable(Type.String()),
      }),
    ),
  }),
});
export type CoverageGaps = Static<typeof CoverageGaps>;

export const CoverageGapsQuery = Type.Object({
  at: Type.Optional(Instant),
  /** pieces of uncovered area smaller than this are float noise between neighbours */
  minM2: Type.Number({ minimum: 0, maximum: 1e6, default: 1 }),
  days: Type.Integer({ minimum: 1, maximum: 90, default: 7 }),
});

export const HotspotsQuery = Type.Object({
  ...PeriodQuery,
  category: Type.Optional(Type.Integer({ minimum: 1 })),
  epsM: Type.Number({ minimum: 5, maximum: 2000, default: 50 }),
  minPoints: Type.Integer({ minimum: 2, maximum: 1000, default: 3 }),
  within: Type.Optional(AreaCode),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
});
export const Hotspot = Type.Object({
  categoryId: Type.Integer(),
  categoryCode: Type.String(),
  categoryName: Type.String(),
  count: Type.Integer(),
  open: Type.Integer(),
  firstAt: Instant,
  lastAt: Instant,
  centroid: LonLat,
  /** convex hull of the cluster, padded so a line of points still draws as an area */
  hull: GeoJsonGeometry,
  communityCode: Nullable(Type.String()),
  communityName: Nullable(Type.String()),
  problemIds: Type.Array(Type.Integer()),
});
export const HotspotsResult = Type.Object({
  from: Instant,
  to: Instant,
  epsM: Type.Number(),
  minPoints: Type.Integer(),
  hotspots: Type.Array(Hotspot),
});
export type HotspotsResult = Static<typeof HotspotsResult>;

const LineString = Type.Object({
  type: Type.Literal('LineString'),
  coordinates: Type.Array(
    Type.Tuple([Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })]),
    { minItems: 2, maxItems: 20000 },
  ),
});
export const PatrolCreate = Type.Object({
  gridId: Id(),
  startedAt: Instant,
  endedAt: Instant,
  personId: Type.Optional(Id()),
  track: Type.Optional(LineString),
  /** per vertex of track, in its order: the GPS accuracy (m) and the time of each sample */
  trackAccuracyM: Type.Optional(Type.Array(Type.Number({ minimum: 0, maximum: 100000 }), { maxItems: 20000 })),
  trackTimes: Type.Optional(Type.Array(Instant, { maxItems: 20000 })),
  note: Type.Optional(Prose(2000)),
});
export type PatrolCreate = Static<typeof PatrolCreate>;
export const Patrol = Type.Object({
  id: Type.Integer(),
  gridId: Type.Integer(),
  gridCode: Type.String(),
  gridName: Type.String(),
  userId: Nullable(Type.Integer()),
  username: Nullable(Type.String()),
  personId: Nullable(Type.Integer()),
  personName: Nullable(Type.String()),
  startedAt: Instant,
  endedAt: Instant,
  track: Nullable(LineString),
  lengthM: Nullable(Type.Number()),
  note: Nullable(Type.String()),
});
export type Patrol = Static<typeof Patrol>;
export const PatrolsQuery = Type.Object({
  grid: Type.Optional(Type.Integer({ minimum: 1 })),
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});

export const ExportFormat = Type.Union([Type.Literal('xlsx'), Type.Literal('csv')]);

// GET /api/figures/series (issue 12): the figures of each Beijing day of a period, in one answer.
export const FiguresSeriesQuery = Type.Object({
  /** the first day (Beijing), included */
  from: Day,
  /** the last day (Beijing), included; at most 366 days after from */
  to: Day,
  /** the instant states are judged at (default now); closures after it do not count */
  asOf: Type.Optional(Instant),
  /** only problems inside this area (code); it must lie inside the caller's scope */
  area: Type.Optional(AreaCode),
  /** comma-separated indicator ids (default: all) */
  indicators: Type.Optional(Type.String({ maxLength: 400 })),
});
export type FiguresSeriesQuery = Static<typeof FiguresSeriesQuery>;
export const FiguresSeries = Type.Object({
  from: Day,
  to: Day,
  asOf: Instant,
  /** the area asked for; null: every problem the caller may read */
  area: Nullable(
    Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      level: Type.String(),
    }),
  ),
  indicators: Type.Array(Indicator),
  /** every day from `from` to `to`, zeros included: the figures of the problems reported that day */
  days: Type.Array(Type.Object({ day: Day, figures: FigureRow.properties.figures })),
});
export type FiguresSeries = Static<typeof FiguresSeries>;
