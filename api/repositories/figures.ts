import type { Queryable } from '../db/types';
import { setsFor, type Aggregates, type Kpi, type Part, type SetId } from '../domain/kpi';
import { COHORT_SQL, HOURS_TO_FIX_SQL, partSql, SET_SQL } from './figure-sets';
import type { Role } from '../auth/roles';
import type { Scope } from './areas';
import { VISIBLE } from './visibility';

/**
 * Figures are GROUP BYs over the ids each problem got when it was reported (grid, community,
 * street, unit): never a live spatial join. The SQL is assembled from the KPI library's
 * predicates (figure-sets.ts, one per set of api/domain/kpi.ts); every value travels as a $n parameter.
 *
 * Parameters of every query here: $1 from, $2 to, $3 asOf, $4 the caller's role, $5 scope, $6
 * within (an area code prefix or NULL), $7 the caller's user id (their unit, for unit staff);
 * then the query's own. The leading `_params` CTE fixes their types even when a query does not
 * use one of them (PostgreSQL refuses a parameter whose type it cannot infer).
 *
 * A figure counts, and its drill-down lists, only problems the caller could open by id: the one
 * rule of GET /api/problems/:id (VISIBLE: problem_visible, widened to a unit's own assignments).
 */
export type Level = 'grid' | 'community' | 'street' | 'unit' | 'county';
export const LEVELS: readonly Level[] = ['county', 'street', 'community', 'grid', 'unit'];
export type RankKind = 'unit' | 'community' | 'street';

export const PARAMS = `WITH _params AS (SELECT $1::timestamptz, $2::timestamptz, $3::timestamptz, $4::text, $5::text[], $6::text, $7::int)`;
/** The caller's unit (unit staff; NULL for everyone else, users_unit_only_for_unit_staff). */
export const UNIT_OF_USER = (user: string) => `(SELECT uu.unit_id FROM users uu WHERE uu.id = ${user}::int)`;
export const READABLE = VISIBLE('$5', '$4::text', UNIT_OF_USER('$7'));
export const WITHIN = `($6::text IS NULL OR p.area_code LIKE $6::text || '%')`;

interface LevelSql {
  /** the stored id a problem is grouped by */
  key: string;
  keyCast: 'int' | 'text';
  /** entities of the level the caller may see: id, k (the key value), code, name */
  entities: string;
  /** extra problem filter (within) that the entities' filter implies; scope is READABLE's */
  problemFilter: string;
}

const areaLevel = (level: 'grid' | 'community' | 'street'): LevelSql => ({
  key: `p.${level}_id`,
  keyCast: 'int',
  entities: `SELECT a.id, a.id AS k, a.code, a.name FROM areas a
    WHERE a.level = '${level}' AND area_within(a.code, $5::text[]) AND ($6::text IS NULL OR a.code LIKE $6::text || '%')`,
  problemFilter: WITHIN,
});

// A unit answers for a problem assigned to it, else for one routed to it as lead unit.
// Scoped callers see the units that contract (at any time) an area inside their scope.
const UNIT_KEY = 'coalesce(p.assignee_unit_id, p.lead_unit_id)';
const UNITS_VISIBLE = `($5::text[] IS NULL AND $6::text IS NULL) OR EXISTS (
  SELECT 1 FROM assignments s JOIN areas ar ON ar.id = s.area_id
  WHERE s.unit_id = u.id AND area_within(ar.code, $5::text[]) AND ($6::text IS NULL OR ar.code LIKE $6::text || '%'))`;

const LEVEL_SQL: Record<Level, LevelSql> = {
  grid: areaLevel('grid'),
  community: areaLevel('community'),
  street: areaLevel('street'),
  county: {
    key: 'left(p.area_code, 6)',
    keyCast: 'text',
    entities: `SELECT a.id, a.code AS k, a.code, a.name FROM areas a
      WHERE a.level = 'county' AND area_within(a.code, $5::text[]) AND ($6::text IS NULL OR a.code LIKE $6::text || '%')`,
    problemFilter: WITHIN,
  },
  unit: {
    key: UNIT_KEY,
    keyCast: 'int',
    entities: `SELECT u.id, u.id AS k, u.code, u.name FROM units u WHERE ${UNITS_VISIBLE}`,
    // not 'TRUE': a unit's problems lie in many scopes, and READABLE keeps the caller's only
    problemFilter: WITHIN,
  },
};

