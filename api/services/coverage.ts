import type { Queryable } from '../db/types';
import type { Scope } from '../repositories/areas';
import { assignmentsRepository } from '../repositories/assignments';
import type { CoverageGaps } from '../schemas/figures';
import { coverageRepository, type CoverageGeometry } from '../repositories/coverage';
import type { Caller } from './figures';

/**
 * Coverage gaps. The overlays (uncovered area, overlapping grids) are city-wide, cached in
 * coverage_cache under the areas version they were computed on, and recomputed only when an area
 * changes (a trigger bumps the version). The rest is read live: it changes with assignments,
 * patrols and problems, and each part is an indexed probe per grid.
 */
type Geometry = CoverageGeometry;

export async function coverageGeometry(
  db: Queryable,
  minM2: number,
): Promise<{ geometry: Geometry; cached: boolean; computedAt: Date; millis: number }> {
  const key = `gaps:min_m2=${minM2}`;
  const repo = coverageRepository(db);
  const hit = await repo.cached(key);
  if (hit) return { geometry: hit.result, cached: true, computedAt: new Date(hit.computedAt), millis: hit.millis };
  const t = performance.now();
  const geometry = await repo.compute(minM2);
  const millis = Math.round((performance.now() - t) * 10) / 10;
  const computedAt = new Date();
  await repo.store(key, geometry, computedAt, millis);
  return { geometry, cached: false, computedAt, millis };
}

/** area_within in TS, for cached city-wide rows: the codes are prefixes of their descendants'. */
export const within = (code: string, scope: Scope) => scope === null || scope.some((s) => code.startsWith(s));

export async function coverageGaps(
  db: Queryable,
  p: { at: Date; minM2: number; days: number },
  caller: Caller,
): Promise<CoverageGaps> {
  const g = await coverageGeometry(db, p.minM2);
  const pieces = g.geometry.pieces.filter((x) => within(x.areaCode, caller.scope));
  const overlaps = g.geometry.overlaps.filter((o) => within(o.a.code, caller.scope) && within(o.b.code, caller.scope));
  const responsibility = await assignmentsRepository(db).coverage(p.at, caller.scope);
  const notVisited = await coverageRepository(db).gridsNotVisited(p.at, p.days, caller.scope);
  const from = new Date(p.at.getTime() - 30 * 86400_000);
  const outside = await coverageRepository(db).problemsOutsideGrids(from, p.at, caller);
  const ref = (r: { id: number; code: string; name: string }) => ({ id: r.id, code: r.code, name: r.name });
  return {
    at: p.at.toISOString(),
    areasVersion: Number(g.geometry.areasVersion),
    cached: g.cached,
    computedAt: g.computedAt.toISOString(),
    computeMs: g.millis,
    minM2: p.minM2,
    uncovered: { areaM2: Math.round(pieces.reduce((s, x) => s + Number(x.areaM2), 0) * 100) / 100, pieces },
    overlaps,
    grids: responsibility.grids,
    gridsWithoutLeadUnit: responsibility.gridsWithoutLeadUnit.map(ref),
    gridsWithoutLeader: responsibility.gridsWithoutLeader.map(ref),
    gridsNotVisited: { days: p.days, grids: notVisited },
    problemsOutsideGrids: {
      from: from.toISOString(),
      to: p.at.toISOString(),
      total: outside[0]?.total ?? 0,
      problems: outside.map(({ total: _t, ...r }) => r),
    },
  };
}
