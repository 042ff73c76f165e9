/**
 * Problem reports per second (issue 4): POST /api/problems with routing, on a city already in
 * `db` (the bench's 10,000-grid demo city), and where a report's time goes.
 *
 *   import { reportsBench } from './reports';  await reportsBench(db, row, { label: 'native' });
 *
 * or on its own: `npx tsx tests/bench/reports.ts` (native part when BENCH_DATABASE_URL or
 * TEST_DATABASE_URL is set, then PGlite unless BENCH_PGLITE=0; BENCH_GRIDS, default 10,000;
 * BENCH_SECONDS, default 10; BENCH_DB, the native database it creates, default
 * wangge_bench_reports; BENCH_REUSE=1 keeps that database's city when it has one).
 * The client runs in the same process as the server, so both share the machine's cores.
 * The bench writes real problems (a few thousand to tens of thousands) into `db`.
 */
import { pathToFileURL } from 'node:url';
import { cpus, totalmem } from 'node:os';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { buildApp } from '../../api/app';
import { hashPassword } from '../../api/auth/passwords';
import { controllableClock } from '../../api/domain/clock';
import { problemDetail, recordProblem, reportProblem, type ProblemActor } from '../../api/services/problems';
import { median, p95 } from './tiles';

type Row = (...cells: (string | number)[]) => void;
const ms = (x: number) => x.toFixed(2);
const BENCH_USER = 'bench-reporter';
const BENCH_PASSWORD = 'bench-reporter-2026';

interface Point {
  lon: number;
  lat: number;
}

export interface ReportsBenchOptions {
  /** 'native' or 'PGlite': names the rows */
  label: string;
  /** seconds per throughput run (default 10) */
  seconds?: number;
  /** clients in flight over HTTP (default [1, 16]) */
  inFlight?: number[];
  /** reports per latency series (default 200) */
  samples?: number;
}

export interface ReportsBenchResult {
  /** median ms of one report through app.inject, and of its parts */
  report: number;
  routing: number;
  record: number;
  service: number;
  me: number;
  /** reports per second over HTTP by clients in flight */
  perSecond: Record<number, number>;
}

/**
 * Latency of one report and of its parts, each measured alone (medians):
 *   routing  = areas_at_point + responsibility_at, what routing costs in SQL;
 *   record   = the report's transaction (category check, routing, insert, event) — recordProblem;
 *   service  = record + the answer built from what it wrote — reportProblem (no read-back);
 *   readBack = what reading the new problem back would cost (problemDetail, four queries): the
 *              answer before issue 15, measured so the saving stays visible;
 *   report   = the whole request through app.inject: session and scope, CSRF, body
 *              validation, service, response serialisation;
 *   me       = GET /api/auth/me through app.inject: the fixed cost of any logged-in request.
 * Then reports per second over real HTTP with `inFlight` clients, each sending its next report
 * when the last one answers.
 */
