/**
 * npm run bench — prints the performance table for docs/BENCHMARKS.md.
 * Native part (needs BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL pointing at a
 * PostgreSQL + PostGIS server whose user may create databases): a 10,000-grid demo city,
 * area tiles at z10/z12/z14 through the HTTP API vs the same SQL run directly (the floor), the
 * responsibility lookup, problem reports per second (issue 4), figures and rankings over
 * BENCH_PROBLEMS problems (default 1,000,000, written by the demo's bulk writer; issue 5) and
 * problem tiles z10–z16 over the same problems (issue 4).
 * Embedded part: time from starting the server to ready on PGlite, first and warm start; the
 * first start as `npm run serve` on a fresh folder until /api/health says ok (goal ≤ 30 s, issue 15);
 * /api/health while the largest accepted area import runs (goal: no wait over 2 s).
 * Issue 15 also: requests/s of a logged-in lookup against a bare Fastify route (autocannon in
 * its own process), with and without the session cache, and with WANGGE_WORKERS=1 and 2.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus, totalmem, loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPgDb } from '../../api/db/pg';
import { migrate } from '../../api/db/migrate';
import { buildApp } from '../../api/app';
import { tileSql } from '../../api/tiles/mvt';
import { seedDemo } from '../../data/demo/seed';
import { benchSession, median, p95, tilesCovering } from './tiles';
import { hashPassword } from '../../api/auth/passwords';
import { responsibilityBench } from './responsibility';
import { reportsBench } from './reports';
import { figuresBench } from './figures';
import { problemTilesBench } from './problems-tiles';
import { timeFirstStart } from './first-start';
import { httpFloorBench, namedStatementBench } from './http-floor';
import { importFreezeBench } from './import-freeze';
import { zonesBench } from './zones';
import { fanoutBench } from './fanout';
import { assessmentBench } from './assessment';
import { fieldColdBench } from './field-cold';
import { wallPaintBench } from './wall-paint';

const GRIDS = Number(process.env.BENCH_GRIDS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const rows: string[][] = [];
const row = (...cells: (string | number)[]) => rows.push(cells.map(String));
const ms = (x: number) => x.toFixed(2);

async function nativeBench(url: string) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS wangge_bench WITH (FORCE)');
  await admin.query('CREATE DATABASE wangge_bench');
  await admin.end();
  const u = new URL(url);
  u.pathname = '/wangge_bench';
  const db = openPgDb(u.toString());
  await migrate(db);
  let t = performance.now();
  const city = await seedDemo(db, { grids: GRIDS });
  row(
    'seed demo city via importer (native)',
    `${city.grids} grids`,
    '',
    ms((performance.now() - t) / 1000) + ' s',
    '',
    '',
  );
  await db.query('ANALYZE');
  const { rows: b } = await db.query<{ bbox: [number, number, number, number] }>(
    `SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS bbox FROM (SELECT ST_Extent(geom)::box3d AS e FROM areas WHERE level = 'county') s`,
  );
  const bbox = b[0]!.bbox;

  const app = await buildApp({ db, loginRateLimit: 1000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const cookie = await benchSession(db, `http://127.0.0.1:${port}`, await hashPassword('bench-pass-2026'));
  for (const z of [10, 12, 14]) {
    const tiles = tilesCovering(bbox, z, 60);
    const sql = tileSql('areas', 'postgis');
    const floorParams = (tz: number, x: number, y: number) => [tz, x, y, null]; // a city-wide caller
    const api: number[] = [],
      floor: number[] = [];
    let maxBytes = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (const [tz, x, y] of tiles) {
        t = performance.now();
        await db.query(sql, floorParams(tz, x, y));
        floor.push(performance.now() - t);
        t = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/tiles/areas/${tz}/${x}/${y}.mvt`, { headers: { cookie } });
        if (res.status !== 200 && res.status !== 204) throw new Error(`tile answered ${res.status}`);
        const bytes = (await res.arrayBuffer()).byteLength;
        api.push(performance.now() - t);
        maxBytes = Math.max(maxBytes, bytes);
      }
    }
    row(
      `area tile z${z} (native, ${tiles.length} tiles × ${ROUNDS})`,
      ms(median(api)),
      ms(p95(api)),
      ms(median(floor)),
      (median(api) / median(floor)).toFixed(2) + '×',
      `${(maxBytes / 1024).toFixed(1)} KB`,
    );
  }
  await app.close();
  await responsibilityBench(db, row);
  // issue 15: requests/s against a bare Fastify route, load from a separate process
  await httpFloorBench(db, u.toString(), row);
  await namedStatementBench(db, row);
  // problems: reports through the API first (a few thousand), then figures fill the table up to
  // BENCH_PROBLEMS through the demo's bulk writer, and the tiles are drawn over the same problems
  await reportsBench(db, row, { label: 'native' });
  await figuresBench(db, row);
  await problemTilesBench(db, row);
  await db.close();
  // issue 13: the zone editor's balance table and auto-balance, on its own database
  await zonesBench(url, row);
  // issue 16: the weekly index and its bulletin against their SQL floor, on its own database
  await assessmentBench(url, row);
  // issue 12: live events to 200 SSE streams (display sessions among them), on its own database
  await fanoutBench(url, row);
  // issue 15: 100,000 grids and 10,000,000 problems in monthly partitions (hours on 2 cores: opt-in)
  if (process.env.BENCH_SCALE === '1') await scaleInChild(url);
}

/** tests/bench/scale.ts in a process of its own (its loaders read BENCH_PROBLEMS at import); its rows join the table. */
function scaleInChild(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/bench/scale.ts'], {
      env: { ...process.env, BENCH_DATABASE_URL: url, BENCH_GRIDS: '100000', BENCH_PROBLEMS: '10000000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => {
      for (const line of out.split('\n').filter((l) => l.startsWith('| '))) {
        const cells = line.slice(2, -2).split(' | ');
        rows.push([...cells, '', '', '', '', '', ''].slice(0, 6));
      }
      if (code === 0) resolve();
      else reject(new Error(`scale bench exited with ${code}`));
    });
  });
}

