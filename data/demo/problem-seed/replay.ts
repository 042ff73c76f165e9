import type { Db } from '../../../api/db/types';
import type { ControllableClock } from '../../../api/domain/clock';
import type { ProblemAction } from '../../../api/domain/problem-machine';
import { AppError } from '../../../api/errors';
import type { PreparedPhoto } from '../../../api/services/photos';
import {
  applyTransition,
  recordProblem,
  sweepOverdue,
  type ActionRequest,
  type TransitionResult,
} from '../../../api/services/problems';
import type { Routing } from '../../../api/schemas/problems';
import type { PlannedProblem, PlanStep, ProblemPlan } from '../problems';
import { Actors } from './actors';
import { loadPlanCategories } from './load-city';
import { candidates, reporterOf, type GridStaff } from './who-acts';
import { chooseAssignee, demoPhotoPool, handlerUnit } from './writers-share';

/**
 * The seed replay: a plan's steps in time order through recordProblem / applyTransition at each
 * step's instant, with the overdue sweep at every simulated hour in which something falls due
 * (so notices come out as they would have in real time), keeping per problem what the services
 * wrote (Live) between its steps, and the summary of what was written.
 */

const HOUR = 3600_000;

export interface DemoProblemsSummary {
  problems: number;
  steps: number;
  sweeps: number;
  notices: { supervision: number; accountability: number };
  states: Record<string, number>;
  /** steps the planned account could not take (out of its scope now) and another one took */
  substitutions: number;
  ms: number;
}

/** What the replay keeps of each problem between its steps (what the services wrote). */
export interface Live {
  id: number;
  /** null after a sweep raised a notice on it (a notice bumps the version) */
  version: number | null;
  state: string;
  cycle: number;
  deadline: Date | null;
  assigneeUnitId: number | null;
  routing: Routing;
  streetId: number | null;
  /** the unit that returned it last ("not ours"): the next assignment goes elsewhere */
  returnedBy: number | null;
}