/** Weighted counts (ranking): a problem counts as its source's weight ($8 jsonb), 1 if unnamed. */
const WEIGHT = `coalesce(($8::jsonb ->> p.source::text)::numeric, 1)`;

export function aggregates(sets: SetId[], kpis: readonly Kpi[], weighted: boolean): string {
  const cols = sets.map((s) =>
    weighted
      ? `coalesce(sum(${WEIGHT}) FILTER (WHERE ${SET_SQL[s]}), 0)::float8 AS n_${s}, (count(*) FILTER (WHERE ${SET_SQL[s]}))::int AS u_${s}`
      : `(count(*) FILTER (WHERE ${SET_SQL[s]}))::int AS n_${s}`,
  );
  if (kpis.some((k) => k.kind === 'duration' && k.stat === 'mean')) {
    cols.push(`(avg(${HOURS_TO_FIX_SQL}) FILTER (WHERE ${SET_SQL.fixed_timed}))::float8 AS mean_hours`);
  }
  if (kpis.some((k) => k.kind === 'duration' && k.stat === 'p90')) {
    cols.push(
      `(percentile_cont(0.9) WITHIN GROUP (ORDER BY ${HOURS_TO_FIX_SQL}) FILTER (WHERE ${SET_SQL.fixed_timed}))::float8 AS p90_hours`,
    );
  }
  return cols.join(',\n    ');
}

/** One row per entity of the level (zeros included, for the map), with the sets' counts. */
export function figuresSql(level: Level, kpis: readonly Kpi[], weighted = false): string {
  const l = LEVEL_SQL[level];
  const sets = setsFor(kpis);
  return `${PARAMS}${weighted ? ', _w AS (SELECT $8::jsonb)' : ''},
  agg AS (
    SELECT ${l.key} AS k,
    ${aggregates(sets, kpis, weighted)}
    FROM problems p
    WHERE ${COHORT_SQL} AND ${READABLE} AND ${l.problemFilter}
    GROUP BY 1
  )
  SELECT e.id, e.code, e.name, agg.* FROM (${l.entities}) e LEFT JOIN agg ON agg.k = e.k
  ORDER BY e.code`;
}

/**
 * The sets problem_day_counts (migration 021) keeps per routed area and Beijing day of report:
 * those whose membership does not depend on asOf (docs/FIGURES.md "The per-day pre-aggregate").
 * Each column is named after its set; problem_day_sets() writes each predicate as SET_SQL does.
 */
export const DAY_COUNT_SETS: readonly SetId[] = [
  'found',
  'suspended',
  'fixed_once',
  'reworked',
  'revisited',
  'relapsed',
  'assigned_once',
  'returned',
  'supervised',
  'accountability',
];
const DAY_LEVELS: ReadonlySet<Level> = new Set<Level>(['grid', 'community', 'street']);

/**
 * Sets the rows' covering index problems_figures_scan (migration 007: reported_at, the routed ids
 * and state) answers by an index-only scan. At 1,000,000 problems over 10,000 grids a key of the
 * aggregate holds ~1.1 problems, so for these sets over a period up to ROWS_MAX_DAYS the rows were
 * measured as fast or faster (tests/bench/figures.ts, docs/FIGURES.md); beyond it, and for every
 * set the index does not hold (rework, notices…), the aggregate reads less.
 */
const INDEX_ONLY_SETS: readonly SetId[] = ['found', 'suspended'];
const ROWS_MAX_DAYS = 90;

/**
 * Whether a figures query reads problem_day_counts: area levels, unweighted, asOf-independent
 * sets only, and not a short period of sets the covering index answers alone.
 */
export function readsDayCounts(level: Level, kpis: readonly Kpi[], weighted = false, days = Infinity): boolean {
  const sets = setsFor(kpis);
  return (
    !weighted &&
    DAY_LEVELS.has(level) &&
    sets.every((s) => DAY_COUNT_SETS.includes(s)) &&
    (days > ROWS_MAX_DAYS || !sets.every((s) => INDEX_ONLY_SETS.includes(s)))
  );
}

const DAY = 86400_000;
const BEIJING = 8 * 3600_000;
/**
 * The whole Beijing days inside [from, to): [first midnight ≥ from, last midnight ≤ to), or the
 * empty span [to, to) when the period holds no whole day. The aggregate serves the whole days,
 * the rows the partial days at either edge.
 */
