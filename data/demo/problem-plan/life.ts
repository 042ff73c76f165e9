import { computeDeadline } from '../../../api/domain/deadlines';
import type { Rng } from '../random';
import type { PlanContext } from './context';
import { between, DAY, HOUR, pick, search } from './draw';
import { P, SOURCE_CUMULATIVE, SOURCE_SHARE } from './shares';
import { EXTENSION, REJECT, RETURN, REVISIT_BAD, REVISIT_OK, REWORK, SUSPENSION } from './texts-replies';
import { PLAN_PHOTOS, type PlanAction, type PlannedProblem, type PlanState, type PlanStep } from './types';
import { fill, office, place, reportInstant } from './where-when';

/**
 * Planning one problem's life: the report (source, category, place, description), 立案 or
 * rejection, assignment, then cycles of return, extension or suspension, the fix (in time, late
 * or stuck), acceptance or rework, and the 回头看 that holds or relapses once; then the steps
 * after the window's end are dropped and the state now is worked out (finish).
 */

export function planLife(ctx: PlanContext, i: number, rng: Rng): PlannedProblem {
  const source = SOURCE_SHARE[search(SOURCE_CUMULATIVE, rng())]![0];
  const { cat, group } = ctx.categories[search(ctx.categoryCumulative, rng())]!;
  const where = place(rng, ctx);
  const roadName = where.road && where.road.metres < 300 ? where.road.name : null;
  const num = 1 + Math.floor(rng() * 300);
  const description = fill(rng, pick(rng, group.what), roadName, cat.nameZh, num);
  const address = roadName ? `${roadName}${num}号附近` : null;
  const urgent = cat.urgent || rng() < P.urgentAtReport;
  const deadlineFrom = (at: number) => computeDeadline(new Date(at), cat).getTime();
  const reportedAt = Math.round(reportInstant(rng, ctx, source));

  const steps: PlanStep[] = [{ action: 'report', at: reportedAt, by: 'reporter' }];
  let t = reportedAt;
  /** the next step's instant: after the last one by at least a minute */
  const step = (s: Omit<PlanStep, 'at'>, at: number) => {
    t = Math.max(Math.round(at), t + 60_000);
    steps.push({ ...s, at: t });
  };
  const fixNote = () => pick(rng, group.fix);

  // 立案: within hours in office time; a few neglected for days.
  step(
    { action: rng() < P.invalid ? 'reject' : 'verify', by: 'reviewer' },
    rng() < P.neglected ? t + between(rng, 2, 12) * DAY : office(rng, t + between(rng, 0.3, 6) * HOUR),
  );
  if (steps[1]!.action === 'reject') {
    steps[1]!.reason = pick(rng, REJECT);
    return finish(ctx, {
      index: i,
      lon: where.lon,
      lat: where.lat,
      gridCode: where.gridCode,
      categoryCode: cat.code,
      source,
      description,
      address,
      urgent,
      steps,
    });
  }
  if (!urgent && rng() < P.urgentLater)
    step(
      { action: 'mark_urgent', by: 'reviewer', comment: '群众反映强烈，列为紧急' },
      t + between(rng, 0.05, 1) * HOUR,
    );

  step({ action: 'assign', by: 'reviewer' }, office(rng, t + between(rng, 0.2, 3) * HOUR));
  let deadline = deadlineFrom(t);
  let returned = false,
    reworks = 0,
    relapses = 0;
  for (;;) {
    // one assignment cycle: side paths, then the fix, then acceptance or rework
    const start = t;
    if (!returned && rng() < P.ret) {
      returned = true;
      step({ action: 'return', by: 'unit', reason: pick(rng, RETURN) }, t + between(rng, 0.05, 0.4) * (deadline - t));
      step({ action: 'assign', by: 'reviewer', otherUnit: true }, office(rng, t + between(rng, 0.5, 4) * HOUR));
      deadline = deadlineFrom(t);
      continue;
    }
    if (rng() < P.extension) {
      step(
        { action: 'request_extension', by: 'unit', reason: pick(rng, EXTENSION), extendHours: pick(rng, [24, 48, 72]) },
        start + between(rng, 0.3, 0.7) * (deadline - start),
      );
      const req = steps[steps.length - 1]!;
      if (rng() < P.extensionDenied)
        step(
          { action: 'deny_extension', by: 'reviewer', comment: '理由不充分，请按期整改' },
          office(rng, t + between(rng, 0.5, 6) * HOUR),
        );
      else {
        step({ action: 'approve_extension', by: 'reviewer' }, office(rng, t + between(rng, 0.5, 6) * HOUR));
        deadline += req.extendHours! * HOUR;
      }
    } else if (rng() < P.suspension) {
      step(
        { action: 'request_suspension', by: 'unit', reason: pick(rng, SUSPENSION) },
        start + between(rng, 0.2, 0.6) * (deadline - start),
      );
      if (rng() < P.suspensionDenied)
        step(
          { action: 'deny_suspension', by: 'reviewer', comment: '不符合挂账条件，请继续整改' },
          office(rng, t + between(rng, 1, 12) * HOUR),
        );
      else {
        step({ action: 'approve_suspension', by: 'reviewer' }, office(rng, t + between(rng, 1, 12) * HOUR));
        const suspendedAt = t;
        step(
          { action: 'resume', by: 'reviewer', comment: '挂账条件已消除，恢复整改' },
          office(rng, t + between(rng, 5, 30) * DAY),
        );
        deadline += t - suspendedAt; // the service moves it by the time suspended
      }
    }
    // The fix: mostly in time, some late (supervision, maybe accountability), a few stuck for days.
    const r = rng();
    const fixAt =
      r < P.stuck
        ? deadline + between(rng, 3, 25) * DAY
        : r < P.stuck + P.late
          ? deadline + (0.5 + -Math.log(1 - rng() * 0.999) * 10) * HOUR
          : t + (0.15 + 0.8 * rng() ** 0.8) * Math.max(deadline - t - 60_000, 60_000);
    step(
      {
        action: 'fix',
        by: source === 'patrol' && rng() < P.gridFixes ? 'grid' : 'unit',
        comment: fixNote(),
        photo: Math.floor(rng() * PLAN_PHOTOS),
      },
      fixAt,
    );
    // 验收: a reviewer looks within a day or so; sometimes it is not good enough (rework, deadline kept).
    const lookAt = office(rng, t + between(rng, 1, 30) * HOUR);
    if (reworks < 2 && rng() < P.rework) {
      reworks++;
      step({ action: 'rework', by: 'reviewer', reason: pick(rng, REWORK) }, lookAt);
      // rework buys no time: the same deadline, often already behind
      step(
        { action: 'fix', by: 'unit', comment: fixNote(), photo: Math.floor(rng() * PLAN_PHOTOS) },
        t + between(rng, 2, 30) * HOUR,
      );
      step(
        { action: 'accept', by: 'reviewer', comment: '复查合格，予以销号' },
        office(rng, t + between(rng, 1, 24) * HOUR),
      );
    } else step({ action: 'accept', by: 'reviewer', comment: '整改到位，予以销号' }, lookAt);
    // 回头看 after the category's days: holds, or relapses once into a new cycle.
    const revisitAt = office(rng, t + cat.revisitDays * DAY + between(rng, 0, 2) * DAY);
    const relapse = relapses < 1 && rng() < P.relapse;
    step(
      {
        action: 'revisit',
        by: source === 'patrol' && rng() < 0.3 ? 'grid' : 'reviewer',
        holds: !relapse,
        comment: pick(rng, relapse ? REVISIT_BAD : REVISIT_OK),
        ...(relapse ? { photo: Math.floor(rng() * PLAN_PHOTOS) } : {}),
      },
      revisitAt,
    );
    if (!relapse) break;
    relapses++;
    deadline = deadlineFrom(t);
  }
  return finish(ctx, {
    index: i,
    lon: where.lon,
    lat: where.lat,
    gridCode: where.gridCode,
    categoryCode: cat.code,
    source,
    description,
    address,
    urgent,
    steps,
  });
}

const AFTER: Partial<Record<PlanAction, (s: PlanStep, from: PlanState) => PlanState>> = {
  verify: () => 'verified',
  reject: () => 'invalid',
  mark_duplicate: () => 'duplicate',
  assign: () => 'assigned',
  return: () => 'verified',
  fix: () => 'fixed',
  accept: () => 'closed',
  rework: () => 'assigned',
  approve_suspension: () => 'suspended',
  resume: () => 'assigned',
  revisit: (s) => (s.holds ? 'closed' : 'assigned'),
};

/** Drops the steps after the window's end ("not yet") and works out the state now. */
function finish(ctx: PlanContext, p: Omit<PlannedProblem, 'state'>): PlannedProblem {
  const cut = p.steps.findIndex((s) => s.at > ctx.to);
  const steps = cut < 0 ? p.steps : p.steps.slice(0, cut);
  let state: PlanState = 'reported';
  for (const s of steps.slice(1)) state = AFTER[s.action]?.(s, state) ?? state;
  return { ...p, steps, state };
}
