import type { Queryable } from '../db/types';
import type { Scope } from '../domain/scope';
import type { Patrol } from '../schemas/figures';

/** 网格巡查 visits (patrol_visits, sql/migrations/007). */
const SELECT = `
  SELECT v.id, v.grid_id AS "gridId", g.code AS "gridCode", g.name AS "gridName", v.user_id AS "userId", u.username,
         v.person_id AS "personId", pe.name AS "personName", v.started_at AS "startedAt", v.ended_at AS "endedAt",
         ST_AsGeoJSON(v.track, 7)::json AS track, CASE WHEN v.track IS NOT NULL THEN round(ST_Length(v.track::geography)::numeric, 1)::float8 END AS "lengthM", v.note
  FROM patrol_visits v JOIN areas g ON g.id = v.grid_id
  LEFT JOIN users u ON u.id = v.user_id LEFT JOIN people pe ON pe.id = v.person_id`;

// Validity first: an invalid geometry must never reach a GEOS call (PGlite would answer nothing).
const SQL_TRACK_CHECK = `
  SELECT ST_IsValidReason(t) AS reason,
         CASE WHEN ST_IsValid(t) THEN ST_DWithin(t::geography, (SELECT geom FROM areas WHERE id = $2)::geography, $3) END AS near
  FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS t) x`;

export interface NewPatrol {
  userId: number;
  personId: number | null;
  gridId: number;
  startedAt: Date;
  endedAt: Date;
  /** GeoJSON LineString text, already checked with trackCheck */
  track: string | null;
  /** per vertex of track (sql/migrations/018) */
  trackAccuracyM?: number[] | null;
  trackTimes?: string[] | null;
  note: string | null;
}

export function patrolsRepository(db: Queryable) {
  return {
    /** The grid, if it is one and inside the scope. */
    async gridInScope(gridId: number, scope: Scope) {
      return (
        (
          await db.query<{ id: number }>(
            `SELECT id FROM areas WHERE id = $1 AND level = 'grid' AND area_within(code, $2::text[])`,
            [gridId, scope],
          )
        ).rows[0] ?? null
      );
    },
    /** The person record linked to an account. */
    async personOfUser(userId: number) {
      return (await db.query<{ id: number }>('SELECT id FROM people WHERE user_id = $1', [userId])).rows[0]?.id ?? null;
    },
    async personExists(personId: number) {
      return (await db.query('SELECT 1 FROM people WHERE id = $1', [personId])).rows.length > 0;
    },
    /** Why a track is invalid ('Valid Geometry' when it is) and whether it passes within nearM of the grid. */
    async trackCheck(track: string, gridId: number, nearM: number) {
      return (await db.query<{ reason: string; near: boolean | null }>(SQL_TRACK_CHECK, [track, gridId, nearM]))
        .rows[0]!;
    },
    async insert(v: NewPatrol): Promise<number> {
      const {
        rows: [made],
      } = await db.query<{ id: number }>(
        `
        INSERT INTO patrol_visits (user_id, person_id, grid_id, started_at, ended_at, track, note, track_accuracy_m, track_times)
        VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_GeomFromGeoJSON($6), 4326), $7, $8::real[], $9::timestamptz[]) RETURNING id`,
        [
          v.userId,
          v.personId,
          v.gridId,
          v.startedAt,
          v.endedAt,
          v.track,
          v.note,
          v.trackAccuracyM ?? null,
          v.trackTimes ?? null,
        ],
      );
      return made!.id;
    },
    async byId(id: number) {
      return (await db.query<Patrol>(`${SELECT} WHERE v.id = $1`, [id])).rows[0] ?? null;
    },
    async list(p: { grid?: number; from?: string; to?: string; limit: number }, scope: Scope): Promise<Patrol[]> {
      return (
        await db.query<Patrol>(
          `${SELECT}
        WHERE area_within(g.code, $1::text[]) AND ($2::int IS NULL OR v.grid_id = $2) AND ($3::timestamptz IS NULL OR v.started_at >= $3)
          AND ($4::timestamptz IS NULL OR v.started_at < $4)
        ORDER BY v.started_at DESC, v.id DESC LIMIT $5`,
          [scope, p.grid ?? null, p.from ?? null, p.to ?? null, p.limit],
        )
      ).rows;
    },
  };
}
export type PatrolsRepository = ReturnType<typeof patrolsRepository>;
