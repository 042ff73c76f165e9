import type { Queryable } from '../db/types';
import type { HotspotsResult } from '../schemas/figures';
import { hotspotsRepository, type HotspotQuery } from '../repositories/hotspots';
import type { Caller } from './figures';

/**
 * Hotspots: places where the same category keeps coming back (ST_ClusterDBSCAN per category over
 * the problems reported in [from, to), only those the caller could open by id; see
 * api/repositories/hotspots.ts).
 */
export async function hotspots(db: Queryable, p: HotspotQuery, caller: Caller): Promise<HotspotsResult> {
  const rows = await hotspotsRepository(db).clusters(p, caller);
  return {
    from: p.from.toISOString(),
    to: p.to.toISOString(),
    epsM: p.epsM,
    minPoints: p.minPoints,
    hotspots: rows.map((r) => ({ ...r, problemIds: r.problemIds.map(Number) })),
  };
}
