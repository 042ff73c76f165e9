import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Db, Queryable } from '../db/types';
import { AppError } from '../errors';
import { idempotencyRepository } from '../repositories/idempotency';

/**
 * Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header) for the writes a phone may
 * send twice (docs/ARCHITECTURE.md "Field workspace"). A route opts in with
 * `config: { idempotent: true }`; a request to it with the header runs in ONE transaction that
 * (1) claims (user, key) with the request's fingerprint, (2) runs the handler — every query the
 * handler and its services make through `app.db` joins that transaction (requestScopedDb below),
 * their own `db.transaction(…)` included — and (3) stores the answer (status, body) before the
 * commit. So the write and its stored answer commit together or not at all, and a retry:
 *  - after the commit gets the stored answer (same status and body, header Idempotent-Replayed),
 *    writing nothing;
 *  - while the first is still running waits on the key's row (its INSERT blocks on the primary
 *    key) and then gets the answer, or runs itself if the first rolled back;
 *  - with the same key but another body is refused (422), as the draft says.
 * A failed write stores nothing (it rolled back): the client may retry with the same key.
 * Without the header a route behaves as before.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the route honours an Idempotency-Key header (plugins/idempotency.ts) */
    idempotent?: boolean;
  }
}

/** How long a key is remembered: a queued phone write is sent within hours, not days. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** Expired keys each idempotent write removes on its way. */
const PURGE_BATCH = 20;

const requestTx = new AsyncLocalStorage<Queryable>();

/**
 * The app's database, aware of the request transaction of an idempotent write: inside one, every
 * query and nested transaction joins it (on PGlite, a query outside would wait for the
 * transaction's lock forever; on PostgreSQL it would not see the request's own writes).
 */
export function requestScopedDb(db: Db): Db {
  const current = (): Queryable => requestTx.getStore() ?? db;
  const query: Queryable['query'] = (...args) => current().query(...args);
  return {
    kind: db.kind,
    query,
    exec: (sql) => current().exec(sql),
    transaction: (fn) => {
      const tx = requestTx.getStore();
      return tx ? fn(tx) : db.transaction(fn);
    },
    close: () => db.close(),
    listen: (channel, cb) => db.listen(channel, cb),
    ...(('dump' in db ? { dump: (db as { dump: unknown }).dump } : {}) as object),
  };
}

const KEY = /^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/; // printable ASCII but `"` and `\`

const badKey = () =>
  new AppError(
    400,
    'BadIdempotencyKey',
    {
      zh: 'Idempotency-Key 请求头无效：应为 1–255 个可打印字符（可加英文双引号）',
      en: 'invalid Idempotency-Key header: 1–255 printable characters (optionally in double quotes)',
    },
    [{ field: 'Idempotency-Key', reason: { zh: '格式无效', en: 'bad format' } }],
  );

/** The key from the header: an sf-string (`"…"`, as the draft writes it) or the bare text. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  if (Array.isArray(header)) throw badKey();
  const t = header.trim();
  const key = t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
  if (!KEY.test(key)) throw badKey();
  return key;
}

/** What makes two requests "the same": method, route with its parameters, and the body. */
function fingerprint(req: FastifyRequest): string {
  return createHash('sha256')
    .update(`${req.method} ${req.routeOptions.url ?? ''}\n${JSON.stringify(req.params ?? {})}\n`)
    .update(JSON.stringify(req.body ?? null))
    .digest('hex');
}

const reused = () =>
  new AppError(
    422,
    'IdempotencyKeyReused',
    {
      zh: '该 Idempotency-Key 已用于另一个内容不同的请求，请为新的请求生成新的键',
      en: 'this Idempotency-Key was already used for a different request: send a new key for a new request',
    },
    [{ field: 'Idempotency-Key', reason: { zh: '已用于另一个请求', en: 'used for another request' } }],
  );

/** Installs the hook that wraps the handlers of `idempotent` routes; call before routes register. */
export function installIdempotency(app: FastifyInstance, db: Db) {
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return;
    const inner = route.handler as RouteHandlerMethod;
    route.handler = async function (this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
      const key = parseIdempotencyKey(req.headers['idempotency-key']);
      if (key === null || !req.user) return inner.call(this, req, reply);
      const userId = req.user.id;
      const fp = fingerprint(req);
      const now = app.clock.now();
      try {
        return await db.transaction(async (tx) => {
          const repo = idempotencyRepository(tx);
          await repo.purge(now, PURGE_BATCH); // expired keys go a few at a time, with the writes
          if (!(await repo.claim(userId, key, fp, now, new Date(now.getTime() + IDEMPOTENCY_TTL_MS)))) {
            const stored = await repo.find(userId, key);
            if (!stored || stored.fingerprint !== fp) throw reused();
            reply.header('idempotent-replayed', 'true').status(stored.status ?? 200);
            return stored.body;
          }
          const body: unknown = await requestTx.run(tx, () => inner.call(this, req, reply));
          if (body === reply) throw new Error(`idempotent route ${route.url} must return its answer, not send it`);
          await repo.answer(userId, key, reply.statusCode, body);
          return body;
        });
      } catch (err) {
        // an audit row written by the handler went with the rollback: the response hook writes one
        req.audited = false;
        throw err;
      }
    };
  });
}
