import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config';
import { openDb } from './db/open';
import { migrate } from './db/migrate';
import type { Db } from './db/types';
import { buildApp } from './app';
import { appClock, type Clock } from './domain/clock';
import type { Msg } from './errors';
import { answerPreparing, preparation, yielding } from './plugins/readiness';
import { sweepOverdueIfFree } from './services/problem-sweep';

/**
 * What a start script may run on the database after the server listens (the demo city on a
 * first start: data/demo/start.ts). Until it resolves, /api/health says `preparing` with the
 * share reported through `progress`, and every other route answers 503 (plugins/readiness.ts).
 */
export interface Preparer {
  /** in words, for the preparing page and the 503 message: { zh: '示范城市', en: 'the demo city' } */
  what: Msg;
  run(ctx: { db: Db; clock: Clock; config: Config; progress: (share: number) => void }): Promise<void>;
}

export interface StartOptions {
  config?: Config;
  /** an open database (tests); default: the one config names, opened here */
  db?: Db;
  prepare?: Preparer;
}

/** the share of a first start that opening and migrating the database stands for */
const MIGRATED = 0.25;

export interface StartedServer {
  app: FastifyInstance;
  /** the listener (the app's own Fastify server never listens: this one hands it the requests) */
  server: Server;
  db: Db;
  /** resolves when the preparation is done and the server serves every route */
  ready: Promise<void>;
  /** stops the sweep, the server and the database */
  close(): Promise<void>;
}

/**
 * The server: config → listen ("preparing") → database → migrations → app → preparation (if
 * any) → ready, overdue sweep. The product itself knows nothing of the demo: a start script wires it in.
 */
export async function startServer(options: StartOptions = {}): Promise<StartedServer> {
  const started = performance.now();
  const config = options.config ?? loadConfig();
  // Listen first, on a bare listener that answers "preparing … %" (plugins/readiness.ts): opening
  // and migrating a fresh embedded database takes a while, and a first start answers within
  // seconds. Once the app is built the same listener hands every request to it.
  const preparing = preparation(options.prepare?.what ?? { zh: '数据库', en: 'the database' });
  let handle = (req: IncomingMessage, res: ServerResponse) => answerPreparing(req, res, preparing);
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(config.port, config.host, () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const dbKind = options.db?.kind ?? (config.databaseUrl ? 'postgres' : 'pglite');
  const where = dbKind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL';
  console.log(
    `Wangge listening on http://${config.host}:${port} (${where}, answering in ${Math.round(performance.now() - started)} ms)`,
  );

  const opened = options.db ?? (await openDb(config));
  // every statement of the start yields to the listener (PGlite runs in this thread)
  const db = yielding(opened);
  preparing.report(0.05);
  // One clock for the process: a preparer seeds at its "now" and the app runs on it.
  const clock = appClock({ start: config.clockStart, controllable: config.controllableClock });
  if (config.clockStart) console.log(`WANGGE_CLOCK_START: the app clock started at ${config.clockStart.toISOString()}`);
  await migrate(db);
  preparing.report(MIGRATED);
  // WANGGE_CONTROLLABLE_CLOCK=1 (tests, e2e only): POST /api/dev/clock moves the app clock
  const controllableClock = config.controllableClock;
  const app = await buildApp({
    db: opened,
    logger: { level: config.logLevel },
    webRoot: config.webRoot,
    secureCookies: config.secureCookies,
    loginRateLimit: config.loginRateLimit,
    controllableClock,
    clock,
    readiness: preparing,
  });
  await app.ready();
  handle = (req, res) => app.routing(req, res);
  if (controllableClock)
    console.log('WANGGE_CONTROLLABLE_CLOCK=1: the app clock can be moved (POST /api/dev/clock); never in production');

  let sweepTimer: NodeJS.Timeout | undefined;
  const ready = (async () => {
    if (options.prepare) {
      await options.prepare.run({
        db,
        clock,
        config,
        progress: (share) => preparing.report(MIGRATED + (1 - MIGRATED) * share),
      });
    }
    preparing.ready();
    // Overdue problems raise their notices within a minute of their deadline (docs/PROBLEMS.md);
    // after the preparation, which may have written the problems it sweeps.
    const sweep = () =>
      sweepOverdueIfFree(opened, app.clock.now()).catch((err: unknown) =>
        app.log.error({ err }, 'overdue sweep failed'),
      );
    await sweep();
    sweepTimer = setInterval(() => void sweep(), 60_000);
    sweepTimer.unref();
    console.log(
      `Wangge ready on http://${config.host}:${port} (ready in ${Math.round(performance.now() - started)} ms)`,
    );
  })();

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      clearInterval(sweepTimer);
      server.closeIdleConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await app.close();
      await opened.close();
    })());
  async function shutdown(signal: string, code = 0) {
    if (closed) return;
    console.log(`${signal}: shutting down`);
    await close();
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // A failed preparation stops the server: it would otherwise answer 503 for ever.
  ready.catch((err: unknown) => {
    console.error('preparing the database failed:', err);
    void shutdown('preparation failed', 1);
  });
  return { app, server, db: opened, ready, close };
}

/**
 * `WANGGE_WORKERS=N` (PostgreSQL only; config.ts refuses it on PGlite): N API processes sharing
 * the port (node:cluster). They hold no state of their own: sessions live in the database (each
 * process caches them a few seconds, invalidated by NOTIFY), live events reach every process by
 * LISTEN, and the overdue sweep runs in whichever takes its advisory lock. Worker 1 starts first
 * and alone runs the preparation (the demo on a first start); the others start once it is ready.
 * A worker that dies is started again. With 1 (the default) this is startServer in this process.
 */
export async function startServers(options: StartOptions = {}): Promise<StartedServer | null> {
  const config = options.config ?? loadConfig();
  if (config.workers <= 1) return startServer({ ...options, config });
  if (cluster.isPrimary) {
    let stopping = false;
    const fork = (index: number) => {
      const worker = cluster.fork({ WANGGE_WORKER_INDEX: String(index) });
      worker.on('exit', (code) => {
        if (stopping) return;
        console.error(`API worker ${index} exited (${code}); starting it again`);
        setTimeout(() => fork(index), 1000).unref();
      });
      return worker;
    };
    const first = fork(1);
    first.once('message', (m: unknown) => {
      if (m !== 'ready') return;
      for (let i = 2; i <= config.workers; i++) fork(i);
      console.log(`Wangge: ${config.workers} API processes on port ${config.port}`);
    });
    const stop = () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return null;
  }
  const index = Number(process.env.WANGGE_WORKER_INDEX ?? '1');
  const started = await startServer({ ...options, config, prepare: index === 1 ? options.prepare : undefined });
  await started.ready;
  process.send?.('ready');
  return started;
}

// `tsx api/server.ts`: the product alone, no demo (npm start / npm run serve: data/demo/start.ts)
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await startServers();
