import type { Db, Queryable } from '../../api/db/types';
import { controllableClock, type ControllableClock } from '../../api/domain/clock';
import { demoNow } from './day';
import { planProblems, type ProblemPlan } from './problems';
import { loadPlanCategories, loadPlanCity } from './problem-seed/load-city';
import { replayIn, type DemoProblemsSummary } from './problem-seed/replay';

/**
 * The demo city's problems written through the services users use: every report is routed and
 * recorded by the code behind POST /api/problems at its own instant, every step goes through
 * the code behind POST /api/problems/:id/actions/:action (state machine, scope, role, version,
 * events, photos) by an account of the right role, and the overdue sweep runs at every
 * simulated hour, so notices come out as they would have in real time. The clock is set to
 * each step's instant before it is taken. This file is the entry (the plan for the city in the
 * database, the replay in one transaction); its parts are in data/demo/problem-seed/ (reading
 * the city, the accounts, who acts, the replay, the decisions both writers share).
 */

export { loadPlanCategories, loadPlanCity, type DemoProblemsSummary };
export { Actors } from './problem-seed/actors';
export {
  chooseAssignee,
  demoPhotoPool,
  handlerUnit,
  type PhotoPool,
  type RoutedUnits,
} from './problem-seed/writers-share';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface DemoProblemOptions {
  seed?: number;
  /**
   * "now": the window ends at the start of its Beijing day (demoNow), so any instant of one day
   * plans the same problems; default the system clock
   */
  now?: Date;
  /** days of history before `now`, default 90 */
  days?: number;
  /** default 5,000 */
  count?: number;
  /** called every 1,000 steps with the steps done and the total */
  onProgress?: (done: number, total: number) => void;
}

/** The plan for the city in the database: ~5,000 problems over the 90 days before `now`'s day. */
export async function planDemoProblems(q: Queryable, options: DemoProblemOptions = {}): Promise<ProblemPlan> {
  const now = demoNow(options.now ?? new Date()).getTime();
  const [city, categories] = [await loadPlanCity(q), await loadPlanCategories(q)];
  return planProblems(city, categories, {
    seed: options.seed ?? 20261125,
    from: now - (options.days ?? 90) * DAY,
    to: now,
    count: options.count ?? 5000,
  });
}

/**
 * Replays a plan through recordProblem / applyTransition / sweepOverdue (what reportProblem and
 * transitionProblem do, less reading the problem back for an answer nobody reads), all in one
 * transaction: a crash leaves no half-seeded history, and the embedded database commits once.
 */
export async function seedDemoProblems(
  db: Db,
  plan: ProblemPlan,
  options: { clock: ControllableClock; onProgress?: (done: number, total: number) => void },
): Promise<DemoProblemsSummary> {
  return db.transaction((tx) =>
    replayIn(
      {
        kind: db.kind,
        query: tx.query.bind(tx),
        exec: tx.exec.bind(tx),
        // the services' own transactions run inside this one
        transaction: (fn) => fn(tx),
        close: async () => {},
        listen: (c, f) => db.listen(c, f),
      },
      plan,
      options,
    ),
  );
}

/** First start or the CLI: the plan for the city in the database, replayed through the services. */
export async function seedDemoProblemsFor(db: Db, options: DemoProblemOptions = {}): Promise<DemoProblemsSummary> {
  const now = options.now ?? new Date();
  const plan = await planDemoProblems(db, { ...options, now });
  // the services' clock stands at each step's instant; it is the seed's own, not the app's
  return seedDemoProblems(db, plan, {
    clock: controllableClock(new Date(plan.from)),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
