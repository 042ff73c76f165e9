import type { Queryable } from '../db/types';
import type { Role } from '../auth/roles';
import type { Scope } from '../domain/scope';
import type { LiveProblemEvent } from '../schemas/events';
import { SESSION_IDLE_MS } from './accounts';
import { displayTokensRepository } from './display-tokens';
import { VISIBLE, type Viewer } from './problems';

// The live event stream's reads (api/services/event-hub.ts, api/routes/events.ts). Who may see an
// event is the one rule of GET /api/problems/:id (VISIBLE: problem_visible, widened for unit
// staff to what is assigned to their unit), applied in SQL to the problem as it is now.

const EVENT_COLS = `
  e.id::int AS id, e.problem_id AS "problemId", e.seq, e.action, e.from_state::text AS "fromState",
  e.to_state::text AS "toState", iso_utc(e.at) AS at, e.actor_name AS "actorName", e.actor_role AS "actorRole",
  p.area_code AS "areaCode", g.name AS "gridName", cm.name AS "communityName", s.name AS "streetName",
  p.category_id AS "categoryId", c.name_zh AS "categoryName", c.name_en AS "categoryNameEn",
  p.source::text AS source, p.urgent, p.state::text AS state,
  CASE WHEN e.action IN ('supervision_notice', 'accountability_notice') THEN jsonb_build_object(
    'id', (e.data->>'noticeId')::int, 'number', e.data->>'number', 'kind', e.data->>'kind', 'dueAt', e.data->>'dueAt')
  END AS notice`;

const EVENT_FROM = `
  FROM problem_events e
  JOIN problems p ON p.id = e.problem_id
  JOIN problem_categories c ON c.id = p.category_id
  LEFT JOIN areas g ON g.id = p.grid_id
  LEFT JOIN areas cm ON cm.id = p.community_id
  LEFT JOIN areas s ON s.id = p.street_id`;

/** Events by id, whoever may see them (the hub reads each once, then filters per viewer). */
const SQL_BY_IDS = `SELECT ${EVENT_COLS} ${EVENT_FROM} WHERE e.id = ANY ($1::bigint[]) ORDER BY e.id`;

/** Which of these events a viewer may see: one query per distinct viewer and batch. */
const SQL_VISIBLE_IDS = `
  SELECT e.id::int AS id FROM problem_events e JOIN problems p ON p.id = e.problem_id
  WHERE e.id = ANY ($1::bigint[]) AND ${VISIBLE('$2', '$3', '$4')}`;

/** Ids after `from` up to `to` (catching up after a lost listening connection), at most $3. */
const SQL_IDS_AFTER = `SELECT id::int AS id FROM problem_events WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3`;

/** A reconnecting caller's missed events that it may see, oldest first. */
const SQL_REPLAY = `
  SELECT ${EVENT_COLS} ${EVENT_FROM}
  WHERE e.id > $1 AND e.id <= $2 AND ${VISIBLE('$3', '$4', '$5')}
  ORDER BY e.id`;

/** How many events (anyone's) lie after an id, counted up to a cap. */
const SQL_COUNT_AFTER = `SELECT count(*)::int AS n FROM (SELECT 1 FROM problem_events WHERE id > $1 AND id <= $2 LIMIT $3) x`;

/**
 * The caller behind a session, as a stream re-checks it: like accounts.sessionUser but without
 * sliding the idle timer (an open stream is not activity: a person who walks away from the
 * office still times out) and with the unit of unit staff.
 */
const SQL_SESSION = `
  SELECT u.id, u.role::text AS role, user_scope_codes(u.id) AS scope, u.unit_id AS "unitId"
  FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.token_hash = $1 AND u.active
    AND s.expires_at > now() AND s.last_seen_at > now() - $2 * interval '1 millisecond'`;

export interface StreamCaller {
  id: number;
  role: Role;
  scope: Scope;
  unitId: number | null;
}

export function eventsRepository(db: Queryable) {
  return {
    async maxId(): Promise<number> {
      return (await db.query<{ n: number }>('SELECT coalesce(max(id), 0)::int AS n FROM problem_events')).rows[0]!.n;
    },
    async byIds(ids: number[]): Promise<LiveProblemEvent[]> {
      return (await db.query<LiveProblemEvent>(SQL_BY_IDS, [ids])).rows;
    },
    async visibleIds(ids: number[], v: Viewer): Promise<Set<number>> {
      const { rows } = await db.query<{ id: number }>(SQL_VISIBLE_IDS, [ids, v.scope, v.role, v.unitId]);
      return new Set(rows.map((r) => r.id));
    },
    async idsAfter(from: number, to: number, limit: number): Promise<number[]> {
      return (await db.query<{ id: number }>(SQL_IDS_AFTER, [from, to, limit])).rows.map((r) => r.id);
    },
    async countAfter(from: number, to: number, cap: number): Promise<number> {
      return (await db.query<{ n: number }>(SQL_COUNT_AFTER, [from, to, cap])).rows[0]!.n;
    },
    async atOf(id: number): Promise<Date | null> {
      return (await db.query<{ at: Date }>('SELECT at FROM problem_events WHERE id = $1', [id])).rows[0]?.at ?? null;
    },
    async replay(from: number, to: number, v: Viewer): Promise<LiveProblemEvent[]> {
      return (await db.query<LiveProblemEvent>(SQL_REPLAY, [from, to, v.scope, v.role, v.unitId])).rows;
    },
    /**
     * The caller behind a session token, or null once it ended (logout, expiry, deactivation); a
     * wall's display session (by the app clock `now`) until its token is revoked or expires.
     */
    async caller(sessionHash: string, now: Date): Promise<StreamCaller | null> {
      const person = (await db.query<StreamCaller>(SQL_SESSION, [sessionHash, SESSION_IDLE_MS])).rows[0];
      if (person) return person;
      const wall = await displayTokensRepository(db).sessionByHash(sessionHash, now);
      return wall && { id: 0, role: 'commander', scope: wall.scope, unitId: null };
    },
  };
}
export type EventsRepository = ReturnType<typeof eventsRepository>;