export async function replayIn(
  db: Db,
  plan: ProblemPlan,
  options: { clock: ControllableClock; onProgress?: (done: number, total: number) => void },
): Promise<DemoProblemsSummary> {
  const started = performance.now();
  const { clock } = options;
  const categories = new Map((await loadPlanCategories(db)).map((c) => [c.code, c]));
  const units = (await db.query<{ id: number; name: string }>('SELECT id, name FROM units ORDER BY code')).rows;
  const actors = new Actors(db);
  const streets = new Map(
    (await db.query<{ id: number; code: string }>(`SELECT id, code FROM areas WHERE level = 'street'`)).rows.map(
      (r) => [r.code, r.id],
    ),
  );
  const photos = await demoPhotoPool(plan.seed);

  // Grid staff in force at an instant, for patrol reports (who walks the grid files the report).
  const staffRows = (
    await db.query<GridStaff>(
      `SELECT g.code, p.id AS "personId", p.name, a.role::text AS role, a.valid_from AS "from", a.valid_to AS "to"
     FROM assignments a JOIN areas g ON g.id = a.area_id JOIN people p ON p.id = a.person_id
     WHERE g.level = 'grid' ORDER BY g.code, a.role DESC, p.id`,
    )
  ).rows;
  const staffOf = new Map<string, GridStaff[]>();
  for (const r of staffRows) staffOf.set(r.code, [...(staffOf.get(r.code) ?? []), r]);

  const queue: { p: PlannedProblem; s: PlanStep; k: number }[] = [];
  for (const p of plan.problems) p.steps.forEach((s, k) => queue.push({ p, s, k }));
  queue.sort((a, b) => a.s.at - b.s.at || a.p.index - b.p.index || a.k - b.k);

  const live = new Map<number, Live>();
  const summary: DemoProblemsSummary = {
    problems: 0,
    steps: 0,
    sweeps: 0,
    notices: { supervision: 0, accountability: 0 },
    states: {},
    substitutions: 0,
    ms: 0,
  };
  // The sweep runs at every simulated hour, as the server's would every minute. An hour in which
  // it cannot raise anything is skipped, which changes nothing: `due` mirrors, per problem, the
  // instant after which the sweep would act (its deadline, or its supervision notice's due_at).
  const due = new Map<number, number>(); // problem id → instant
  const supervisionDue = new Map<string, number>(); // "id:cycle" → the supervision notice's due_at
  const accountable = new Set<string>(); // "id:cycle" with an accountability notice
  const byId = new Map<number, Live>();
  const track = (l: Live) => {
    const key = `${l.id}:${l.cycle}`;
    const sup = supervisionDue.get(key);
    if (l.state !== 'assigned' || !l.deadline || accountable.has(key)) due.delete(l.id);
    else due.set(l.id, sup === undefined ? l.deadline.getTime() : Math.max(l.deadline.getTime(), sup));
  };
  const sweep = async (at: number) => {
    clock.set(new Date(at));
    const r = await sweepOverdue(db, clock.now());
    summary.sweeps++;
    summary.notices.supervision += r.supervision;
    summary.notices.accountability += r.accountability;
    if (r.supervision + r.accountability === 0) return;
    const raised = (
      await db.query<{ id: number; kind: string; cycle: number; dueAt: Date }>(
        `SELECT problem_id AS id, kind::text AS kind, cycle, due_at AS "dueAt" FROM problem_notices WHERE issued_at = $1`,
        [clock.now()],
      )
    ).rows;
    for (const n of raised) {
      if (n.kind === 'supervision') supervisionDue.set(`${n.id}:${n.cycle}`, n.dueAt.getTime());
      else accountable.add(`${n.id}:${n.cycle}`);
      const l = byId.get(n.id);
      if (!l) continue;
      l.version = null; // a notice is an event and bumps the version: read it before the next step
      track(l);
    }
  };
  let nextSweep = Math.ceil((queue[0]?.s.at ?? plan.to) / HOUR) * HOUR;
  const sweepsUpTo = async (until: number) => {
    for (;;) {
      let soonest = Infinity;
      for (const t of due.values()) if (t < soonest) soonest = t;
      // the next hour in which something falls due (the sweep acts on what is due strictly before it)
      const h = Math.max(nextSweep, Math.floor(soonest / HOUR) * HOUR + HOUR);
      if (!(h <= until)) return;
      await sweep(h);
      nextSweep = h + HOUR;
    }
  };

  for (const [n, { p, s }] of queue.entries()) {
    await sweepsUpTo(s.at);
    // every hour up to this instant is swept (or had nothing due): the next sweep comes after it
    nextSweep = Math.max(nextSweep, Math.floor(s.at / HOUR) * HOUR + HOUR);
    clock.set(new Date(s.at));
    if (s.action === 'report') {
      const l = await report(p);
      live.set(p.index, l);
      byId.set(l.id, l);
    } else await step(p, s);
    track(live.get(p.index)!);
    summary.steps++;
    if (options.onProgress && n % 1000 === 999) options.onProgress(n + 1, queue.length);
  }
  await sweepsUpTo(plan.to);
  await sweep(plan.to);

  summary.problems = live.size;
  for (const r of (
    await db.query<{ state: string; n: number }>(
      `SELECT state::text AS state, count(*)::int AS n FROM problems WHERE id = ANY($1::bigint[]) GROUP BY state ORDER BY state`,
      [[...live.values()].map((l) => l.id)],
    )
  ).rows)
    summary.states[r.state] = r.n;
  summary.ms = Math.round(performance.now() - started);
  return summary;

  async function report(p: PlannedProblem): Promise<Live> {
    const cat = categories.get(p.categoryCode);
    if (!cat) throw new Error(`demo problems: category ${p.categoryCode} is not an active leaf`);
    const actor = await reporterOf({ actors, staffOf, streets }, p, p.steps[0]!.at);
    // most reports come with a photo of the scene; citizens' hotline calls do not
    const before =
      p.source === 'citizen' || p.source === 'higher_level' ? [] : [photos.before[p.index % photos.before.length]!];
    const r = await recordProblem(
      db,
      clock,
      actor,
      {
        lon: p.lon,
        lat: p.lat,
        categoryId: cat.id,
        source: p.source,
        description: p.description,
        address: p.address,
        urgent: p.urgent,
      },
      { prepared: before },
    );
    return {
      id: r.id,
      version: 1,
      state: 'reported',
      cycle: 0,
      deadline: null,
      assigneeUnitId: null,
      routing: r.routing,
      streetId: r.streetId,
      returnedBy: null,
    };
  }

  async function step(p: PlannedProblem, s: PlanStep) {
    const l = live.get(p.index);
    if (!l) throw new Error(`demo problems: step ${s.action} of problem ${p.index} before its report`);
    if (l.version === null)
      l.version = (
        await db.query<{ version: number }>('SELECT version FROM problems WHERE id = $1', [l.id])
      ).rows[0]!.version;
    const input: ActionRequest = { version: l.version, comment: s.comment ?? null, reason: s.reason ?? null };
    let prepared: PreparedPhoto[] | undefined;
    switch (s.action) {
      case 'mark_duplicate': {
        const target = live.get(s.duplicateOf!);
        if (!target) throw new Error(`demo problems: ${p.index} duplicates ${s.duplicateOf}, not reported yet`);
        input.duplicateOf = target.id;
        break;
      }
      case 'assign': {
        const r = l.routing;
        input.unitId = chooseAssignee(
          {
            leadUnitId: r.leadUnit?.unitId ?? null,
            supportUnitIds: r.supportUnits.map((u) => u.unitId),
            communityUnits: r.communityUnits,
          },
          s,
          l.returnedBy,
          () => handlerUnit(categories.get(p.categoryCode)?.handler ?? null, units),
        );
        break;
      }
      case 'request_extension':
        input.deadline = new Date((l.deadline ?? clock.now()).getTime() + (s.extendHours ?? 24) * HOUR);
        break;
      case 'fix':
        prepared = [photos.after[s.photo ?? 0]!];
        // the device's position, as the field app sends it with a fix (docs/FIELD.md)
        if (s.position) input.position = { ...s.position, at: new Date(s.at).toISOString(), manual: false };
        break;
      case 'revisit':
        input.holds = s.holds ?? true;
        if (!s.holds) prepared = [photos.revisit[p.index % photos.revisit.length]!];
        break;
      default:
    }
    if (s.action === 'return') l.returnedBy = l.assigneeUnitId;
    const list = candidates(actors, p, s, l);
    for (const [i, next] of list.entries()) {
      const actor = await next();
      if (!actor) continue;
      let done: TransitionResult | null;
      try {
        done = await applyTransition(
          db,
          clock,
          actor,
          l.id,
          s.action as ProblemAction,
          input,
          prepared ? { prepared } : {},
        );
      } catch (err) {
        // a unit's or grid's account may act only on what is theirs: a stand-in takes it
        if (err instanceof AppError && err.status === 403 && i < list.length - 1) {
          summary.substitutions++;
          continue;
        }
        throw new Error(
          `demo problems: ${s.action} on problem #${l.id} (plan ${p.index}) by ${actor.role} failed: ${(err as Error).message}`,
        );
      }
      if (!done) {
        if (i < list.length - 1) summary.substitutions++;
        continue;
      } // out of this account's scope now
      Object.assign(l, {
        version: done.version,
        state: done.state,
        cycle: done.cycle,
        deadline: done.deadline,
        assigneeUnitId: done.assigneeUnitId,
      });
      return;
    }
    throw new Error(`demo problems: nobody could ${s.action} problem #${l.id} (plan ${p.index})`);
  }
}
