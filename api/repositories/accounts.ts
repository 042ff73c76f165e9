import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/types';
import type { Role } from '../auth/roles';
import { ACCOUNT_CEILING, FORGET_AFTER_MS } from '../auth/login-throttle';
import type { UserSummary } from '../schemas/auth';

export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  passwordHash: string;
  mustChangePassword: boolean;
}

export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  mustChangePassword: boolean;
  /** NULL = city-wide; else area codes whose insides (and ancestors) are visible */
  scope: string[] | null;
  csrfToken: string;
  sessionHash: string;
  /** set for a wall's display session (repositories/display-tokens.ts): reads only, never writes */
  display?: { tokenId: number };
}

const USER_COLS = `id, username, display_name AS "displayName", role::text AS role, active, password_hash AS "passwordHash",
  must_change_password AS "mustChangePassword"`;

export const SESSION_IDLE_MS = 8 * 3600_000; // a working day without activity
export const SESSION_MAX_MS = 7 * 24 * 3600_000; // then a fresh login, whatever the activity

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** What the database keeps of a session token (and what the session cache is keyed by). */
export const sessionHashOf = sha256;

const SQL_SESSION = `
  SELECT u.id, u.username, u.display_name AS "displayName", u.role::text AS role,
         u.must_change_password AS "mustChangePassword", s.csrf_token AS "csrfToken",
         s.token_hash AS "sessionHash", user_scope_codes(u.id) AS scope,
         s.last_seen_at < now() - interval '1 minute' AS stale,
         (extract(epoch FROM least(s.expires_at, s.last_seen_at + $2 * interval '1 millisecond') - now()) * 1000)::float8 AS "msLeft"
  FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.token_hash = $1 AND u.active
    AND s.expires_at > now() AND s.last_seen_at > now() - $2 * interval '1 millisecond'`;

const SQL_SUMMARIES = `
  SELECT u.id, u.username, u.display_name AS "displayName", u.role::text AS role, u.active,
         -- "locked": past the whole-name ceiling of failed logins (auth/login-throttle.ts); only
         -- addresses that failed on it are refused then, the owner's clean address is not
         EXISTS (SELECT 1 FROM login_failures f WHERE f.account = lower(u.username) AND f.address = '*'
                 AND f.failures >= ${ACCOUNT_CEILING} AND f.last_failure_at > now() - interval '${FORGET_AFTER_MS} milliseconds') AS locked,
         coalesce((SELECT json_agg(json_build_object('id', a.id, 'code', a.code, 'name', a.name, 'level', a.level) ORDER BY a.code)
                   FROM user_scopes s JOIN areas a ON a.id = s.area_id WHERE s.user_id = u.id), '[]'::json) AS scope
  FROM users u WHERE ($1::int IS NULL OR u.id = $1) ORDER BY u.id`;

/** A new account as the admin creates it (it must change its password at first login). */
export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  unitId: number | null;
}

export function accountsRepository(db: Queryable) {
  const repo = {
    async byUsername(username: string) {
      const { rows } = await db.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE lower(username) = lower($1)`, [
        username,
      ]);
      return rows[0] ?? null;
    },
    async byId(id: number) {
      const { rows } = await db.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE id = $1`, [id]);
      return rows[0] ?? null;
    },
    /** Accounts with role, lock and scope areas for the admin's list; one when `id` is given. */
    async summaries(id: number | null = null) {
      return (await db.query<UserSummary>(SQL_SUMMARIES, [id])).rows;
    },
    async unitExists(unitId: number) {
      return (await db.query('SELECT 1 FROM units WHERE id = $1', [unitId])).rows.length > 0;
    },
    /** The unit an account belongs to (unit staff), null for the others. */
    async unitIdOf(userId: number) {
      const row = (
        await db.query<{ unitId: number | null }>('SELECT unit_id AS "unitId" FROM users WHERE id = $1', [userId])
      ).rows[0];
      return row?.unitId ?? null;
    },
    async insertUser(u: NewUser): Promise<number> {
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO users (username, display_name, role, password_hash, must_change_password, unit_id) VALUES ($1, $2, $3, $4, true, $5) RETURNING id`,
        [u.username, u.displayName, u.role, u.passwordHash, u.unitId],
      );
      return rows[0]!.id;
    },
    async setActive(id: number, active: boolean) {
      await db.query('UPDATE users SET active = $2 WHERE id = $1', [id, active]);
    },
    /** The ids of the areas with these codes (unknown codes are simply absent). */
    async areasByCode(codes: string[]) {
      return (
        await db.query<{ id: number; code: string }>('SELECT id, code FROM areas WHERE code = ANY ($1::text[])', [
          codes,
        ])
      ).rows;
    },
    /** Replaces the account's scope areas. */
    async replaceScope(userId: number, areaIds: number[]) {
      await db.query('DELETE FROM user_scopes WHERE user_id = $1', [userId]);
      await db.query('INSERT INTO user_scopes (user_id, area_id) SELECT $1, unnest($2::int[])', [userId, areaIds]);
    },
    // Failed logins are counted per name and address in login_failures (login-failures.ts).
    async setPassword(id: number, passwordHash: string, mustChange: boolean) {
      await db.query(
        `UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = now() WHERE id = $1`,
        [id, passwordHash, mustChange],
      );
    },

    /** A new session with fresh random token and CSRF token; only the token's hash is stored. */
    async createSession(userId: number, ip: string, userAgent: string | undefined) {
      const token = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      await db.query(
        `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', $5, $6)`,
        [sha256(token), userId, csrf, SESSION_MAX_MS, ip, userAgent?.slice(0, 300) ?? null],
      );
      return { token, csrf };
    },
    /**
     * The live session behind a token, sliding its idle timer; null when unknown or expired.
     * Every request pays this (unless the process's session cache holds it:
     * services/session-cache.ts), so it reads, and writes last_seen_at at most once a minute:
     * a write per request capped an API at ~250 requests/s on two cores. `msLeft`: how long the
     * session stays valid from now without activity (a cache keeps it no longer).
     */
    async session(token: string): Promise<{ user: SessionUser; msLeft: number } | null> {
      const hash = sessionHashOf(token);
      const { rows } = await db.query<SessionUser & { stale: boolean; msLeft: number }>(
        SQL_SESSION,
        [hash, SESSION_IDLE_MS],
        {
          name: 'wangge_session_user',
        },
      );
      const row = rows[0];
      if (!row) return null;
      if (row.stale)
        await db.query('UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1', [hash], {
          name: 'wangge_session_touch',
        });
      const { stale: _stale, msLeft, ...user } = row;
      return { user, msLeft };
    },
    async sessionUser(token: string): Promise<SessionUser | null> {
      return (await repo.session(token))?.user ?? null;
    },
    async deleteSession(sessionHash: string) {
      await db.query('DELETE FROM sessions WHERE token_hash = $1', [sessionHash]);
    },
    async deleteSessionsOf(userId: number, exceptHash?: string) {
      await db.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2', [
        userId,
        exceptHash ?? null,
      ]);
    },
  };
  return repo;
}
export type AccountsRepository = ReturnType<typeof accountsRepository>;
