import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/types';
import type { Role } from '../auth/roles';

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
}

const USER_COLS = `id, username, display_name AS "displayName", role::text AS role, active, password_hash AS "passwordHash",
  must_change_password AS "mustChangePassword"`;

export const SESSION_IDLE_MS = 8 * 3600_000; // a working day without activity
export const SESSION_MAX_MS = 7 * 24 * 3600_000; // then a fresh login, whatever the activity

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function accountsRepository(db: Queryable) {
  return {
    async byUsername(username: string) {
      const { rows } = await db.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE lower(username) = lower($1)`, [username]);
      return rows[0] ?? null;
    },
    async byId(id: number) {
      const { rows } = await db.query<UserRow>(`SELECT ${USER_COLS} FROM users WHERE id = $1`, [id]);
      return rows[0] ?? null;
    },
    // Failed logins are counted per name and address in login_failures (login-failures.ts).
    async setPassword(id: number, passwordHash: string, mustChange: boolean) {
      await db.query(
        `UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = now() WHERE id = $1`,
        [id, passwordHash, mustChange]);
    },

    /** A new session with fresh random token and CSRF token; only the token's hash is stored. */
    async createSession(userId: number, ip: string, userAgent: string | undefined) {
      const token = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      await db.query(
        `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond', $5, $6)`,
        [sha256(token), userId, csrf, SESSION_MAX_MS, ip, userAgent?.slice(0, 300) ?? null]);
      return { token, csrf };
    },
    /**
     * The live session behind a token, sliding its idle timer; null when unknown or expired.
     * Every request pays this, so it reads, and writes last_seen_at at most once a minute:
     * a write per request capped an API at ~250 requests/s on two cores.
     */
    async sessionUser(token: string): Promise<SessionUser | null> {
      const hash = sha256(token);
      const { rows } = await db.query<SessionUser & { stale: boolean }>(
        `SELECT u.id, u.username, u.display_name AS "displayName", u.role::text AS role,
                u.must_change_password AS "mustChangePassword", s.csrf_token AS "csrfToken",
                s.token_hash AS "sessionHash", user_scope_codes(u.id) AS scope,
                s.last_seen_at < now() - interval '1 minute' AS stale
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND u.active
           AND s.expires_at > now() AND s.last_seen_at > now() - $2 * interval '1 millisecond'`,
        [hash, SESSION_IDLE_MS]);
      const row = rows[0];
      if (!row) return null;
      if (row.stale) await db.query('UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1', [hash]);
      const { stale: _stale, ...user } = row;
      return user;
    },
    async deleteSession(sessionHash: string) {
      await db.query('DELETE FROM sessions WHERE token_hash = $1', [sessionHash]);
    },
    async deleteSessionsOf(userId: number, exceptHash?: string) {
      await db.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2', [userId, exceptHash ?? null]);
    },
  };
}
export type AccountsRepository = ReturnType<typeof accountsRepository>;
