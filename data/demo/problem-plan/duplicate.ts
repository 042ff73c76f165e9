import type { Rng } from '../random';
import { streamOf, type PlanContext } from './context';
import { between, HOUR, pick, round7 } from './draw';
import { inPolygons } from './geometry';
import { planLife } from './life';
import { P } from './shares';
import type { PlannedProblem } from './types';
import { fill, office } from './where-when';

/**
 * Planning a duplicate report (重复反映): the same thing seen by someone else a few metres from
 * an earlier problem that is not itself a duplicate and still open then, reported within a day
 * and a half and marked as a duplicate of it in office hours; null when no such original is
 * found, and the problem then lives a life of its own.
 */

/** the open interval of a problem: from its report until it is first closed or made final */
function openUntil(p: PlannedProblem): number {
  const end = p.steps.find((s) => s.action === 'accept' || s.action === 'reject' || s.action === 'mark_duplicate');
  return end ? end.at : Infinity;
}

export function planDuplicate(ctx: PlanContext, i: number, rng: Rng): PlannedProblem | null {
  // The original: an earlier index that is not itself a duplicate, still open a while later.
  for (
    let back = 1 + Math.floor(rng() * 40), tries = 0;
    tries < 4 && i - back >= 0;
    back += 1 + Math.floor(rng() * 5), tries++
  ) {
    const j = i - back;
    if (streamOf(ctx, j)() < P.duplicate) continue;
    const original = planLife(
      ctx,
      j,
      (() => {
        const r = streamOf(ctx, j);
        r();
        return r;
      })(),
    );
    const reportedAt = Math.round(original.steps[0]!.at + between(rng, 0.5, 36) * HOUR);
    const markAt = Math.round(office(rng, reportedAt + between(rng, 0.3, 5) * HOUR));
    if (markAt > ctx.to || markAt >= openUntil(original) - 60_000) continue;
    const source = pick(rng, ['citizen', 'patrol', 'camera', 'citizen'] as const);
    // a few metres away: the same thing seen by someone else
    const lon = round7(original.lon + between(rng, -1, 1) * 0.0002),
      lat = round7(original.lat + between(rng, -1, 1) * 0.0002);
    // same grid as the original (a gap's problem is not repeated: it would need a gap around it)
    const g = original.gridCode === null ? undefined : ctx.gridByCode.get(original.gridCode);
    if (!g || !inPolygons(lon, lat, g.polygons)) continue;
    const cat = ctx.categories.find((c) => c.cat.code === original.categoryCode)!; // a few dozen leaves
    const road = ctx.nearestRoad(lon, lat);
    return {
      index: i,
      lon,
      lat,
      gridCode: original.gridCode,
      categoryCode: original.categoryCode,
      source,
      description:
        fill(
          rng,
          pick(rng, cat.group.what),
          road && road.metres < 300 ? road.name : null,
          cat.cat.nameZh,
          Number(/(\d+)号/.exec(original.address ?? '')?.[1] ?? 1 + Math.floor(rng() * 300)),
        ) + '（重复反映）',
      address: original.address,
      urgent: false,
      steps: [
        { action: 'report', at: reportedAt, by: 'reporter' },
        { action: 'mark_duplicate', at: markAt, by: 'reviewer', duplicateOf: j, comment: '与已受理问题重复，合并处理' },
      ],
      state: 'duplicate',
    };
  }
  return null;
}