export async function reportsBench(db: Db, row: Row, options: ReportsBenchOptions): Promise<ReportsBenchResult> {
  const { label } = options;
  const seconds = options.seconds ?? 10;
  const samples = options.samples ?? 200;
  await db.query(
    `INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, '指挥中心 压测', 'commander', $2) ON CONFLICT DO NOTHING`,
    [BENCH_USER, await hashPassword(BENCH_PASSWORD)],
  );
  const user = (await db.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [BENCH_USER])).rows[0]!;
  const actor: ProblemActor = {
    id: user.id,
    displayName: '指挥中心 压测',
    role: 'commander',
    scope: null,
    unitId: null,
  };
  const { rows: points } = await db.query<Point>(
    `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM areas WHERE level = 'grid' ORDER BY md5(code) LIMIT 500`,
  );
  const { rows: cats } = await db.query<{ id: number }>(
    `SELECT id FROM problem_categories WHERE level = 3 AND active ORDER BY code`,
  );
  const {
    rows: [counts],
  } = await db.query<{ grids: number; assignments: number; problems: number }>(
    `SELECT (SELECT count(*)::int FROM areas WHERE level = 'grid') AS grids, (SELECT count(*)::int FROM assignments) AS assignments,
            (SELECT count(*)::int FROM problems) AS problems`,
  );
  let n = 0;
  const body = () => {
    const p = points[n % points.length]!;
    const categoryId = cats[n % cats.length]!.id;
    n++;
    return {
      lon: p.lon,
      lat: p.lat,
      categoryId,
      source: 'citizen' as const,
      description: `压测上报 #${n}：人行道上有暴露垃圾`,
      address: '压测路 1 号',
    };
  };
  const what = `${label}, ${counts!.grids} grids, ${counts!.assignments} assignments, ${counts!.problems} problems before`;

  const app = await buildApp({ db, loginRateLimit: 1000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  try {
    const { cookie, csrf } = await login(base);
    const headers = { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' };
    const clock = controllableClock();

    // warm-up: plans cached per connection, JIT
    for (let i = 0; i < 20; i++) await injectReport(app, headers, body());

    const series = {
      routing: [] as number[],
      record: [] as number[],
      service: [] as number[],
      readBack: [] as number[],
      report: [] as number[],
      me: [] as number[],
    };
    for (let i = 0; i < samples; i++) {
      const b = body();
      let t = performance.now();
      await db.query('SELECT id FROM areas_at_point($1, $2)', [b.lon, b.lat]);
      await db.query('SELECT * FROM responsibility_at($1, $2, $3)', [b.lon, b.lat, new Date()]);
      series.routing.push(performance.now() - t);
      t = performance.now();
      const rec = await recordProblem(db, clock, actor, b);
      series.record.push(performance.now() - t);
      t = performance.now();
      await problemDetail(db, rec.id, { scope: null, role: actor.role, unitId: null }, rec.now);
      series.readBack.push(performance.now() - t);
      t = performance.now();
      await reportProblem(db, clock, actor, body());
      series.service.push(performance.now() - t);
      t = performance.now();
      await injectReport(app, headers, body());
      series.report.push(performance.now() - t);
      t = performance.now();
      const me = await app.inject({ url: '/api/auth/me', headers: { cookie } });
      if (me.statusCode !== 200) throw new Error(`me answered ${me.statusCode}`);
      series.me.push(performance.now() - t);
    }
    const m = Object.fromEntries(Object.entries(series).map(([k, v]) => [k, median(v)])) as Record<
      keyof typeof series,
      number
    >;
    row(
      `report a problem, app.inject (${what}; ${samples} samples)`,
      ms(m.report),
      ms(p95(series.report)),
      ms(m.routing),
      (m.report / m.routing).toFixed(1) + '×',
      '',
    );
    row(
      `  where it goes: routing SQL (areas_at_point + responsibility_at) ${ms(m.routing)} ms = ${pct(m.routing, m.report)} of a report`,
      '',
      '',
      ms(m.routing),
      '',
      '',
    );
    row(
      `  the report's transaction (recordProblem, routing included) ${ms(m.record)} ms; + its answer from what it wrote (reportProblem) ${ms(m.service - m.record)} ms; a read-back would add ${ms(m.readBack)} ms`,
      '',
      '',
      ms(m.service),
      '',
      '',
    );
    row(
      `  HTTP layer (session, scope, CSRF, validation, serialisation): report − service = ${ms(m.report - m.service)} ms; GET /api/auth/me alone ${ms(m.me)} ms`,
      '',
      '',
      ms(m.report - m.service),
      '',
      '',
    );

    const perSecond: Record<number, number> = {};
    for (const inFlight of options.inFlight ?? [1, 16]) {
      let done = 0,
        failed = 0;
      const until = performance.now() + seconds * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (performance.now() < until) {
            const res = await fetch(`${base}/api/problems`, { method: 'POST', headers, body: JSON.stringify(body()) });
            await res.arrayBuffer();
            if (res.status === 201) done++;
            else failed++;
          }
        }),
      );
      if (failed) throw new Error(`${failed} reports failed during the throughput run`);
      perSecond[inFlight] = Math.round(done / ((performance.now() - started) / 1000));
      // the floor at the same concurrency (issue 15): the report's transaction alone through pg
      // (recordProblem: checks, routing, insert, event), as many in flight, as long
      let floorDone = 0;
      const floorUntil = performance.now() + seconds * 1000;
      const floorStarted = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (performance.now() < floorUntil) {
            await recordProblem(db, clock, actor, body());
            floorDone++;
          }
        }),
      );
      const floorPerSecond = floorDone / ((performance.now() - floorStarted) / 1000);
      row(
        `reports per second over HTTP, ${label}, ${inFlight} in flight (${seconds} s; floor: the transaction through pg, as many in flight; goal ≥ 0.7×)`,
        '',
        '',
        `${perSecond[inFlight]} /s; floor ${Math.round(floorPerSecond)} /s`,
        (perSecond[inFlight]! / floorPerSecond).toFixed(2) + '× floor',
        '',
      );
    }
    return { ...m, perSecond };
  } finally {
    await app.close();
  }
}

