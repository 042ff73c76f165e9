import { pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import type { Db } from '../../api/db/types';
import { migrate } from '../../api/db/migrate';
import { seedDemo } from '../../data/demo/seed';
import { buildApp } from '../../api/app';
import { hashPassword } from '../../api/auth/passwords';
import { kpiById, type Kpi } from '../../api/domain/kpi';
import { rulesIndicators } from '../../api/domain/ranking';
import { CITY_WIDE_VIEWER, figuresSql, figuresStatement, type Level } from '../../api/repositories/figures';
import { latestScheme, weekOf } from '../../api/services/rankings';
import { beijingDay } from '../../api/domain/campaign';
import { benchSession, median, p95 } from './tiles';
import { prepareBulkLoad } from './bulk-load';
import { keptDatabase } from './fresh-db';

type Row = (...cells: (string | number)[]) => void;
const ms = (x: number) => x.toFixed(2);
const TARGET = Number(process.env.BENCH_PROBLEMS ?? 1_000_000);
const NAIVE_MAX_DAYS = Number(process.env.BENCH_NAIVE_MAX_DAYS ?? 365);

/**
 * Figures at city scale (issues 5 and 15): issues per grid for a week, a month and a year, and the
 * weekly ranking (units, communities, streets), each through the HTTP API against the statement
 * the route runs, sent straight through the pool (the floor), against the per-problem GROUP BY
 * the figures ran before the per-day aggregate (migration 021), and against the naive live
 * spatial join (ST_Intersects problems × areas), all in the same run; then coverage gaps.
 *
 * Takes a database holding the demo city. When it holds fewer than BENCH_PROBLEMS problems
 * (default 1,000,000) it is filled by fillProblems: one set-based INSERT … SELECT (problems
 * routed by join, their event chains, the aggregate rebuilt from them), minutes instead of the
 * bulk writer's ~25 min per million.
 */
export async function figuresBench(db: Db, row: Row, rounds = 5) {
  await fillProblems(db, row);
  // Problems arrive in time order in production, so a period's rows sit together on disk.
  await db.query('ANALYZE problems');
  const {
    rows: [corr],
  } = await db.query<{ c: number | null }>(
    `SELECT correlation AS c FROM pg_stats WHERE tablename = 'problems' AND attname = 'reported_at'`,
  );
  if ((corr?.c ?? 0) < 0.9) {
    await db.query('CLUSTER problems USING problems_reported_at');
    row(
      `  (problems were stored out of time order, correlation ${(corr?.c ?? 0).toFixed(2)}: clustered by reported_at first)`,
      '',
      '',
      '',
      '',
      '',
    );
  }
  await db.query('VACUUM ANALYZE problems'); // steady state: visibility map set, as autovacuum leaves it
  // the aggregate likewise: rows of one day together, as reports arriving day by day leave them
  await db.query('ANALYZE problem_day_counts');
  const {
    rows: [dayCorr],
  } = await db.query<{ c: number | null }>(
    `SELECT correlation AS c FROM pg_stats WHERE tablename = 'problem_day_counts' AND attname = 'day'`,
  );
  if ((dayCorr?.c ?? 0) < 0.9) await db.query('CLUSTER problem_day_counts USING problem_day_counts_key');
  await db.query('VACUUM ANALYZE problem_day_counts');
  const {
    rows: [c],
  } = await db.query<{ grids: number; problems: number; last: Date; keys: number }>(
    `SELECT (SELECT count(*)::int FROM areas WHERE level = 'grid') AS grids, (SELECT count(*)::int FROM problems) AS problems,
            (SELECT max(reported_at) FROM problems) AS last, (SELECT count(*)::int FROM problem_day_counts) AS keys`,
  );
  if (!c!.problems) throw new Error('figures bench: the database holds no problems (seed them first)');
  const size = `${c!.grids} grids, ${c!.problems.toLocaleString('en')} problems`;
  row(
    `  (problem_day_counts: ${c!.keys.toLocaleString('en')} keys of (day, grid, community, street, code, source, assigned); load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')})`,
    '',
    '',
    '',
    '',
    '',
  );

  const app = await buildApp({ db, loginRateLimit: 1000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const cookie = await benchSession(db, base, await hashPassword('bench-pass-2026'));
  const fetchOk = async (url: string) => {
    const res = await fetch(base + url, { headers: { cookie } });
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    await res.arrayBuffer();
  };
  const time = async (fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };

  // Issues per grid: the figure the command center's choropleth asks for most. The period ends
  // mid-day, as "now" does, so both edges are partial days read from the rows.
  const found = [kpiById('found')!] as Kpi[];
  const end = new Date(new Date(c!.last).getTime() + 1);
  for (const [label, days] of [
    ['week', 7],
    ['month', 30],
    ['year', 365],
  ] as const) {
    const from = new Date(end.getTime() - days * 86400_000);
    const q = { from, to: end, asOf: end, viewer: CITY_WIDE_VIEWER, within: null };
    const statement = figuresStatement('grid', found, q); // what the route runs (the bench user is a planner)
    const rowsParams = [from, end, end, 'admin', null, null, null];
    const url = `/api/figures?level=grid&indicators=found&from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(end.toISOString())}&asOf=${encodeURIComponent(end.toISOString())}`;
    const api: number[] = [],
      floor: number[] = [],
      perRow: number[] = [];
    await db.query(statement.text, statement.values); // warm: plans and caches, as a running server has them
    await fetchOk(url);
    for (let r = 0; r < rounds; r++) {
      floor.push(await time(() => db.query(statement.text, statement.values)));
      api.push(await time(() => fetchOk(url)));
      perRow.push(await time(() => db.query(figuresSql('grid', found), rowsParams)));
    }
    // the naive join of a year at 1,000,000 problems takes minutes: BENCH_NAIVE_MAX_DAYS skips longer periods
    const naive = days <= NAIVE_MAX_DAYS ? await time(() => db.query(naiveSql('grid', found), rowsParams)) : NaN;
    row(
      `issues per grid, ${label} (native, ${size}, ${rounds} rounds; goal ≤ 1.3× floor, ≥ 20× faster than naive)`,
      ms(median(api)),
      ms(p95(api)),
      ms(median(floor)),
      (median(api) / median(floor)).toFixed(2) + '×',
      `${Number.isNaN(naive) ? 'naive join not run' : `naive join ${ms(naive)} ms = ${(naive / median(api)).toFixed(0)}× the API`}; per-problem GROUP BY ${ms(median(perRow))} ms`,
    );
  }

  // The weekly ranking. Publishing a week (scoring it and keeping the result) happens once, on
  // the first read after the week ends; every later read reads the kept result. Both measured:
  // publishing against the three scoring statements, reading against the statements a read runs.
  const scheme = await latestScheme(db, 'weekly');
  const kpis = rulesIndicators(scheme.rules).map((id) => kpiById(id)!) as Kpi[];
  const week = weekOf(undefined, end);
  const weights = scheme.rules.sourceWeights;
  const wq = { from: week.from, to: week.to, asOf: week.to, viewer: CITY_WIDE_VIEWER, within: null };
  const kinds = ['unit', 'community', 'street'] as const;
  const rankingSeq = async () => {
    for (const k of kinds) await fetchOk(`/api/rankings?kind=${k}&week=${week.weekStart}`);
  };
  await rankingSeq(); // publishes the week and the week before, as in use
  const lastWeekStart = beijingDay(new Date(week.from.getTime() - 7 * 86400_000));
  const publish: number[] = [],
    publishFloor: number[] = [],
    read: number[] = [],
    readFloor: number[] = [];
  const readStatements = async () => {
    // what one read of a published week runs per kind: the scheme, this week's and last week's kept result
    for (const k of kinds) {
      await db.query(
        `SELECT id, code, version, name_zh, name_en, rules, created_at FROM ranking_schemes WHERE code = $1 ORDER BY version DESC LIMIT 1`,
        ['weekly'],
      );
      for (const w of [week.weekStart, lastWeekStart]) {
        await db.query(
          `SELECT entries, computed_at FROM ranking_snapshots WHERE scheme_id = $1 AND entity_kind = $2 AND week_start = $3::date`,
          [scheme.id, k, w],
        );
      }
    }
  };
  for (let r = 0; r < rounds; r++) {
    publishFloor.push(
      await time(async () => {
        for (const k of kinds) {
          const s = figuresStatement(k, kpis, wq, weights);
          await db.query(s.text, s.values);
        }
      }),
    );
    await db.query('DELETE FROM ranking_snapshots WHERE week_start = $1::date', [week.weekStart]);
    publish.push(await time(rankingSeq));
    readFloor.push(await time(readStatements));
    read.push(await time(rankingSeq));
  }
  const naive = await time(async () => {
    for (const k of kinds) await db.query(naiveSql(k, kpis, true), [...figuresStatement(k, kpis, wq, weights).values]);
  });
  // The issue's floor for the ranking is the scoring (the weighted figures of the week); a read
  // of a published week runs only the scheme and the two kept weeks per kind (its own floor).
  row(
    `weekly ranking read, units + communities + streets, week published (native, ${size}, week ${week.weekStart}; goal ≤ 2× floor)`,
    ms(median(read)),
    ms(p95(read)),
    ms(median(publishFloor)),
    (median(read) / median(publishFloor)).toFixed(2) + '×',
    `floor = the three scoring statements; the read's own SQL (scheme + 2 kept weeks per kind) ${ms(median(readFloor))} ms = ${(median(read) / median(readFloor)).toFixed(2)}×`,
  );
  row(
    `  publishing the week (first read after it ends: score, keep, read back), units + communities + streets`,
    ms(median(publish)),
    ms(p95(publish)),
    ms(median(publishFloor)),
    (median(publish) / median(publishFloor)).toFixed(2) + '×',
    `floor = the three scoring statements; naive join ${ms(naive)} ms`,
  );

  // Coverage gaps: uncached after an area change (the version bump a write makes), then cached.
  const uncached: number[] = [],
    cached: number[] = [],
    overlay: number[] = [];
  for (let r = 0; r < Math.min(rounds, 3); r++) {
    overlay.push(await time(() => db.query('SELECT coverage_geometry(1)')));
    await db.query('UPDATE areas_version SET version = version + 1');
    uncached.push(await time(() => fetchOk('/api/coverage/gaps')));
    cached.push(await time(() => fetchOk('/api/coverage/gaps')));
  }
  row(
    `coverage gaps, uncached (native, ${c!.grids} grids)`,
    ms(median(uncached)),
    ms(p95(uncached)),
    ms(median(overlay)),
    (median(uncached) / median(overlay)).toFixed(2) + '×',
    'floor = the overlay alone',
  );
  row(
    `coverage gaps, cached until an area changes (native, ${c!.grids} grids)`,
    ms(median(cached)),
    ms(p95(cached)),
    '',
    '',
    '',
  );
  await app.close();
}

/**
 * The same figures with the stored id replaced by a live spatial join: what every figure would
 * cost if problems were not routed at write time. Units go through the grid and the lead unit in
 * force when the problem was reported.
 */
export function naiveSql(level: Level, kpis: readonly Kpi[], weighted = false): string {
  const sql = figuresSql(level, kpis, weighted);
  if (level === 'unit') {
    return sql.replace('SELECT coalesce(p.assignee_unit_id, p.lead_unit_id) AS k', 'SELECT s.unit_id AS k').replace(
      'FROM problems p',
      `FROM problems p JOIN areas a ON a.level = 'grid' AND ST_Intersects(a.geom, p.location)
        LEFT JOIN assignments s ON s.area_id = a.id AND s.role = 'lead' AND assignment_in_force(s.valid_from, s.valid_to, p.reported_at)`,
    );
  }
  if (level === 'county') throw new Error('the county is one group: no join to compare');
  return sql
    .replace(`SELECT p.${level}_id AS k`, 'SELECT a.id AS k')
    .replace(
      'FROM problems p',
      `FROM problems p JOIN areas a ON a.level = '${level}' AND ST_Intersects(a.geom, p.location)`,
    );
}

// States and sources in roughly the shares a campaign year leaves behind (most closed).
const STATES = `ARRAY['closed','closed','closed','closed','closed','closed','assigned','assigned','fixed','verified','reported','suspended','invalid']::problem_state[]`;
const SOURCES = `ARRAY['patrol','patrol','patrol','inspection','citizen','camera','undercover','higher_level']::problem_source[]`;

/**
 * Fills the database up to BENCH_PROBLEMS problems in one transaction, set-based: points drawn
 * inside each grid (ST_GeneratePoints, seeded), so every problem is routed by join to its grid,
 * community, street, area code and the grid's lead unit; times over the year before now in
 * arrival order, with a deadline 1–3 days after assignment, fixes and closes around it
 * (closed_on_time as the loop decides it), counters at plausible rates; each problem's event chain
 * (report, verify or reject, assign, suspend, fix, accept) with seq = version; and the per-day
 * aggregate rebuilt from the rows by the migration's own function (its trigger is off meanwhile,
 * as are the secondary indexes, which are built again sorted).
 */
async function fillProblems(db: Db, row: Row) {
  const {
    rows: [have],
  } = await db.query<{ n: number; grids: number }>(
    `SELECT (SELECT count(*)::int FROM problems) AS n, (SELECT count(*)::int FROM areas WHERE level = 'grid') AS grids`,
  );
  const need = TARGET - have!.n;
  if (need <= 0) return;
  const perGrid = Math.ceil(need / have!.grids);
  const now = new Date();
  const t0 = performance.now();
  const steps: string[] = [];
  const step = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await fn();
    steps.push(`${label} ${((performance.now() - t) / 1000).toFixed(1)} s`);
    return out;
  };
  const inserted = await db.transaction(async (tx) => {
    await tx.query(`SELECT setseed(0.20261205)`);
    const { rows: leaves } = await tx.query<{ id: number }>(
      `SELECT id FROM problem_categories WHERE level = 3 AND active ORDER BY code`,
    );
    if (!leaves.length) throw new Error('no problem categories (level 3) to file problems under: run the migrations');
    const load = await prepareBulkLoad(
      tx,
      ['problems', 'problem_events'],
      new Date(now.getTime() - 366 * 86_400_000),
      now,
    );
    const n = await step('problems', async () => {
      const { rows } = await tx.query<{ n: number }>(
        `
        WITH lead AS (
          SELECT DISTINCT ON (s.area_id) s.area_id, s.unit_id FROM assignments s
          WHERE s.role = 'lead' AND assignment_in_force(s.valid_from, s.valid_to, $2::timestamptz)
          ORDER BY s.area_id, s.valid_from DESC
        ), pts AS (
          SELECT g.id AS grid_id, g.parent_id AS community_id, c.parent_id AS street_id, g.code, l.unit_id,
                 (ST_Dump(ST_GeneratePoints(g.geom, $1, g.id))).geom AS pt
          FROM areas g JOIN areas c ON c.id = g.parent_id LEFT JOIN lead l ON l.area_id = g.id WHERE g.level = 'grid'
        ), r AS (
          SELECT pts.*, row_number() OVER () AS i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7
          FROM pts
        ), x AS (
          SELECT r.*, (${STATES})[1 + floor(r.r3 * 13)::int] AS state, $2::timestamptz - r.r1 * interval '365 days' AS reported_at,
                 interval '1 day' * (1 + floor(r.r4 * 3)) AS allowed, interval '1 hour' * (2 + r.r5 * 90) AS took
          FROM r WHERE r.i <= $4
        ), y AS (
          SELECT x.*,
                 x.state NOT IN ('reported', 'invalid') AS filed,
                 x.state IN ('assigned', 'fixed', 'suspended', 'closed') AS assigned,
                 x.state IN ('fixed', 'closed') AS fixed,
                 x.reported_at + interval '2 hours' AS assigned_at
          FROM x
        )
        INSERT INTO problems (id, street_code, category_id, source, description, location, reported_at, grid_id, community_id, street_id,
                              area_code, lead_unit_id, state, urgent, verified_at, assigned_at, deadline, fixed_at, closed_at,
                              closed_on_time, suspended_at, rework_count, return_count, supervision_count, accountability_count,
                              cycle, version, updated_at)
        SELECT problem_new_id(y.reported_at), left(y.code, 9), ($3::int[])[1 + floor(y.r6 * cardinality($3::int[]))::int],
               (${SOURCES})[1 + floor(y.r2 * 8)::int], 'bench problem', y.pt, y.reported_at,
               y.grid_id, y.community_id, y.street_id, y.code, y.unit_id, y.state, y.r4 < 0.05,
               CASE WHEN y.filed THEN y.reported_at + interval '1 hour' END,
               CASE WHEN y.assigned THEN y.assigned_at END,
               CASE WHEN y.assigned THEN y.assigned_at + y.allowed END,
               CASE WHEN y.fixed THEN y.assigned_at + y.took END,
               CASE WHEN y.state = 'closed' THEN y.assigned_at + y.took + interval '6 hours' END,
               CASE WHEN y.state = 'closed' THEN y.took <= y.allowed END,
               CASE WHEN y.state = 'suspended' THEN y.assigned_at + interval '1 day' END,
               CASE WHEN y.fixed AND y.r5 < 0.1 THEN 1 ELSE 0 END,
               CASE WHEN y.assigned AND y.r7 < 0.05 THEN 1 ELSE 0 END,
               CASE WHEN y.assigned AND y.took > y.allowed THEN 1 ELSE 0 END,
               CASE WHEN y.assigned AND y.took > y.allowed + interval '1 day' THEN 1 ELSE 0 END,
               CASE WHEN y.assigned THEN 1 ELSE 0 END,
               1 + (CASE WHEN y.state <> 'reported' THEN 1 ELSE 0 END) + (CASE WHEN y.assigned THEN 1 ELSE 0 END)
                 + (CASE WHEN y.state = 'suspended' THEN 1 ELSE 0 END) + (CASE WHEN y.fixed THEN 1 ELSE 0 END)
                 + (CASE WHEN y.state = 'closed' THEN 1 ELSE 0 END),
               y.reported_at
        FROM y
        ORDER BY y.reported_at
        RETURNING 1`,
        [perGrid, now, leaves.map((l) => l.id), need],
      );
      return rows.length;
    });
    await step('events', () =>
      tx.query(`
        INSERT INTO problem_events (problem_id, seq, action, from_state, to_state, at)
        SELECT p.id, row_number() OVER (PARTITION BY p.id ORDER BY e.o), e.action, e.from_state, e.to_state, e.at
        FROM problems p CROSS JOIN LATERAL (VALUES
          (1, 'report', NULL::problem_state, 'reported'::problem_state, p.reported_at),
          (2, CASE WHEN p.state = 'invalid' THEN 'reject' ELSE 'verify' END, 'reported', CASE WHEN p.state = 'invalid' THEN 'invalid' ELSE 'verified' END::problem_state,
              CASE WHEN p.state <> 'reported' THEN coalesce(p.verified_at, p.reported_at + interval '1 hour') END),
          (3, 'assign', 'verified', 'assigned', p.assigned_at),
          (4, 'approve_suspension', 'assigned', 'suspended', p.suspended_at),
          (5, 'fix', 'assigned', 'fixed', p.fixed_at),
          (6, 'accept', 'fixed', 'closed', p.closed_at)
        ) AS e (o, action, from_state, to_state, at)
        WHERE e.at IS NOT NULL AND p.description = 'bench problem' AND NOT EXISTS (SELECT 1 FROM problem_events x WHERE x.problem_id = p.id)`),
    );
    await load.finish(step);
    await step('aggregate', () => tx.query('SELECT problem_day_counts_rebuild()'));
    return n;
  });
  row(
    `load ${inserted.toLocaleString('en')} problems + event chains + day counts via SQL (native, ${perGrid} per grid; ${steps.join(', ')})`,
    '',
    '',
    ms((performance.now() - t0) / 1000) + ' s',
    '',
    '',
  );
}

/**
 * Alone: `npx tsx tests/bench/figures.ts [database]` (default wangge_h_figures_bench) on the
 * server of BENCH_DATABASE_URL / TEST_DATABASE_URL. Creates the database with a demo city of
 * BENCH_GRIDS grids (10,000) when it does not exist, fills it to BENCH_PROBLEMS, and prints the
 * figures rows; a second run reuses the loaded database.
 */
async function main() {
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!url) throw new Error('set BENCH_DATABASE_URL to a PostgreSQL + PostGIS server');
  const name = process.argv[2] ?? process.env.BENCH_FIGURES_DB ?? 'wangge_h_figures_bench';
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a database name: ${name}`);
  const rows: string[][] = [];
  const row: Row = (...cells) => {
    rows.push(cells.map(String));
    console.log(cells.filter((x) => x !== '').join(' | '));
  };
  const db = await keptDatabase(url, name);
  try {
    await migrate(db);
    const { rows: a } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas`);
    if (!a[0]!.n) {
      const t = performance.now();
      const city = await seedDemo(db, { grids: Number(process.env.BENCH_GRIDS ?? 10_000) });
      row('seed demo city via importer (native)', `${city.grids} grids`, '', ms((performance.now() - t) / 1000) + ' s');
    }
    row(
      `load average at the start ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' / ')}`,
    );
    await figuresBench(db, row, Number(process.env.BENCH_ROUNDS ?? 5));
    row(
      `load average at the end ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' / ')}`,
    );
  } finally {
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