export function wholeDays(from: Date, to: Date): [Date, Date] {
  const d0 = Math.ceil((from.getTime() + BEIJING) / DAY) * DAY - BEIJING;
  const d1 = Math.floor((to.getTime() + BEIJING) / DAY) * DAY - BEIJING;
  return d0 < d1 ? [new Date(d0), new Date(d1)] : [to, to];
}

/**
 * The same figures as figuresSql for an area level, read from problem_day_counts for the whole
 * days ($8 first midnight, $9 last midnight) and from the rows for the partial days at the edges.
 * Each aggregate row is judged by problem_visible on the facts it is keyed by (area code, source,
 * assigned); the unit staff widening of VISIBLE (their unit's assignments) adds nothing inside an
 * area the caller may see, since a problem's area code lies in its routed areas.
 */
export function figuresDaySql(level: 'grid' | 'community' | 'street', kpis: readonly Kpi[]): string {
  const l = LEVEL_SQL[level];
  const sets = setsFor(kpis);
  const counts = sets.map((s) => `(count(*) FILTER (WHERE ${SET_SQL[s]}))::int AS n_${s}`).join(', ');
  const edge = (range: string) => `
    SELECT ${l.key} AS k, ${counts} FROM problems p
    WHERE ${COHORT_SQL} AND ${READABLE} AND ${l.problemFilter} AND ${range}
    GROUP BY 1`;
  return `${PARAMS}, _days AS (SELECT $8::timestamptz, $9::timestamptz),
  agg AS (
    SELECT k, ${sets.map((s) => `sum(n_${s})::int AS n_${s}`).join(', ')} FROM (
      SELECT c.${level}_id AS k, ${sets.map((s) => `c.${s} AS n_${s}`).join(', ')} FROM problem_day_counts c
      WHERE c.day >= figures_day($8::timestamptz) AND c.day < figures_day($9::timestamptz)
        AND problem_visible(c.area_code, c.source, CASE WHEN c.assigned THEN $8::timestamptz END, $5::text[], $4::text)
        AND ($6::text IS NULL OR c.area_code LIKE $6::text || '%')
      UNION ALL ${edge('p.reported_at < $8::timestamptz')}
      UNION ALL ${edge('p.reported_at >= $9::timestamptz')}
    ) u GROUP BY k
  )
  SELECT e.id, e.code, e.name, agg.* FROM (${l.entities}) e LEFT JOIN agg ON agg.k = e.k
  ORDER BY e.code`;
}

/** The problems behind one part of a figure: the same cohort and predicate, one entity ($8). */
function problemsSql(level: Level, predicate: string): string {
  const l = LEVEL_SQL[level];
  return `${PARAMS}
  SELECT p.id, p.state::text AS state, p.source::text AS source, p.category_id AS "categoryId", c.code AS "categoryCode",
         c.name_zh AS "categoryName", left(p.description, 200) AS description, p.address,
         ST_X(p.location) AS lon, ST_Y(p.location) AS lat,
         p.grid_id AS "gridId", g.code AS "gridCode", g.name AS "gridName",
         ${UNIT_KEY} AS "unitId", un.name AS "unitName", p.urgent,
         p.reported_at AS "reportedAt", p.deadline, p.fixed_at AS "fixedAt", p.closed_at AS "closedAt", p.closed_on_time AS "closedOnTime",
         p.rework_count AS "reworkCount", p.relapse_count AS "relapseCount", p.return_count AS "returnCount",
         p.supervision_count AS "supervisionCount", p.accountability_count AS "accountabilityCount",
         CASE WHEN ${SET_SQL.fixed_timed} THEN round((${HOURS_TO_FIX_SQL})::numeric, 2)::float8 END AS "hoursToFix",
         count(*) OVER ()::int AS total
  FROM problems p
  JOIN problem_categories c ON c.id = p.category_id
  LEFT JOIN areas g ON g.id = p.grid_id
  LEFT JOIN units un ON un.id = ${UNIT_KEY}
  WHERE ${COHORT_SQL} AND ${READABLE} AND ${l.problemFilter} AND ${l.key} = $8::${l.keyCast} AND (${predicate})
  ORDER BY p.reported_at DESC, p.id DESC
  LIMIT $9 OFFSET $10`;
}

