import type { Config } from '../../api/config';
import type { Db, Queryable } from '../../api/db/types';
import type { Preparer } from '../../api/server';
import { bulkInsertProblems, type BulkSummary } from './problems-bulk';
import { demoNow } from './day';
import { seedDemoAssessment } from './assessment';
import { formatAccounts, seedDemoAccountsIfNone, seedDemoIfEmpty } from './seed';

const DAY = 86400_000;
export const DEMO_PROBLEM_SEED = 20261125;
/** how much of the first start's progress bar the city takes; the problems take the rest */
const CITY_SHARE = 0.4;

export interface DemoProblemsBulkOptions {
  count: number;
  /** the app clock's now: the history ends at the start of its Beijing day (demoNow) */
  now: Date;
  seed?: number;
  days?: number;
  /** problems per step of the progress (default 1,000) */
  chunk?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * A first start's problems: the plans the CLI replays through the services
 * (data/demo/problems-seed.ts, seedDemoProblemsFor), written set-based by the bulk writer, which
 * runs each problem through the same pure state machine (api/domain/problem-machine.ts) and
 * mirrors the hourly sweep — seconds instead of minutes for 5,000 problems.
 * tests/api/demo-first-start.test.ts checks both give the same problems, events and notices. All
 * chunks in ONE transaction, so a crash leaves no half-written history; only into a database
 * without problems, so a deployment's own are never mixed with demo ones.
 */
export async function seedDemoProblemsBulkIfNone(
  db: Db,
  options: DemoProblemsBulkOptions,
): Promise<BulkSummary | null> {
  if (options.count <= 0) return null;
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM problems');
  if ((rows[0]?.n ?? 0) > 0) return null;
  const to = demoNow(options.now).getTime();
  return db.transaction((tx) =>
    bulkInsertProblems(inside(db, tx), {
      count: options.count,
      from: to - (options.days ?? 90) * DAY,
      to,
      seed: options.seed ?? DEMO_PROBLEM_SEED,
      chunk: options.chunk ?? 1000,
      workers: 1,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }),
  );
}

/** A Db whose transactions are the one already open (the writer's chunks run inside it). */
function inside(db: Db, tx: Queryable): Db {
  return {
    kind: db.kind,
    query: tx.query.bind(tx),
    exec: tx.exec.bind(tx),
    transaction: (fn) => fn(tx),
    close: async () => {},
    listen: (c, f) => db.listen(c, f),
  };
}

/**
 * The demo wired into the server (data/demo/start.ts): on a first start (no areas) the demo city,
 * its accounts and its problems, at the app clock's now; on a later start, demo accounts if the
 * database has none. Runs after the server listens, reporting its progress.
 */
export function demoPreparer(): Preparer {
  return {
    what: { zh: '示范城市', en: 'the demo city' },
    async run({
      db,
      clock,
      config,
      progress,
    }: {
      db: Db;
      clock: { now(): Date };
      config: Config;
      progress: (share: number) => void;
    }) {
      if (!config.demo) return;
      const started = performance.now();
      const seeded = await seedDemoIfEmpty(db, {
        grids: config.demoGrids,
        now: clock.now(),
        onProgress: (s) => progress(s * CITY_SHARE),
      });
      if (!seeded) {
        const accounts = await seedDemoAccountsIfNone(db);
        if (accounts.length)
          console.log(`Demo accounts (username, password, role, name, scope):\n${formatAccounts(accounts)}`);
        return;
      }
      progress(CITY_SHARE);
      console.log(
        `Seeded the demo city: ${seeded.grids} grids in ${seeded.communities} communities, ${seeded.streets} streets (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
      if (seeded.accounts.length)
        console.log(`Demo accounts (username, password, role, name, scope):\n${formatAccounts(seeded.accounts)}`);
      if (config.demoProblems > 0)
        console.log(`Writing ${config.demoProblems} demo problems (WANGGE_DEMO_PROBLEMS; 0 for none)…`);
      const problems = await seedDemoProblemsBulkIfNone(db, {
        count: config.demoProblems,
        now: clock.now(),
        onProgress: (done, total) => progress(CITY_SHARE + (1 - CITY_SHARE) * (done / total)),
      });
      if (problems) {
        const { rows } = await db.query<{ state: string; n: number }>(
          'SELECT state::text AS state, count(*)::int AS n FROM problems GROUP BY 1 ORDER BY 1',
        );
        const states = rows.map((r) => `${r.state} ${r.n}`).join(', ');
        console.log(
          `Seeded ${problems.problems} demo problems (${states}; ${problems.notices} notices) in ${(problems.ms.total / 1000).toFixed(1)} s`,
        );
      }
      // a small assessment history (points, two rounds, ledgers, surveys): docs/ASSESSMENT.md
      const t0 = performance.now();
      const assessment = await seedDemoAssessment(db, clock.now());
      if (assessment)
        console.log(
          `Seeded ${assessment.points} inspection points and ${assessment.rounds} assessment rounds in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
        );
    },
  };
}
