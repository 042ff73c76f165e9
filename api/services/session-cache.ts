import type { Db } from '../db/types';
import { accountsRepository, sessionHashOf, type SessionUser } from '../repositories/accounts';

/** The channel sql/migrations/020-session-cache.sql NOTIFYs. */
export const SESSIONS_CHANNEL = 'wangge_sessions';

export interface SessionCacheOptions {
  /** how long an entry is trusted; 0 turns the cache off (every request reads the session) */
  ttlMs: number;
  /** entries at most; the oldest goes first */
  max: number;
}

export const SESSION_CACHE_DEFAULTS: SessionCacheOptions = { ttlMs: 30_000, max: 10_000 };

interface Entry {
  user: SessionUser;
  /** performance.now() after which the entry is read again */
  until: number;
}

/**
 * The caller behind a session token, kept a few seconds per process (issue 15): every request
 * needs it, and reading it (session, account, user_scope_codes) was the fixed cost of each one.
 * Invalidated, not merely aged: the triggers of migration 020 NOTIFY wangge_sessions on every
 * write that changes an entry (logout, password, deactivation, role, scope areas: `user:<id>`;
 * assignments, people, area codes: `*`), and every process LISTENs (PGlite: its in-process bus).
 * In this process a write of an account or scope route also clears the cache before its answer
 * goes out (plugins/session-cache.ts), so its own next request never races the notification.
 * The TTL bounds what nothing notifies: an assignment that comes into force as time passes, and
 * the idle timer's slide (written at most once a minute on a read). Entries are keyed by the
 * token's hash, and live no longer than the session itself.
 */
export function sessionCache(db: Db, options: SessionCacheOptions = SESSION_CACHE_DEFAULTS) {
  const accounts = accountsRepository(db);
  const entries = new Map<string, Entry>();
  // bumped by every invalidation: a read that began before one must not store what it read
  let generation = 0;
  let unlisten: (() => Promise<void>) | null = null;
  const stats = { hits: 0, misses: 0, invalidations: 0 };
  // other per-process caches dropped with every entry (one listener for all: the responsibility
  // cache, services/assignments-responsibility.ts)
  const followers = new Set<() => void>();

  const forgetAll = () => {
    generation++;
    stats.invalidations++;
    entries.clear();
    for (const f of followers) f();
  };
  const forgetUser = (id: number) => {
    generation++;
    stats.invalidations++;
    for (const [k, e] of entries) if (e.user.id === id) entries.delete(k);
  };
  const onPayload = (payload: string | null) => {
    const m = payload === null ? null : /^user:(\d+)$/.exec(payload);
    // null: the listening connection dropped, notifications may be lost
    if (m) forgetUser(Number(m[1]));
    else forgetAll();
  };

  return {
    stats,
    async start() {
      if (options.ttlMs > 0 && !unlisten) unlisten = await db.listen(SESSIONS_CHANNEL, onPayload);
    },
    async close() {
      const u = unlisten;
      unlisten = null;
      entries.clear();
      await u?.();
    },
    /** The live session's caller, from the cache when it holds it. */
    async user(token: string): Promise<SessionUser | null> {
      if (options.ttlMs <= 0 || !unlisten) return accounts.sessionUser(token);
      const key = sessionHashOf(token);
      const now = performance.now();
      const hit = entries.get(key);
      if (hit && hit.until > now) {
        stats.hits++;
        return hit.user;
      }
      if (hit) entries.delete(key);
      stats.misses++;
      const began = generation;
      const found = await accounts.session(token);
      if (!found) return null;
      if (generation === began && found.msLeft > 0) {
        if (entries.size >= options.max) entries.delete(entries.keys().next().value!);
        entries.set(key, { user: found.user, until: performance.now() + Math.min(options.ttlMs, found.msLeft) });
      }
      return found.user;
    },
    /** Drops every entry of this process (a write of accounts or scopes here: plugins/session-cache.ts). */
    forgetAll,
    /**
     * Calls `drop` whenever every entry is dropped (a `*` notification, a lost connection, a write
     * of accounts or scopes in this process); the returned function stops it. Null when the cache
     * is off (no listener): a follower must not cache then.
     */
    follow(drop: () => void): (() => void) | null {
      if (!unlisten) return null;
      followers.add(drop);
      return () => followers.delete(drop);
    },
    forgetUser,
  };
}
export type SessionCache = ReturnType<typeof sessionCache>;