/** One entity of a level if the caller may see it: its key for problemsSql. */
function entitySql(level: Level): string {
  return `${PARAMS} SELECT e.id, e.k::text AS k, e.code, e.name FROM (${LEVEL_SQL[level].entities}) e WHERE e.id = $8::int`;
}

/** Who reads: the same three facts GET /api/problems/:id judges by (userId → unit for unit staff). */
export interface FigureViewer {
  scope: Scope;
  role: Role;
  userId: number | null;
}
/** Rankings are scored over everyone (scope only filters which entities are shown). */
export const CITY_WIDE_VIEWER: FigureViewer = { scope: null, role: 'admin', userId: null };

export interface FigureQuery {
  from: Date;
  to: Date;
  asOf: Date;
  viewer: FigureViewer;
  within: string | null;
}
const baseParams = (q: Pick<FigureQuery, 'from' | 'to' | 'asOf' | 'viewer' | 'within'>) => [
  q.from,
  q.to,
  q.asOf,
  q.viewer.role,
  q.viewer.scope,
  q.within,
  q.viewer.userId,
];
const base = baseParams;

export type EntityAggregates = Aggregates & { id: number; code: string; name: string };

export interface ProblemRow {
  id: number;
  state: string;
  source: string;
  categoryId: number;
  categoryCode: string;
  categoryName: string;
  description: string;
  address: string | null;
  lon: number;
  lat: number;
  gridId: number | null;
  gridCode: string | null;
  gridName: string | null;
  unitId: number | null;
  unitName: string | null;
  urgent: boolean;
  reportedAt: Date;
  deadline: Date | null;
  fixedAt: Date | null;
  closedAt: Date | null;
  closedOnTime: boolean | null;
  reworkCount: number;
  relapseCount: number;
  returnCount: number;
  supervisionCount: number;
  accountabilityCount: number;
  hoursToFix: number | null;
  total: number;
}

/** The statement the figures of a level take: the per-day aggregate where it serves, else the rows. */
export function figuresStatement(
  level: Level,
  kpis: readonly Kpi[],
  q: FigureQuery,
  weights?: Record<string, number>,
): { text: string; values: unknown[] } {
  const days = (q.to.getTime() - q.from.getTime()) / DAY;
  if (!weights && readsDayCounts(level, kpis, false, days) && level !== 'unit' && level !== 'county') {
    return { text: figuresDaySql(level, kpis), values: [...base(q), ...wholeDays(q.from, q.to)] };
  }
  return {
    text: figuresSql(level, kpis, !!weights),
    values: weights ? [...base(q), JSON.stringify(weights)] : base(q),
  };
}

export function figuresRepository(db: Queryable) {
  return {
    async aggregates(
      level: Level,
      kpis: readonly Kpi[],
      q: FigureQuery,
      weights?: Record<string, number>,
    ): Promise<EntityAggregates[]> {
      const s = figuresStatement(level, kpis, q, weights);
      return (await db.query<EntityAggregates>(s.text, s.values)).rows;
    },
    async entity(level: Level, id: number, q: FigureQuery) {
      return (
        (await db.query<{ id: number; k: string; code: string; name: string }>(entitySql(level), [...base(q), id]))
          .rows[0] ?? null
      );
    },
    /** The problems behind one part of a figure for one entity (key: entity().k); [] if no such part. */
    async problems(level: Level, k: Kpi, part: Part, key: string, q: FigureQuery, limit: number, offset: number) {
      const predicate = partSql(k, part);
      if (!predicate) return [];
      return (await db.query<ProblemRow>(problemsSql(level, predicate), [...base(q), key, limit, offset])).rows;
    },
    /** Ids of the entities of a level the viewer may see (the scope part of the figures' rule). */
    async visibleEntityIds(level: Level, viewer: FigureViewer): Promise<Set<number>> {
      const { rows } = await db.query<{ id: number }>(`${PARAMS} SELECT e.id FROM (${LEVEL_SQL[level].entities}) e`, [
        null,
        null,
        null,
        viewer.role,
        viewer.scope,
        null,
        viewer.userId,
      ]);
      return new Set(rows.map((r) => r.id));
    },
  };
}
export type FiguresRepository = ReturnType<typeof figuresRepository>;
