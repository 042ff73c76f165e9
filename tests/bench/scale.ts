/**
 * Scale (issue 15, docs/SCALE.md): a demo city of BENCH_GRIDS grids (100,000) and BENCH_PROBLEMS
 * problems (10,000,000) on native PostgreSQL, problems and events partitioned by month (migration
 * 025). States how long the load took (seeding the city through the importer; problems, their
 * event chains and the per-day aggregate through the set-based loader of tests/bench/figures.ts),
 * how the rows spread over the monthly partitions, then the figures rows (issues per grid for a
 * week, month and year against their SQL floor and the naive join, the weekly ranking) and the
 * problem tiles z10–z16 against theirs.
 *
 *   BENCH_DATABASE_URL=postgres://…/postgres npx tsx tests/bench/scale.ts [database]
 *
 * (default database wangge_bench_scale; kept between runs: a second run measures without
 * loading again). `npm run bench` runs it when BENCH_SCALE=1 — hours on 2 cores.
 */
import { pathToFileURL } from 'node:url';
import { loadavg } from 'node:os';
import { migrate } from '../../api/db/migrate';
import { seedDemo } from '../../data/demo/seed';
import { problemPartitionsRepository } from '../../api/repositories/problem-partitions';
import { keptDatabase } from './fresh-db';

type Row = (...cells: (string | number)[]) => void;

/** Run in a process of its own (`npm run bench` spawns one): the loaders read BENCH_PROBLEMS when they are first imported. */
export async function scaleBench(url: string, row: Row, name = 'wangge_bench_scale') {
  process.env.BENCH_GRIDS ??= '100000';
  process.env.BENCH_PROBLEMS ??= '10000000';
  const { figuresBench } = await import('./figures');
  const { problemTilesBench } = await import('./problems-tiles');
  const db = await keptDatabase(url, name);
  try {
    await migrate(db);
    const { rows: a } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas WHERE level = 'grid'`);
    if (!a[0]!.n) {
      const t = performance.now();
      const city = await seedDemo(db, { grids: Number(process.env.BENCH_GRIDS) });
      await db.query('ANALYZE');
      row(
        `seed demo city via importer (native, ${city.grids.toLocaleString('en')} grids)`,
        '',
        '',
        ((performance.now() - t) / 1000).toFixed(1) + ' s',
        '',
        '',
      );
    }
    // figures first: its loader writes problems with their event chains and the day counts
    await figuresBench(db, row, Number(process.env.BENCH_ROUNDS ?? 3));
    const parts = await problemPartitionsRepository(db).list();
    const filled = parts.filter((p) => p.estimatedRows > 0);
    const most = Math.max(...filled.map((p) => p.estimatedRows));
    row(
      `problems in ${filled.length} monthly partitions of ${parts.length} (largest ≈ ${Math.round(most).toLocaleString('en')} rows)`,
      '',
      '',
      '',
      '',
      '',
    );
    await problemTilesBench(db, row, Number(process.env.BENCH_ROUNDS ?? 3));
  } finally {
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('set BENCH_DATABASE_URL to a PostgreSQL + PostGIS server whose user may create databases');
  const t = performance.now();
  const at = loadavg();
  const row: Row = (...cells) => console.log(`| ${cells.join(' | ')} |`);
  await scaleBench(url, row, process.argv[2]);
  console.log(
    `scale bench: ${((performance.now() - t) / 60_000).toFixed(1)} min, load average ${at.map((x) => x.toFixed(1)).join(' / ')} at the start, ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' / ')} at the end`,
  );
  process.exit(0);
}
