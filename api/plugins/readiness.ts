import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Db, Queryable } from '../db/types';
import { langOf, type Msg } from '../errors';

/**
 * Whether the server is still preparing its database (a first start seeding the demo city runs
 * after `listen`, so the server answers within seconds instead of minutes, issue 15). While it
 * prepares, /api/health says `{ status: 'preparing', progress }`, every other API route answers
 * 503 with the progress in words, and a browser asking for a page gets a tiny page that reloads
 * itself until the real app is served.
 */
export interface Readiness {
  /** null once ready; while preparing, the share done (0…1) */
  readonly progress: number | null;
  /** what is being prepared, in words (the demo: 示范城市 / the demo city) */
  readonly what?: Msg;
}

export interface Preparation extends Readiness {
  /** the share done so far (0…1); never goes back */
  report(share: number): void;
  ready(): void;
}

/** Always ready: buildApp's default (tests, a server with nothing to prepare). */
export const READY: Readiness = { progress: null };

export function preparation(what: Msg = { zh: '数据', en: 'the data' }): Preparation {
  let progress: number | null = 0;
  return {
    what,
    get progress() {
      return progress;
    },
    report(share: number) {
      if (progress !== null && Number.isFinite(share))
        progress = Math.max(progress, Math.round(Math.min(0.99, Math.max(0, share)) * 1000) / 1000);
    },
    ready() {
      progress = null;
    },
  };
}

export const percent = (share: number) => `${Math.round(share * 100)} %`;

/** The page a browser gets while preparing: no script (the CSP allows none inline), a meta refresh. */
function preparingPage(share: number, what: Msg): string {
  const p = percent(share);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>网格 Wangge — ${p}</title>
<style>body{font:16px/1.6 system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;color:#334}
progress{width:16em}</style></head>
<body><main><h1>正在准备${what.zh}：${p}</h1><p>Preparing ${what.en}: ${p}</p>
<progress max="100" value="${Math.round(share * 100)}"></progress>
<p><small>首次启动需要几十秒，本页会自动刷新。 This first start takes a few dozen seconds; the page reloads itself.</small></p></main></body></html>`;
}

interface PreparingAnswer {
  status: number;
  type: string;
  body: string;
}

/**
 * What a request gets while the server prepares, the same before Fastify is built (the bare
 * listener of api/server.ts, while the database opens and migrates) and after (the gate below):
 * health 200 `preparing`, a page for a browser, and 503 `{ error, message }` for the rest.
 */
export function preparingAnswer(
  method: string,
  url: string,
  acceptLanguage: string | undefined,
  share: number,
  what: Msg = { zh: '数据', en: 'the data' },
): PreparingAnswer {
  const path = url.split('?')[0] ?? '';
  const json = 'application/json; charset=utf-8';
  if (path === '/api/health') {
    return {
      status: 200,
      type: json,
      body: JSON.stringify({
        status: 'preparing',
        progress: share,
        message: { zh: `正在准备${what.zh}：${percent(share)}`, en: `preparing ${what.en}: ${percent(share)}` },
      }),
    };
  }
  if (method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/tiles/') && !path.startsWith('/docs')) {
    return { status: 503, type: 'text/html; charset=utf-8', body: preparingPage(share, what) };
  }
  const message = {
    zh: `正在准备${what.zh}：${percent(share)}，请稍后再试`,
    en: `preparing ${what.en}: ${percent(share)}; try again in a few seconds`,
  };
  return {
    status: 503,
    type: json,
    body: JSON.stringify({ error: 'Preparing', message: message[langOf(acceptLanguage)] }),
  };
}

const HEADERS = {
  'retry-after': '2',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
};

/** The bare listener's answer (node:http), before the app exists. */
export function answerPreparing(req: IncomingMessage, res: ServerResponse, readiness: Readiness): void {
  const a = preparingAnswer(
    req.method ?? 'GET',
    req.url ?? '/',
    req.headers['accept-language'],
    readiness.progress ?? 0,
    readiness.what,
  );
  res.writeHead(a.status, { ...HEADERS, 'content-type': a.type });
  res.end(req.method === 'HEAD' ? undefined : a.body);
}

/**
 * The gate, as the first onRequest hook after the security headers: while preparing, nothing
 * reaches a route that would read the database (the embedded one is busy with the seed's single
 * transaction, so a request would only wait), and nothing is audited (that would write to it).
 */
export function installReadinessGate(app: FastifyInstance, readiness: Readiness): void {
  app.addHook('onRequest', async (req, reply) => {
    const share = readiness.progress;
    if (share === null) return;
    req.audited = true; // a refusal while preparing writes nothing (auth.ts audits writes in onSend)
    const a = preparingAnswer(req.method, req.url, req.headers['accept-language'], share, readiness.what);
    if (a.status !== 503) return; // health answers { status: 'preparing', progress } itself (its schema documents it)
    return reply
      .code(503)
      .headers({ 'retry-after': HEADERS['retry-after'], 'cache-control': 'no-store' })
      .type(a.type)
      .send(a.body);
  });
}

const tick = () => new Promise<void>((ok) => setImmediate(ok));

/**
 * The database as a preparation uses it: every statement first yields to the event loop. PGlite
 * runs in this thread and its promises settle as microtasks, so without a yield a seed of
 * thousands of statements would starve the listener and nobody would see "preparing … %".
 */
export function yielding(db: Db): Db {
  const wrap = (q: Queryable): Queryable => ({
    query: async <T>(text: string, params?: readonly unknown[]) => {
      await tick();
      return q.query<T>(text, params);
    },
    exec: async (sql: string) => {
      await tick();
      return q.exec(sql);
    },
  });
  return {
    kind: db.kind,
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
    listen: (c, f) => db.listen(c, f),
  };
}
