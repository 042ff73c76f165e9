import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/types';
import {
  sessionCache,
  SESSION_CACHE_DEFAULTS,
  type SessionCache,
  type SessionCacheOptions,
} from '../services/session-cache';

declare module 'fastify' {
  interface FastifyInstance {
    /** session token → caller, a few seconds per process (services/session-cache.ts) */
    sessionCache: SessionCache;
  }
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/**
 * Routes whose writes can change what a cached session holds: accounts and sessions, scope
 * areas, and the contracts and grid staff that scopes follow (user_scope_codes). Another
 * process hears of them by NOTIFY (migration 020); this one clears its cache before answering,
 * so the caller's next request cannot overtake the notification.
 */
const ACCOUNT_OR_SCOPE = /^\/api\/(auth\/(logout|password)|users|units|people|assignments|contracting|areas)(\/|$)/;

/** Decorates app.sessionCache, LISTENs for invalidations, stops with the app. */
export async function installSessionCache(app: FastifyInstance, db: Db, options: Partial<SessionCacheOptions> = {}) {
  const cache = sessionCache(db, { ...SESSION_CACHE_DEFAULTS, ...options });
  await cache.start();
  app.decorate('sessionCache', cache);
  app.addHook('onSend', async (req, _reply, payload) => {
    if (WRITE.has(req.method) && ACCOUNT_OR_SCOPE.test(req.routeOptions.url ?? '')) cache.forgetAll();
    return payload;
  });
  app.addHook('onClose', async () => cache.close());
}