const pct = (part: number, whole: number) => `${Math.round((100 * part) / whole)} %`;

async function login(base: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: BENCH_USER, password: BENCH_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`bench login answered ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}

async function injectReport(app: FastifyInstance, headers: Record<string, string>, payload: object) {
  const res = await app.inject({ method: 'POST', url: '/api/problems', headers, payload });
  if (res.statusCode !== 201) throw new Error(`report answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
}

// ---- on its own ----

async function main() {
  const { openPgDb } = await import('../../api/db/pg');
  const { openPgliteDb } = await import('../../api/db/pglite');
  const { migrate } = await import('../../api/db/migrate');
  const { seedDemo } = await import('../../data/demo/seed');
  const grids = Number(process.env.BENCH_GRIDS ?? 10_000);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const rows: string[][] = [];
  const row: Row = (...cells) => {
    rows.push(cells.map(String));
    console.log(cells.join(' | '));
  };
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (url) {
    const name = process.env.BENCH_DB ?? 'wangge_bench_reports';
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`BENCH_DB: not a plain database name: ${name}`);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rows.length > 0;
    const reuse = process.env.BENCH_REUSE === '1' && exists;
    if (!reuse) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
    }
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    const db = openPgDb(u.toString());
    await migrate(db);
    const cityGrids = reuse
      ? (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas WHERE level = 'grid'`)).rows[0]!.n
      : 0;
    if (cityGrids === 0) {
      const t = performance.now();
      await seedDemo(db, { grids });
      row(
        `seed demo city (native, ${grids} grids)`,
        '',
        '',
        ((performance.now() - t) / 1000).toFixed(1) + ' s',
        '',
        '',
      );
    }
    await db.query('ANALYZE');
    await reportsBench(db, row, { label: 'native', seconds, inFlight: [1, 16, 64] });
    await db.close();
  } else console.warn('native part skipped: set BENCH_DATABASE_URL (or TEST_DATABASE_URL)');
  if (process.env.BENCH_PGLITE !== '0') {
    const db = await openPgliteDb();
    await migrate(db);
    const t = performance.now();
    await seedDemo(db, { grids });
    row(`seed demo city (PGlite, ${grids} grids)`, '', '', ((performance.now() - t) / 1000).toFixed(1) + ' s', '', '');
    await db.query('ANALYZE');
    await reportsBench(db, row, { label: 'PGlite', seconds, inFlight: [1, 16] });
    await db.close();
  }
  const head = ['what', 'API median ms', 'API p95 ms', 'SQL floor median ms / total', 'API ÷ floor', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(
    `\nreports bench — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`,
  );
  console.log([line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
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
