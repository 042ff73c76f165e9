import { decide, type CategoryRules, type ProblemAction, type ProblemState } from '../../../api/domain/problem-machine';
import { withFixProof } from '../../../api/services/fix-proof';
import { NOTICE_DUE_HOURS } from '../../../api/services/problem-sweep';
import type { PlannedProblem } from '../problems';
import { inputOf, machineOf, reporterOf } from './step-input';
import type { Actor, NoticeDraft, ReplayContext, RouteBack, Row } from './types';

/**
 * Building one problem's rows in memory, SQL-free: its life replayed through the same pure
 * machine the service uses (api/domain/problem-machine.ts `decide`), the overdue sweep mirrored
 * at every simulated hour as the demo seed runs it, giving the problem's row, its events, its
 * notices (before their ids and numbers) and its photo links, ready for the multi-row inserts.
 */

const HOUR = 3600_000;
const ceilHourAfter = (t: number) => Math.floor(t / HOUR) * HOUR + HOUR; // the first hour boundary strictly after t

/** One problem's life through the machine, with the sweep's notices at every simulated hour. */
export function replay(rc: ReplayContext, p: PlannedProblem, r: RouteBack) {
  const cat = rc.categories.get(p.categoryCode)!;
  const rules: CategoryRules = {
    deadlineHours: cat.deadlineHours,
    workingDays: cat.workingDays,
    revisitDays: cat.revisitDays,
  };
  const id = rc.idOf.get(p.index)!;
  const reportedAt = p.steps[0]!.at;
  const reporter = reporterOf(rc, p, r);
  const row: Row = {
    state: 'reported',
    urgent: p.urgent,
    assigneeUnitId: null,
    verifiedAt: null,
    assignedAt: null,
    deadline: null,
    fixedAt: null,
    closedAt: null,
    closedOnTime: null,
    revisitDueAt: null,
    revisitedAt: null,
    suspendedAt: null,
    pendingRequest: null,
    duplicateOf: null,
    reworkCount: 0,
    relapseCount: 0,
    returnCount: 0,
    extensionCount: 0,
    supervisionCount: 0,
    accountabilityCount: 0,
    cycle: 0,
    version: 1,
    updatedAt: new Date(reportedAt),
  };
  const events: Record<string, unknown>[] = [];
  const notices: Omit<NoticeDraft, 'id' | 'number'>[] = [];
  const links: object[] = [];
  const event = (
    e: { action: string; from: ProblemState | null; to: ProblemState; comment: string | null; data: object },
    actor: Actor | null,
    at: number,
  ) => {
    const ev = {
      p: id,
      seq: row.version,
      action: e.action,
      from_state: e.from,
      to_state: e.to,
      actor_id: actor?.id ?? null,
      actor_name: actor?.name ?? null,
      actor_role: actor?.role ?? null,
      actor_unit_id: actor?.unitId ?? null,
      at: new Date(at),
      comment: e.comment,
      data: e.data,
    };
    events.push(ev);
    return ev;
  };
  event(
    {
      action: 'report',
      from: null,
      to: 'reported',
      comment: null,
      data: { source: p.source, urgent: p.urgent, outsideGrid: r.gridId === null },
    },
    reporter,
    reportedAt,
  );
  if (p.source !== 'citizen' && p.source !== 'higher_level')
    links.push({ p: id, seq: 1, kind: 'before', sha256: rc.photos.before[p.index % rc.photos.before.length]!.sha256 });

  // the sweep: at every hour boundary after a step (and at the window's end), before any step
  // at that same instant; supervision once per cycle past the deadline, accountability once
  // the supervision notice is due and the problem is still assigned
  const sup = new Map<number, number>(),
    acc = new Set<number>();
  const sweepUntil = (after: number, until: number, last: boolean) => {
    if (row.state !== 'assigned' || !row.deadline) return;
    const d = row.deadline.getTime();
    const sweepAt = (notBefore: number) => {
      const h = ceilHourAfter(Math.max(after, notBefore));
      if (h <= until) return h;
      return last && until > after && until > notBefore ? until : null; // the final sweep at the window's end
    };
    for (;;) {
      const c = row.cycle;
      let h: number | null, kind: 'supervision' | 'accountability';
      if (!sup.has(c)) {
        h = sweepAt(d);
        kind = 'supervision';
      } else if (!acc.has(c)) {
        h = sweepAt(Math.max(d, sup.get(c)! + NOTICE_DUE_HOURS * HOUR));
        kind = 'accountability';
      } else return;
      if (h === null) return;
      if (kind === 'supervision') {
        sup.set(c, h);
        row.supervisionCount++;
      } else {
        acc.add(c);
        row.accountabilityCount++;
      }
      row.version++;
      row.updatedAt = new Date(h);
      const ev = event(
        { action: `${kind}_notice`, from: 'assigned', to: 'assigned', comment: null, data: {} },
        null,
        h,
      );
      notices.push({
        p: id,
        kind,
        cycle: c,
        issuedAt: h,
        dueAt: h + NOTICE_DUE_HOURS * HOUR,
        unitId: row.assigneeUnitId,
        resolvedAt: null,
        event: ev,
      });
      after = h;
    }
  };

  let prev = reportedAt,
    returnedBy: number | null = null;
  for (const s of p.steps.slice(1)) {
    sweepUntil(prev, s.at, false);
    const { actor, input } = inputOf(rc, p, s, r, row, returnedBy);
    const d = decide(
      machineOf(row, r),
      s.action as ProblemAction,
      input,
      { id: actor.id, name: actor.name, role: actor.role, unitId: actor.unitId },
      new Date(s.at),
      rules,
    );
    if (d.kind !== 'ok')
      throw new Error(`bulk problems: plan ${p.index} step ${s.action} refused by the machine: ${d.kind}`);
    if (s.action === 'return') returnedBy = row.assigneeUnitId;
    const leaving = row.state === 'assigned' && d.event.to !== 'assigned';
    Object.assign(row, d.patch);
    row.version++;
    row.updatedAt = new Date(s.at);
    // a fix carries its proof, judged as the service judges it (the demo's photos are prepared: no EXIF read)
    const site = { lon: p.lon, lat: p.lat, reportedAt: new Date(reportedAt) };
    const position = s.position && { ...s.position, at: new Date(s.at).toISOString(), manual: false };
    event(s.action === 'fix' ? withFixProof(d.event, site, position, []) : d.event, actor, s.at);
    if (s.action === 'fix')
      links.push({ p: id, seq: row.version, kind: 'after', sha256: rc.photos.after[s.photo ?? 0]!.sha256 });
    if (s.action === 'revisit' && !s.holds)
      links.push({
        p: id,
        seq: row.version,
        kind: 'revisit',
        sha256: rc.photos.revisit[p.index % rc.photos.revisit.length]!.sha256,
      });
    if (leaving) for (const nt of notices) if (nt.resolvedAt === null) nt.resolvedAt = s.at;
    prev = s.at;
  }
  sweepUntil(prev, rc.to, true);

  const iso = (x: Date | null) => (x ? x.toISOString() : null);
  return {
    row: {
      k: p.index,
      id,
      category_id: cat.id,
      source: p.source,
      description: p.description,
      address: p.address,
      lon: p.lon,
      lat: p.lat,
      reported_by: reporter.id,
      reported_at: new Date(reportedAt).toISOString(),
      state: row.state,
      urgent: row.urgent,
      assignee_unit_id: row.assigneeUnitId,
      verified_at: iso(row.verifiedAt),
      assigned_at: iso(row.assignedAt),
      deadline: iso(row.deadline),
      fixed_at: iso(row.fixedAt),
      closed_at: iso(row.closedAt),
      closed_on_time: row.closedOnTime,
      revisit_due_at: iso(row.revisitDueAt),
      revisited_at: iso(row.revisitedAt),
      suspended_at: iso(row.suspendedAt),
      pending_request: row.pendingRequest,
      duplicate_of: row.duplicateOf,
      rework_count: row.reworkCount,
      relapse_count: row.relapseCount,
      return_count: row.returnCount,
      extension_count: row.extensionCount,
      supervision_count: row.supervisionCount,
      accountability_count: row.accountabilityCount,
      cycle: row.cycle,
      version: row.version,
      updated_at: row.updatedAt.toISOString(),
    },
    events,
    notices,
    photos: links,
  };
}
