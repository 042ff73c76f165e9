import type { Queryable } from '../db/types';
import type { CoverageGaps } from '../schemas/figures';
import type { Scope } from './areas';
import { UNIT_OF_USER, type FigureViewer } from './figures';
import { VISIBLE } from './visibility';

// Coverage gaps: the cached city-wide overlays (coverage_geometry(), keyed by the areas version
// they were computed on), grids not patrolled lately, and problems reported outside every grid.
export type CoverageGeometry = Pick<CoverageGaps, 'areasVersion' | 'overlaps'> & {
  pieces: CoverageGaps['uncovered']['pieces'];
};

const SQL_CACHED = `
  SELECT c.result, c.computed_at AS "computedAt", c.millis FROM coverage_cache c JOIN areas_version v ON v.version = c.areas_version
  WHERE c.key = $1`;
// A slower writer that saw an older version never replaces a newer result.
const SQL_STORE = `
  INSERT INTO coverage_cache (key, areas_version, computed_at, millis, result) VALUES ($1, $2, $3, $4, $5::jsonb)
  ON CONFLICT (key) DO UPDATE SET areas_version = EXCLUDED.areas_version, computed_at = EXCLUDED.computed_at, millis = EXCLUDED.millis, result = EXCLUDED.result
  WHERE coverage_cache.areas_version <= EXCLUDED.areas_version`;

const SQL_NOT_VISITED = `
  SELECT g.id, g.code, g.name,
         (SELECT max(v.started_at) FROM patrol_visits v WHERE v.grid_id = g.id AND v.started_at < $1) AS "lastVisit"
  FROM areas g
  WHERE g.level = 'grid' AND area_within(g.code, $3::text[])
    AND NOT EXISTS (SELECT 1 FROM patrol_visits v WHERE v.grid_id = g.id AND v.started_at >= $1::timestamptz - make_interval(days => $2) AND v.started_at < $1)
  ORDER BY g.code`;

const SQL_OUTSIDE = `
  SELECT p.id, ST_X(p.location) AS lon, ST_Y(p.location) AS lat, p.state::text AS state, c.name_zh AS "categoryName",
         p.reported_at AS "reportedAt", p.area_code AS "areaCode", count(*) OVER ()::int AS total
  FROM problems p JOIN problem_categories c ON c.id = p.category_id
  WHERE p.grid_id IS NULL AND p.reported_at >= $1 AND p.reported_at < $2 AND p.state NOT IN ('invalid', 'duplicate')
    AND ${VISIBLE('$3', '$4::text', UNIT_OF_USER('$5'))}
  ORDER BY p.reported_at DESC, p.id DESC LIMIT 1000`;

export type NotVisitedGrid = CoverageGaps['gridsNotVisited']['grids'][number];
export type OutsideProblem = CoverageGaps['problemsOutsideGrids']['problems'][number] & { total: number };

export function coverageRepository(db: Queryable) {
  return {
    /** The cached result under `key` if it was computed on the current areas version. */
    async cached(key: string) {
      return (
        (await db.query<{ result: CoverageGeometry; computedAt: Date; millis: number }>(SQL_CACHED, [key])).rows[0] ??
        null
      );
    },
    async compute(minM2: number): Promise<CoverageGeometry> {
      return (await db.query<{ r: CoverageGeometry }>('SELECT coverage_geometry($1::float8) AS r', [minM2])).rows[0]!.r;
    },
    async store(key: string, geometry: CoverageGeometry, computedAt: Date, millis: number) {
      await db.query(SQL_STORE, [key, geometry.areasVersion, computedAt, millis, JSON.stringify(geometry)]);
    },
    /** Grids in scope with no patrol visit in the `days` before `at`, with their last visit. */
    async gridsNotVisited(at: Date, days: number, scope: Scope) {
      return (await db.query<NotVisitedGrid>(SQL_NOT_VISITED, [at, days, scope])).rows;
    },
    /** Problems reported in [from, to) outside every grid that the viewer could open (at most 1000, with the total). */
    async problemsOutsideGrids(from: Date, to: Date, viewer: FigureViewer) {
      return (await db.query<OutsideProblem>(SQL_OUTSIDE, [from, to, viewer.scope, viewer.role, viewer.userId])).rows;
    },
  };
}
export type CoverageRepository = ReturnType<typeof coverageRepository>;
