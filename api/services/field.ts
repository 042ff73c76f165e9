import type { Queryable } from '../db/types';
import type { Scope } from '../domain/scope';
import { AppError } from '../errors';
import { fieldRepository } from '../repositories/field';
import type { PatrolCoverage } from '../schemas/field';
import { beijingDay } from '../domain/campaign';
import { weekOf } from './rankings';

/**
 * A grid counts as patrolled where it lies within this many metres of a patrol track: a walker
 * sees both sides of a street and into its entrances (docs/FIELD.md "Patrol coverage").
 */
export const PATROL_REACH_M = 50;

/** Patrol coverage of the caller's grids over [from, to), by default this Beijing week up to now. */
export async function patrolCoverage(
  q: Queryable,
  scope: Scope,
  p: { from?: string; to?: string; limit: number },
  now: Date,
): Promise<PatrolCoverage> {
  const from = p.from ? new Date(p.from) : weekOf(beijingDay(now), now).from;
  const to = p.to ? new Date(p.to) : now;
  if (to <= from)
    throw new AppError(400, 'BadPeriod', { zh: 'to 无效：应晚于 from', en: 'invalid to: must be after from' }, [
      { field: 'to', reason: { zh: '应晚于 from', en: 'must be after from' } },
    ]);
  const grids = await fieldRepository(q).coverage(scope, from, to, PATROL_REACH_M, p.limit);
  return { from: from.toISOString(), to: to.toISOString(), reachM: PATROL_REACH_M, grids };
}
