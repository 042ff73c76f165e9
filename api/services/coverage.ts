import type { Queryable } from '../db/types';
import type { Scope } from '../repositories/areas';
import { assignmentsRepository } from '../repositories/assignments';
import type { CoverageGaps } from '../schemas/figures';
import { UNIT_OF_USER } from '../repositories/figures';
import { VISIBLE } from '../repositories/problems';
import type { Caller } from './figures';

/**
 * Coverage gaps. The overlays (uncovered area, overlapping grids) are city-wide, cached in
 * coverage_cache under the areas version they were computed on, and recomputed only when an area
 * changes (a trigger bumps the version). The rest is read live: it changes with assignments,
 * patrols and problems, and each part is an indexed probe per grid.
 */
type Geometry = Pick<CoverageGaps, 'areasVersion' | 'overlaps'> & { pieces: CoverageGaps['uncovered']['pieces'] };

const SQL_CACHED = `
  SELECT c.result, c.computed_at AS "computedAt", c.millis FROM coverage_cache c JOIN areas_version v ON v.version = c.areas_version
  WHERE c.key = $1`;
// A slower writer that saw an older version never replaces a newer result.
const SQL_STORE = `
  INSERT INTO coverage_cache (key, areas_version, computed_at, millis, result) VALUES ($1, $2, $3, $4, $5::jsonb)
  ON CONFLICT (key) DO UPDATE SET areas_version = EXCLUDED.areas_version, computed_at = EXCLUDED.computed_at, millis = EXCLUDED.millis, result = EXCLUDED.result
  WHERE coverage_cache.areas_version <= EXCLUDED.areas_version`;

export async function coverageGeometry(db: Queryable, minM2: number): Promise<{ geometry: Geometry; cached: boolean; computedAt: Date; millis: number }> {
  const key = `gaps:min_m2=${minM2}`;
  const hit = (await db.query<{ result: Geometry; computedAt: Date; millis: number }>(SQL_CACHED, [key])).rows[0];
  if (hit) return { geometry: hit.result, cached: true, computedAt: new Date(hit.computedAt), millis: hit.millis };
  const t = performance.now();
  const geometry = (await db.query<{ r: Geometry }>('SELECT coverage_geometry($1::float8) AS r', [minM2])).rows[0]!.r;
  const millis = Math.round((performance.now() - t) * 10) / 10;
  const computedAt = new Date();
  await db.query(SQL_STORE, [key, geometry.areasVersion, computedAt, millis, JSON.stringify(geometry)]);
  return { geometry, cached: false, computedAt, millis };
}

/** area_within in TS, for cached city-wide rows: the codes are prefixes of their descendants'. */
export const within = (code: string, scope: Scope) => scope === null || scope.some((s) => code.startsWith(s));

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

export async function coverageGaps(db: Queryable, p: { at: Date; minM2: number; days: number }, caller: Caller): Promise<CoverageGaps> {
  const g = await coverageGeometry(db, p.minM2);
  const pieces = g.geometry.pieces.filter((x) => within(x.areaCode, caller.scope));
  const overlaps = g.geometry.overlaps.filter((o) => within(o.a.code, caller.scope) && within(o.b.code, caller.scope));
  const responsibility = await assignmentsRepository(db).coverage(p.at, caller.scope);
  const notVisited = (await db.query<CoverageGaps['gridsNotVisited']['grids'][number]>(SQL_NOT_VISITED, [p.at, p.days, caller.scope])).rows;
  const from = new Date(p.at.getTime() - 30 * 86400_000);
  const outside = (await db.query<CoverageGaps['problemsOutsideGrids']['problems'][number] & { total: number }>(SQL_OUTSIDE, [from, p.at, caller.scope, caller.role, caller.userId])).rows;
  const ref = (r: { id: number; code: string; name: string }) => ({ id: r.id, code: r.code, name: r.name });
  return {
    at: p.at.toISOString(), areasVersion: Number(g.geometry.areasVersion), cached: g.cached, computedAt: g.computedAt.toISOString(), computeMs: g.millis, minM2: p.minM2,
    uncovered: { areaM2: Math.round(pieces.reduce((s, x) => s + Number(x.areaM2), 0) * 100) / 100, pieces },
    overlaps,
    grids: responsibility.grids,
    gridsWithoutLeadUnit: responsibility.gridsWithoutLeadUnit.map(ref),
    gridsWithoutLeader: responsibility.gridsWithoutLeader.map(ref),
    gridsNotVisited: { days: p.days, grids: notVisited },
    problemsOutsideGrids: { from: from.toISOString(), to: p.at.toISOString(), total: outside[0]?.total ?? 0, problems: outside.map(({ total: _t, ...r }) => r) },
  };
}
