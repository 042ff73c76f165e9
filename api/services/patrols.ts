import type { Db, Queryable } from '../db/types';
import { AppError, notFound } from '../errors';
import type { Role } from '../auth/roles';
import type { Scope } from '../repositories/areas';
import type { Patrol, PatrolCreate } from '../schemas/figures';

/** 网格巡查 visits: who walked which grid when, with an optional GPS track near the grid. */
const TRACK_NEAR_M = 300;
const FUTURE_SLACK_MS = 5 * 60_000;

const SELECT = `
  SELECT v.id, v.grid_id AS "gridId", g.code AS "gridCode", g.name AS "gridName", v.user_id AS "userId", u.username,
         v.person_id AS "personId", pe.name AS "personName", v.started_at AS "startedAt", v.ended_at AS "endedAt",
         ST_AsGeoJSON(v.track, 7)::json AS track, CASE WHEN v.track IS NOT NULL THEN round(ST_Length(v.track::geography)::numeric, 1)::float8 END AS "lengthM", v.note
  FROM patrol_visits v JOIN areas g ON g.id = v.grid_id
  LEFT JOIN users u ON u.id = v.user_id LEFT JOIN people pe ON pe.id = v.person_id`;

const bad = (status: number, code: string, field: string, zh: string, en: string) =>
  new AppError(status, code, { zh: `${field} 无效：${zh}`, en: `invalid ${field}: ${en}` }, [{ field, reason: { zh, en } }]);

/**
 * A visit is evidence that someone walked a grid, so it is logged as the caller's own: personId,
 * when given, must be the caller's person record. Only an admin (correcting the log) may name
 * someone else; a supervisor checks visits but does not log them for others (docs/FIGURES.md).
 */
export async function logPatrol(db: Db, b: PatrolCreate, user: { id: number; scope: Scope; role: Role }, now: Date): Promise<Patrol> {
  const started = new Date(b.startedAt), ended = new Date(b.endedAt);
  if (ended < started) throw bad(400, 'BadPeriod', 'endedAt', '结束时间早于开始时间', 'before startedAt');
  if (ended.getTime() - started.getTime() > 24 * 3600_000) throw bad(400, 'BadPeriod', 'endedAt', '一次巡查不超过 24 小时', 'a visit lasts at most 24 hours');
  if (ended.getTime() > now.getTime() + FUTURE_SLACK_MS) throw bad(400, 'BadPeriod', 'endedAt', '不能在将来', 'in the future');
  return db.transaction(async (tx) => {
    const grid = (await tx.query<{ id: number }>(`SELECT id FROM areas WHERE id = $1 AND level = 'grid' AND area_within(code, $2::text[])`, [b.gridId, user.scope])).rows[0];
    if (!grid) throw notFound({ zh: '该网格', en: 'grid' });
    const own = (await tx.query<{ id: number }>('SELECT id FROM people WHERE user_id = $1', [user.id])).rows[0]?.id ?? null;
    const personId = b.personId ?? own;
    if (personId !== own && user.role !== 'admin') {
      // the same answer whether that person exists or not: no probe of the people table
      throw bad(403, 'Forbidden', 'personId', '只能登记本人的巡查（仅管理员可代他人登记）', 'you may log only your own patrol (only an admin may log one for someone else)');
    }
    if (personId !== null && personId !== own && !(await tx.query('SELECT 1 FROM people WHERE id = $1', [personId])).rows.length) {
      throw bad(422, 'UnknownPerson', 'personId', `人员 ${personId} 不存在`, `person ${personId} does not exist`);
    }
    const track = b.track ? JSON.stringify(b.track) : null;
    if (track) {
      // Validity first: an invalid geometry must never reach a GEOS call (PGlite would answer nothing).
      const { rows: [chk] } = await tx.query<{ reason: string; near: boolean | null }>(`
        SELECT ST_IsValidReason(t) AS reason,
               CASE WHEN ST_IsValid(t) THEN ST_DWithin(t::geography, (SELECT geom FROM areas WHERE id = $2)::geography, $3) END AS near
        FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS t) x`, [track, b.gridId, TRACK_NEAR_M]);
      if (chk!.reason !== 'Valid Geometry') throw bad(422, 'InvalidGeometry', 'track', `轨迹无效：${chk!.reason}`, `invalid track: ${chk!.reason}`);
      if (!chk!.near) throw bad(422, 'TrackFarAway', 'track', `轨迹距该网格超过 ${TRACK_NEAR_M} 米`, `the track never comes within ${TRACK_NEAR_M} m of the grid`);
    }
    const { rows: [made] } = await tx.query<{ id: number }>(`
      INSERT INTO patrol_visits (user_id, person_id, grid_id, started_at, ended_at, track, note)
      VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_GeomFromGeoJSON($6), 4326), $7) RETURNING id`,
      [user.id, personId, b.gridId, started, ended, track, b.note?.trim() || null]);
    return (await tx.query<Patrol>(`${SELECT} WHERE v.id = $1`, [made!.id])).rows[0]!;
  });
}

export async function listPatrols(q: Queryable, p: { grid?: number; from?: string; to?: string; limit: number }, scope: Scope): Promise<Patrol[]> {
  return (await q.query<Patrol>(`${SELECT}
    WHERE area_within(g.code, $1::text[]) AND ($2::int IS NULL OR v.grid_id = $2) AND ($3::timestamptz IS NULL OR v.started_at >= $3)
      AND ($4::timestamptz IS NULL OR v.started_at < $4)
    ORDER BY v.started_at DESC, v.id DESC LIMIT $5`, [scope, p.grid ?? null, p.from ?? null, p.to ?? null, p.limit])).rows.map((r) => ({ ...r, id: Number(r.id) }));
}
