import type { Db, Queryable } from '../db/types';
import { AppError, notFound } from '../errors';
import type { Role } from '../auth/roles';
import type { Scope } from '../domain/scope';
import { patrolsRepository } from '../repositories/patrols';
import type { Patrol, PatrolCreate } from '../schemas/figures';

/** 网格巡查 visits: who walked which grid when, with an optional GPS track near the grid. */
const TRACK_NEAR_M = 300;
const FUTURE_SLACK_MS = 5 * 60_000;

const bad = (status: number, code: string, field: string, zh: string, en: string) =>
  new AppError(status, code, { zh: `${field} 无效：${zh}`, en: `invalid ${field}: ${en}` }, [
    { field, reason: { zh, en } },
  ]);

/**
 * A visit is evidence that someone walked a grid, so it is logged as the caller's own: personId,
 * when given, must be the caller's person record. Only an admin (correcting the log) may name
 * someone else; a supervisor checks visits but does not log them for others (docs/FIGURES.md).
 */
export async function logPatrol(
  db: Db,
  b: PatrolCreate,
  user: { id: number; scope: Scope; role: Role },
  now: Date,
): Promise<Patrol> {
  const started = new Date(b.startedAt),
    ended = new Date(b.endedAt);
  if (ended < started) throw bad(400, 'BadPeriod', 'endedAt', '结束时间早于开始时间', 'before startedAt');
  if (ended.getTime() - started.getTime() > 24 * 3600_000)
    throw bad(400, 'BadPeriod', 'endedAt', '一次巡查不超过 24 小时', 'a visit lasts at most 24 hours');
  if (ended.getTime() > now.getTime() + FUTURE_SLACK_MS)
    throw bad(400, 'BadPeriod', 'endedAt', '不能在将来', 'in the future');
  return db.transaction(async (tx) => {
    const repo = patrolsRepository(tx);
    if (!(await repo.gridInScope(b.gridId, user.scope))) throw notFound({ zh: '该网格', en: 'grid' });
    const own = await repo.personOfUser(user.id);
    const personId = b.personId ?? own;
    if (personId !== own && user.role !== 'admin') {
      // the same answer whether that person exists or not: no probe of the people table
      throw bad(
        403,
        'Forbidden',
        'personId',
        '只能登记本人的巡查（仅管理员可代他人登记）',
        'you may log only your own patrol (only an admin may log one for someone else)',
      );
    }
    if (personId !== null && personId !== own && !(await repo.personExists(personId))) {
      throw bad(422, 'UnknownPerson', 'personId', `人员 ${personId} 不存在`, `person ${personId} does not exist`);
    }
    const track = b.track ? JSON.stringify(b.track) : null;
    for (const [field, list] of [
      ['trackAccuracyM', b.trackAccuracyM],
      ['trackTimes', b.trackTimes],
    ] as const) {
      if (list && list.length !== (b.track?.coordinates.length ?? 0))
        throw bad(
          400,
          'BadTrack',
          field,
          '应与轨迹点一一对应（个数相同）',
          'must have one entry per track vertex (the same count)',
        );
    }
    if (track) {
      const chk = await repo.trackCheck(track, b.gridId, TRACK_NEAR_M);
      if (chk.reason !== 'Valid Geometry')
        throw bad(422, 'InvalidGeometry', 'track', `轨迹无效：${chk.reason}`, `invalid track: ${chk.reason}`);
      if (!chk.near)
        throw bad(
          422,
          'TrackFarAway',
          'track',
          `轨迹距该网格超过 ${TRACK_NEAR_M} 米`,
          `the track never comes within ${TRACK_NEAR_M} m of the grid`,
        );
    }
    const id = await repo.insert({
      userId: user.id,
      personId,
      gridId: b.gridId,
      startedAt: started,
      endedAt: ended,
      track,
      trackAccuracyM: b.trackAccuracyM ?? null,
      trackTimes: b.trackTimes ?? null,
      note: b.note?.trim() || null,
    });
    return (await repo.byId(id))!;
  });
}

export async function listPatrols(
  q: Queryable,
  p: { grid?: number; from?: string; to?: string; limit: number },
  scope: Scope,
): Promise<Patrol[]> {
  return (await patrolsRepository(q).list(p, scope)).map((r) => ({ ...r, id: Number(r.id) }));
}
