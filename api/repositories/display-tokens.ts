import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/types';
import type { DisplayTokenSummary } from '../schemas/display';
import type { SessionUser } from './accounts';

// Display tokens and display sessions (sql/migrations/016-display-tokens.sql, issue 12). Times are
// the app clock's, passed in ($n), so a test or a moved clock judges expiry as the rest does.

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** a wall's display session lasts this long at most (then the wall exchanges its token again) */
export const DISPLAY_SESSION_MS = 30 * 24 * 3600_000;

const SQL_SUMMARIES = `
  SELECT t.id, t.name, t.city_wide AS "cityWide",
         coalesce((SELECT json_agg(json_build_object('id', a.id, 'code', a.code, 'name', a.name, 'level', a.level) ORDER BY a.code)
                   FROM display_token_scopes s JOIN areas a ON a.id = s.area_id WHERE s.token_id = t.id), '[]'::json) AS scope,
         iso_utc(t.created_at) AS "createdAt", u.display_name AS "createdBy", iso_utc(t.expires_at) AS "expiresAt",
         iso_utc(t.revoked_at) AS "revokedAt", iso_utc(t.last_used_at) AS "lastUsedAt",
         CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked' WHEN t.expires_at <= $2 THEN 'expired' ELSE 'active' END AS status,
         (SELECT count(*)::int FROM display_sessions d WHERE d.display_token_id = t.id AND d.expires_at > $2) AS sessions
  FROM display_tokens t LEFT JOIN users u ON u.id = t.created_by
  WHERE ($1::int IS NULL OR t.id = $1)
  ORDER BY t.revoked_at IS NOT NULL, t.id DESC`;

/** A token that may open a session now: not revoked, not expired. */
const LIVE_TOKEN = `t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)`;

/** The scope of a token as area codes (NULL: the whole city). */
const TOKEN_SCOPE = `CASE WHEN t.city_wide THEN NULL ELSE coalesce((SELECT array_agg(a.code ORDER BY a.code)
  FROM display_token_scopes s JOIN areas a ON a.id = s.area_id WHERE s.token_id = t.id), '{}'::text[]) END`;

/** The display session behind a cookie, with its token's name and scope; $2 = now. */
const SQL_SESSION = `
  SELECT t.id AS "tokenId", t.name, ${TOKEN_SCOPE} AS scope, d.token_hash AS "sessionHash", iso_utc(d.expires_at) AS "expiresAt"
  FROM display_sessions d JOIN display_tokens t ON t.id = d.display_token_id
  WHERE d.token_hash = $1 AND d.expires_at > $2 AND ${LIVE_TOKEN}`;

export interface DisplaySession {
  tokenId: number;
  name: string;
  scope: string[] | null;
  sessionHash: string;
  expiresAt: string;
}

/** The display session as the request's user: a commander's reads within the token's scope, no writes. */
export const displayUser = (s: DisplaySession): SessionUser => ({
  id: 0, // no account: audit rows name the token (username display#id) with no user id
  username: `display#${s.tokenId}`,
  displayName: s.name,
  role: 'commander',
  mustChangePassword: false,
  scope: s.scope,
  csrfToken: '',
  sessionHash: s.sessionHash,
  display: { tokenId: s.tokenId },
});

export function displayTokensRepository(db: Queryable) {
  return {
    async summaries(now: Date, id: number | null = null): Promise<DisplayTokenSummary[]> {
      return (await db.query<DisplayTokenSummary>(SQL_SUMMARIES, [id, now])).rows;
    },
    /** A new token; returns its id and the token text (only the hash is stored). */
    async insert(t: { name: string; cityWide: boolean; createdBy: number; now: Date; expiresAt: Date | null }) {
      const token = `wd_${randomBytes(32).toString('base64url')}`;
      const { rows } = await db.query<{ id: number }>(
        `INSERT INTO display_tokens (name, token_hash, city_wide, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [t.name, sha256(token), t.cityWide, t.createdBy, t.now, t.expiresAt],
      );
      return { id: rows[0]!.id, token };
    },
    async setScope(tokenId: number, areaIds: number[]) {
      await db.query('INSERT INTO display_token_scopes (token_id, area_id) SELECT $1, unnest($2::int[])', [
        tokenId,
        areaIds,
      ]);
    },
    /** Locks the token row (revocations of one token are serialized); null when unknown. */
    async lock(id: number) {
      const { rows } = await db.query<{ id: number; revoked: boolean }>(
        'SELECT id, revoked_at IS NOT NULL AS revoked FROM display_tokens WHERE id = $1 FOR UPDATE',
        [id],
      );
      return rows[0] ?? null;
    },
    /** Revokes the token and ends its sessions; returns how many sessions ended. */
    async revoke(id: number, by: number, now: Date): Promise<number> {
      await db.query('UPDATE display_tokens SET revoked_at = $2, revoked_by = $3 WHERE id = $1', [id, now, by]);
      const { rows } = await db.query<{ n: number }>(
        'WITH gone AS (DELETE FROM display_sessions WHERE display_token_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM gone',
        [id],
      );
      return rows[0]!.n;
    },
    /** The live token behind a token text, or null (unknown, revoked, expired). */
    async liveToken(token: string, now: Date) {
      const { rows } = await db.query<{ id: number; expiresAt: string | null }>(
        `SELECT t.id, iso_utc(t.expires_at) AS "expiresAt" FROM display_tokens t WHERE t.token_hash = $1 AND ${LIVE_TOKEN}`,
        [sha256(token), now],
      );
      return rows[0] ?? null;
    },
    /** A new display session for a live token; ends with the token's expiry or after DISPLAY_SESSION_MS. */
    async createSession(tokenId: number, now: Date, ip: string, userAgent: string | undefined) {
      const cookie = randomBytes(32).toString('base64url');
      await db.query(
        `INSERT INTO display_sessions (token_hash, display_token_id, created_at, expires_at, ip, user_agent)
         SELECT $1, t.id, $3::timestamptz,
                least(coalesce(t.expires_at, 'infinity'), $3::timestamptz + $4::float8 * interval '1 millisecond'), $5, $6
         FROM display_tokens t WHERE t.id = $2`,
        [sha256(cookie), tokenId, now, DISPLAY_SESSION_MS, ip, userAgent?.slice(0, 300) ?? null],
      );
      await db.query('UPDATE display_tokens SET last_used_at = $2 WHERE id = $1', [tokenId, now]);
      return cookie;
    },
    /** The display session behind a cookie value, or null (unknown, expired, token revoked or expired). */
    async session(cookie: string, now: Date): Promise<DisplaySession | null> {
      return (await db.query<DisplaySession>(SQL_SESSION, [sha256(cookie), now])).rows[0] ?? null;
    },
    /** The same by the stored hash (an open event stream checks its session again). */
    async sessionByHash(hash: string, now: Date): Promise<DisplaySession | null> {
      return (await db.query<DisplaySession>(SQL_SESSION, [hash, now])).rows[0] ?? null;
    },
  };
}
export type DisplayTokensRepository = ReturnType<typeof displayTokensRepository>;
