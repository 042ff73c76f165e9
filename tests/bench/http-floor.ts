import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import type { Db } from '../../api/db/types';
import { buildApp } from '../../api/app';
import { hashPassword } from '../../api/auth/passwords';
import { benchSession } from './tiles';

type Row = (...cells: (string | number)[]) => void;
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 32);

/** Requests per second that autocannon, in its own process, gets from `url` (2xx only). */
function autocannon(url: string, headers: Record<string, string> = {}): Promise<number> {
  const args = ['node_modules/autocannon/autocannon.js', '-j', '-c', String(CONNECTIONS), '-d', String(SECONDS)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      const r = JSON.parse(out) as { '2xx': number; non2xx: number; duration: number };
      if (r.non2xx > 0) return reject(new Error(`${url}: ${r.non2xx} answers were not 2xx`));
      resolve(r['2xx'] / r.duration);
    });
  });
}

/** The real server (`tsx api/server.ts`) on the bench database with WANGGE_WORKERS processes. */
function serverProcess(url: string, workers: number, port: number): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: url,
        WANGGE_WORKERS: String(workers),
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let ready = 0;
    const stop = () => child.kill('SIGTERM');
    child.stdout.on('data', (c: Buffer) => {
      ready += c.toString().split('Wangge ready on').length - 1;
      if (ready === workers) resolve(stop);
    });
    child.once('exit', (code) =>
      reject(new Error(`server exited with ${code} before ${workers} processes were ready`)),
    );
  });
}

/**
 * Per-request cost against the HTTP floor (issue 15), load from a separate process (autocannon,
 * CONNECTIONS connections, SECONDS each): a bare Fastify route answering a constant, then a
 * logged-in GET /api/responsibility (session, scope, validation, the routing SQL, JSON) with the
 * session cache and without it, then the real server with 1 and 2 API processes (WANGGE_WORKERS).
 * The goal is a ratio: responsibility ÷ bare ≥ 0.5, both in this run.
 */
export async function httpFloorBench(db: Db, url: string, row: Row) {
  const bare = Fastify();
  bare.get('/constant', async () => ({ ok: true }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareRate = await autocannon(`http://127.0.0.1:${(bare.server.address() as { port: number }).port}/constant`);
  await bare.close();

  const {
    rows: [p],
  } = await db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM areas WHERE level = 'grid' ORDER BY code LIMIT 1`,
  );
  const path = `/api/responsibility?lon=${p!.lon}&lat=${p!.lat}`;
  const hash = await hashPassword('bench-pass-2026');
  const rates: Record<string, number> = {};
  const me: Record<string, number> = {};
  // the responsibility cache follows the session cache's listener: off with it
  for (const [label, ttlMs] of [
    ['session and responsibility caches on', 30_000],
    ['session and responsibility caches off', 0],
  ] as const) {
    const app = await buildApp({ db, loginRateLimit: 1000, sessionCache: { ttlMs } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const cookie = await benchSession(db, base, hash);
    rates[label] = await autocannon(base + path, { cookie });
    // the fixed cost of any logged-in request: with the cache, no database work at all
    me[label] = await autocannon(`${base}/api/auth/me`, { cookie });
    await app.close();
  }
  const c = `${CONNECTIONS} connections, ${SECONDS} s, autocannon in its own process`;
  row(`bare Fastify route returning a constant (${c})`, '', '', `${Math.round(bareRate)} /s`, '1.00× bare', '');
  for (const [label, rate] of Object.entries(me))
    row(
      `logged-in GET /api/auth/me, 1 process, ${label}`,
      '',
      '',
      `${Math.round(rate)} /s`,
      (rate / bareRate).toFixed(2) + '× bare',
      '',
    );
  for (const [label, rate] of Object.entries(rates))
    row(
      `logged-in GET /api/responsibility, 1 process, ${label} (goal ≥ 0.5× bare)`,
      '',
      '',
      `${Math.round(rate)} /s`,
      (rate / bareRate).toFixed(2) + '× bare',
      '',
    );

  for (const workers of [1, 2]) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const stop = await serverProcess(url, workers, port);
    try {
      const base = `http://127.0.0.1:${port}`;
      const cookie = await benchSession(db, base, hash);
      const rate = await autocannon(base + path, { cookie });
      row(
        `logged-in GET /api/responsibility, real server, WANGGE_WORKERS=${workers}`,
        '',
        '',
        `${Math.round(rate)} /s`,
        (rate / bareRate).toFixed(2) + '× bare',
        '',
      );
    } finally {
      stop();
    }
  }
}

/**
 * Named (prepared) statements against unnamed ones (issue 15): the same hot query, the same
 * points, alternating rounds on the pool; pg prepares a named one once per connection.
 */
export async function namedStatementBench(db: Db, row: Row, rounds = 6) {
  const { rows: points } = await db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM areas WHERE level = 'grid' ORDER BY md5(code) LIMIT 200`,
  );
  const text = `SELECT * FROM responsibility_at($1, $2, $3::timestamptz) WHERE area_visible(grid_code, $4::text[])`;
  const per: Record<'named' | 'unnamed', number[]> = { named: [], unnamed: [] };
  for (let r = 0; r < rounds; r++) {
    for (const kind of ['unnamed', 'named'] as const) {
      const t = performance.now();
      for (const p of points)
        await db.query(text, [p.lon, p.lat, new Date(), null], kind === 'named' ? { name: 'bench_named' } : {});
      per[kind].push((performance.now() - t) / points.length);
    }
  }
  const m = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  row(
    `responsibility query, named vs unnamed statement (pool, ${points.length} points × ${rounds} alternating rounds, median of rounds)`,
    m(per.named).toFixed(3),
    '',
    m(per.unnamed).toFixed(3),
    (m(per.named) / m(per.unnamed)).toFixed(2) + '× unnamed',
    '',
  );
}

// ---- on its own, against a city already loaded (tests/bench/reports.ts makes one) ----
//   BENCH_DATABASE_URL=postgres://…/postgres BENCH_DB=wangge_h_perf_bench npx tsx tests/bench/http-floor.ts
async function main() {
  const { openPgDb } = await import('../../api/db/pg');
  const { migrate } = await import('../../api/db/migrate');
  const base = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('set BENCH_DATABASE_URL (and BENCH_DB, the database holding the city)');
  const u = new URL(base);
  if (process.env.BENCH_DB) u.pathname = `/${process.env.BENCH_DB}`;
  const db = openPgDb(u.toString());
  await migrate(db);
  const row: Row = (...cells) => console.log(cells.join(' | '));
  console.log(
    `load average at start: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  await httpFloorBench(db, u.toString(), row);
  console.log(
    `load average at end: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  await db.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