/** Starts the real server with the demo wired in on PGlite (or all of `npm start`, build included) and waits for its ready line. */
function startServer(dataDir: string, withBuild = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const [cmd, args] = withBuild ? ['npm', ['start']] : [process.execPath, ['--import', 'tsx', 'data/demo/start.ts']];
    const child = spawn(cmd as string, args as string[], {
      env: { ...process.env, DATABASE_URL: '', PORT: '0', WANGGE_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: withBuild, // npm starts children: stop the whole group
    });
    let elapsed: number | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      // it listens first and prepares (a first start seeds the demo) before it is ready
      if (elapsed === null && chunk.toString().includes('Wangge ready on')) {
        elapsed = performance.now() - t;
        if (withBuild && child.pid) process.kill(-child.pid, 'SIGTERM');
        else child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) =>
      elapsed === null ? reject(new Error(`server exited with ${code} before it was ready`)) : resolve(elapsed),
    );
  });
}

async function startupBench() {
  // issue 15: the first start as a user meets it, each goal as a ratio (≤ 1 meets it)
  const fresh = await timeFirstStart();
  const problems = process.env.WANGGE_DEMO_PROBLEMS ?? 5000;
  row(
    `\`npm run serve\` first start → answering (fresh folder; goal ≤ 5 s)`,
    '',
    '',
    ms(fresh.answeredS) + ' s',
    (fresh.answeredS / 5).toFixed(2) + '× goal',
    '',
  );
  row(
    `\`npm run serve\` first start → health ok (unpack, migrate, 300 grids, ${problems} problems bulk-written; goal ≤ 30 s)`,
    '',
    '',
    ms(fresh.readyS) + ' s',
    (fresh.readyS / 30).toFixed(2) + '× goal',
    '',
  );
  const dir = await mkdtemp(join(tmpdir(), 'wangge-bench-'));
  try {
    const first = await startServer(dir);
    row(
      `server start → ready, PGlite first start (unpack, migrate, seed 300 grids, ${problems} demo problems)`,
      '',
      '',
      ms(first / 1000) + ' s',
      '',
      '',
    );
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) warm.push(await startServer(dir));
    row('server start → ready, PGlite warm start (median of 3)', '', '', ms(median(warm) / 1000) + ' s', '', '');
    const full = await startServer(dir, true);
    row('`npm start` → ready, warm database (vite build + server)', '', '', ms(full / 1000) + ' s', '', '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const loadAtStart = loadavg();
const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
if (url) await nativeBench(url);
else
  console.warn(
    'native PostGIS part skipped: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL + PostGIS server',
  );
// issue 15: the embedded database under the largest accepted import
await importFreezeBench(row);
await startupBench();
// issue 14: the field workspace (/m) on Slow 4G, cold and warm, and its offline cache
await fieldColdBench(row);
// issue 12: the wall's first meaningful paint and a soak (WALL_SOAK_MS, default 10 min) in Chromium, the demo on PGlite
await wallPaintBench(row);

const head = ['what', 'API median ms', 'API p95 ms', 'SQL floor median ms / total', 'API ÷ floor', 'max tile'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
// the load average says how much else ran on the machine meanwhile (the timings are not alone)
const load = `load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(' / ')}, at end ${loadavg()
  .map((l) => l.toFixed(2))
  .join(' / ')} (1 / 5 / 15 min)`;
console.log(
  `\nWangge bench — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${load}\n`,
);
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
