import { pathToFileURL } from 'node:url';
import { freshDatabase } from './fresh-db';
import { migrate } from '../../api/db/migrate';
import type { Db } from '../../api/db/types';
import { seedDemo } from '../../data/demo/seed';
import { zoneDraftsRepository } from '../../api/repositories/zone-drafts';
import { createDraft } from '../../api/services/zone-drafts';
import { draftBalance } from '../../api/services/zone-draft-balance';
import { prepareAutoBalance } from '../../api/services/zone-autobalance';
import { median } from './tiles';

type Row = (...cells: (string | number)[]) => void;
const ms = (x: number) => x.toFixed(2);

/**
 * The zone editor (issue 13), native only, on its own database (`dbName`, dropped and created): the balance
 * table recomputed after an edit at 300 and 10,000 grids (goal ≤ 100 ms / ≤ 1 s) against the SQL
 * floor (the per-grid problem and patrol counts alone), and auto-balance at 300 grids / 20 units
 * and 10,000 grids / 300 units (goal ≤ 5 s / ≤ 60 s) with the balance index before and after.
 * The leads are rewritten first: units take consecutive runs of grid codes of unequal lengths,
 * so the zones are contiguous but unbalanced, as a city after a few years of patchwork.
 */
export async function zonesBench(url: string, row: Row, dbName = 'wangge_bench_zones', rounds = 5) {
  if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new Error(`not a database name: ${dbName}`);
  for (const [grids, units] of [
    [300, 20],
    [10_000, 300],
  ] as const) {
    const db = await freshDatabase(url, dbName);
    try {
      await migrate(db);
      const city = await seedDemo(db, { grids });
      await unbalancedLeads(db, units);
      await db.query('ANALYZE');
      const author = (await db.query<{ id: number }>(`SELECT id FROM users ORDER BY id LIMIT 1`)).rows[0]!;
      const now = new Date();
      const moved = (await db.query<{ id: number }>(`SELECT id FROM areas WHERE level = 'grid' ORDER BY code LIMIT 5`))
        .rows;
      const target = (await db.query<{ id: number }>(`SELECT id FROM units ORDER BY id DESC LIMIT 1`)).rows[0]!;
      const draft = await createDraft(
        db,
        author,
        { name: 'bench', changes: moved.map((g) => ({ areaId: g.id, lead: target.id })) },
        now,
      );
      let t = performance.now();
      await draftBalance(db, draft.id, now, null); // the first computes the adjacency (once per areas version)
      const first = performance.now() - t;
      const api: number[] = [];
      const floor: number[] = [];
      for (let r = 0; r < rounds; r++) {
        t = performance.now();
        await zoneDraftsRepository(db).gridLoads(now, null);
        floor.push(performance.now() - t);
        t = performance.now();
        await draftBalance(db, draft.id, now, null);
        api.push(performance.now() - t);
      }
      row(
        `zone balance table after an edit (native), goal ${grids <= 300 ? '≤ 100 ms' : '≤ 1 s'}`,
        `${city.grids} grids`,
        ms(median(api)) + ' ms',
        ms(median(floor)) + ' ms',
        `first (adjacency) ${ms(first)} ms`,
        '',
      );

      const job = await prepareAutoBalance(db, draft.id, { seed: 1 }, author, now);
      t = performance.now();
      const res = await job.run(() => {});
      const took = performance.now() - t;
      row(
        `zone auto-balance in a worker (native), goal ${grids <= 300 ? '≤ 5 s' : '≤ 60 s'}`,
        `${city.grids} grids / ${job.input.units.length} units`,
        ms(took / 1000) + ' s',
        '',
        `index ${res.result.indexBefore.toFixed(1)} → ${res.result.indexAfter.toFixed(1)}`,
        `${res.result.moves} swaps, ${res.result.passes} passes`,
      );
    } finally {
      await db.close();
    }
  }
}

/** Every grid's units rewritten (support ones dropped): `units` units take runs of consecutive codes, run i ∝ i + 2. */
async function unbalancedLeads(db: Db, units: number) {
  await db.query(`DELETE FROM assignments WHERE unit_id IS NOT NULL`);
  const have = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM units`)).rows[0]!.n;
  for (let i = have; i < units; i++)
    await db.query(`INSERT INTO units (code, name, type) VALUES ($1, $2, 'county')`, [`ZB${i}`, `均衡测试单位${i}`]);
  await db.query(
    `
    WITH u AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM units ORDER BY id LIMIT $1),
    w AS (SELECT k, sum(k + 2) OVER (ORDER BY k) AS upto, sum(k + 2) OVER () AS total FROM u),
    g AS (SELECT id, row_number() OVER (ORDER BY code) AS r, count(*) OVER () AS n FROM areas WHERE level = 'grid')
    INSERT INTO assignments (area_id, area_level, role, unit_id, valid_from)
    SELECT g.id, 'grid', 'lead', u.id, now() - interval '1 year'
    FROM g CROSS JOIN LATERAL (
      SELECT w.k FROM w WHERE w.upto >= g.r::numeric * w.total / g.n ORDER BY w.k LIMIT 1) pick
    JOIN u ON u.k = pick.k`,
    [units],
  );
}

// run alone: BENCH_DATABASE_URL=postgres://… npx tsx tests/bench/zones.ts wangge_h_zones_bench
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('set BENCH_DATABASE_URL');
  const out: string[][] = [];
  await zonesBench(url, (...cells) => out.push(cells.map(String)), process.argv[2]);
  for (const r of out) console.log(`| ${r.join(' | ')} |`);
  process.exit(0);
}
