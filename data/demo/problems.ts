import { preparePlan, streamOf, type PlanContext } from './problem-plan/context';
import { planDuplicate } from './problem-plan/duplicate';
import { withFixPositions } from './problem-plan/fix-position';
import { planLife } from './problem-plan/life';
import { P } from './problem-plan/shares';
import type { PlanCategory, PlanCity, PlannedProblem, PlanOptions, ProblemPlan } from './problem-plan/types';

/**
 * The demo city's problems as a PLAN: for each problem a place, a category, a source and the
 * list of steps of its life (report, verify, assign, fix, accept, revisit, side paths) at
 * increasing instants. Pure and deterministic in (seed, city, categories, window): problem i
 * draws from its own stream, so the first N plans are the same whatever the count, and a chunk
 * of a million-problem plan can be made without the rest. Two writers replay it: through the
 * services users use (data/demo/problems-seed.ts) and with set-based SQL for benchmarks
 * (data/demo/problems-bulk.ts). The planner's parts live in data/demo/problem-plan/ (types, text
 * tables, geometry, preparing the city, one problem's life, duplicates); this file is its entry.
 */

export * from './problem-plan/types';
export { preparePlan, type PlanContext };

/** Plan of problem i (0-based). */
export function planProblem(ctx: PlanContext, i: number): PlannedProblem {
  const rng = streamOf(ctx, i);
  const dup = rng() < P.duplicate;
  if (dup) {
    const d = planDuplicate(ctx, i, rng);
    if (d) return d;
  }
  // the device positions of its fixes draw from their own stream: no other draw moves
  return withFixPositions(ctx.seed, planLife(ctx, i, rng));
}

/** The first `count` plans. */
export function planProblems(
  city: PlanCity,
  categories: PlanCategory[],
  options: PlanOptions & { count: number },
): ProblemPlan {
  const ctx = preparePlan(city, categories, options);
  return {
    seed: ctx.seed,
    from: ctx.from,
    to: ctx.to,
    problems: Array.from({ length: options.count }, (_, i) => planProblem(ctx, i)),
  };
}
