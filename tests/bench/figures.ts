import type { Db } from '../../api/db/types';
import { buildApp } from '../../api/app';
import { hashPassword } from '../../api/auth/passwords';
import { kpiById, type Kpi } from '../../api/domain/kpi';
import { rulesIndicators } from '../../api/domain/ranking';
import { figuresSql, type Level } from '../../api/repositories/figures';
import { latestScheme, weekOf } from '../../api/services/rankings';
import { benchSession, median, p95 } from './tiles';

type Row = (...cells: (string | number)[]) => void;
const ms = (x: number) => x.toFixed(2);
const TARGET = Number(process.env.BENCH_PROBLEMS ?? 1_000_000);

/**
 * Figures at city scale (issue 5): issues per grid for a week, a month and a year, and the full
 * weekly ranking (units, communities, streets), each through the HTTP API against the same SQL
 * run directly (the floor) and against the naive live spatial join (ST_Intersects problems ×
 * areas) in the same run; then coverage gaps uncached and cached.
 *
 * Takes a database holding the demo city. When it holds fewer than BENCH_PROBLEMS problems and
 * data/demo/problems-bulk.ts exports bulkInsertProblems(db, { count, from, to, seed }), it is filled
 * through that writer first (the demo's own code path); otherwise the problems already there are
 * used, and the table says how many there were.
 */
export async function figuresBench(db: Db, row: Row, rounds = 5) {
  await fillProblems(db, row);
  // Problems arrive in time order in production, so a period's rows sit together on disk. A bulk
  // writer that shuffles them would measure random I/O instead: restore arrival order (said so).
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
  const {
    rows: [c],
  } = await db.query<{ grids: number; problems: number; last: Date }>(
    `SELECT (SELECT count(*)::int FROM areas WHERE level = 'grid') AS grids, (SELECT count(*)::int FROM problems) AS problems,
            (SELECT max(reported_at) FROM problems) AS last`,
  );
  if (!c!.problems) throw new Error('figures bench: the database holds no problems (seed them first)');
  const size = `${c!.grids} grids, ${c!.problems.toLocaleString('en')} problems`;

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

  // Issues per grid: the figure the command center's choropleth asks for most.
  const found = [kpiById('found')!] as Kpi[];
  const end = new Date(new Date(c!.last).getTime() + 1);
  for (const [label, days] of [
    ['week', 7],
    ['month', 30],
    ['year', 365],
  ] as const) {
    const from = new Date(end.getTime() - days * 86400_000);
    const params = [from, end, end, 'admin', null, null, null];
    const url = `/api/figures?level=grid&indicators=found&from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(end.toISOString())}&asOf=${encodeURIComponent(end.toISOString())}`;
    const api: number[] = [],
      floor: number[] = [];
    for (let r = 0; r < rounds; r++) {
      floor.push(await time(() => db.query(figuresSql('grid', found), params)));
      api.push(await time(() => fetchOk(url)));
    }
    const naive = await time(() => db.query(naiveSql('grid', found), params));
    row(
      `issues per grid, ${label} (native, ${size}, ${rounds} rounds)`,
      ms(median(api)),
      ms(p95(api)),
      ms(median(floor)),
      (median(api) / median(floor)).toFixed(2) + '×',
      `naive join ${ms(naive)} ms = ${(naive / median(api)).toFixed(0)}× the API`,
    );
  }

  // The full weekly ranking: three kinds, scored, with last week read back. The ranked week is
  // dropped before each API round so that every round computes it, as the first reader does.
  const scheme = await latestScheme(db, 'weekly');
  const kpis = rulesIndicators(scheme.rules).map((id) => kpiById(id)!) as Kpi[];
  const week = weekOf(undefined, end);
  const wparams = [week.from, week.to, week.to, 'admin', null, null, null, JSON.stringify(scheme.rules.sourceWeights)];
  const kinds = ['unit', 'community', 'street'] as const;
  const api: number[] = [],
    floor: number[] = [];
  for (const k of kinds) await fetchOk(`/api/rankings?kind=${k}&week=${week.weekStart}`); // keeps last week, as in use
  for (let r = 0; r < rounds; r++) {
    floor.push(
      await time(async () => {
        for (const k of kinds) await db.query(figuresSql(k, kpis, true), wparams);
      }),
    );
    await db.query('DELETE FROM ranking_snapshots WHERE week_start = $1::date', [week.weekStart]);
    api.push(
      await time(async () => {
        for (const k of kinds) await fetchOk(`/api/rankings?kind=${k}&week=${week.weekStart}`);
      }),
    );
  }
  const naive = await time(async () => {
    for (const k of kinds) await db.query(naiveSql(k, kpis, true), wparams);
  });
  row(
    `weekly ranking, units + communities + streets (native, ${size}, week ${week.weekStart})`,
    ms(median(api)),
    ms(p95(api)),
    ms(median(floor)),
    (median(api) / median(floor)).toFixed(2) + '×',
    `naive join ${ms(naive)} ms = ${(naive / median(api)).toFixed(0)}× the API`,
  );
  row('  (each API round scores and keeps the week afresh, reading last week back as published)', '', '', '', '', '');

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

async function fillProblems(db: Db, row: Row) {
  const {
    rows: [n],
  } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM problems');
  if (n!.n >= TARGET) return;
  const mod = (await import('../../data/demo/problems-bulk')) as Record<string, unknown>;
  const bulk = mod.bulkInsertProblems as
    ((db: Db, o: { count: number; from: Date; to: Date; seed: number }) => Promise<unknown>) | undefined;
  if (!bulk) {
    console.warn(
      `figures bench: ${n!.n} problems and no bulkInsertProblems in data/demo/problems-bulk.ts: measuring what is there`,
    );
    return;
  }
  const to = new Date();
  const t = performance.now();
  await bulk(db, { count: TARGET - n!.n, from: new Date(to.getTime() - 365 * 86400_000), to, seed: 20261125 });
  row(
    `write ${(TARGET - n!.n).toLocaleString('en')} problems over a year via the demo's bulk writer (native, routing, events, notices)`,
    '',
    '',
    ms((performance.now() - t) / 1000) + ' s',
    '',
    '',
  );
}
