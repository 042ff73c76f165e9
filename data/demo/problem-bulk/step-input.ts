import type { ActionInput, MachineProblem } from '../../../api/domain/problem-machine';
import type { PlannedProblem, PlanStep } from '../problems';
import { chooseAssignee, handlerUnit } from '../problem-seed/writers-share';
import type { Actor, ReplayContext, RouteBack, Row } from './types';

/**
 * A step's inputs in the bulk replay, chosen as the service replay chooses them (its first
 * candidate): the problem as the pure machine sees it, the reporter of a problem, and for every
 * later step the account that takes it and its input (duplicate target, assignee, extended
 * deadline, photo count, revisit outcome). SQL-free.
 */

const HOUR = 3600_000;

export function machineOf(row: Row, r: RouteBack): MachineProblem {
  return {
    state: row.state,
    urgent: row.urgent,
    assigneeUnitId: row.assigneeUnitId,
    routedUnitId: r.leadUnitId ?? r.communityUnits.find((u) => u.role === 'lead')?.unitId ?? null,
    deadline: row.deadline,
    assignedAt: row.assignedAt,
    fixedAt: row.fixedAt,
    suspendedAt: row.suspendedAt,
    pendingRequest: row.pendingRequest,
    cycle: row.cycle,
    reworkCount: row.reworkCount,
    relapseCount: row.relapseCount,
    returnCount: row.returnCount,
    extensionCount: row.extensionCount,
  };
}

export function reporterOf(rc: ReplayContext, p: PlannedProblem, r: RouteBack): Actor {
  if (p.source === 'patrol') {
    // the replay's order (problem-seed/who-acts.ts reporterOf): members by person id, then the leader
    const members = [...r.members].sort((a, b) => a.personId - b.personId);
    const staff = [...members, ...(r.leader ? [r.leader] : [])];
    const who = staff[p.index % Math.max(1, r.members.length)] ?? staff[0];
    const a = who && rc.people.get(who.personId);
    if (a) return a;
  }
  if (p.source === 'inspection' || p.source === 'undercover') return rc.supervisor(r.streetId);
  return rc.commander;
}

/** The account and the input of a step, as the demo seed chooses them (first candidate). */
export function inputOf(
  rc: ReplayContext,
  p: PlannedProblem,
  s: PlanStep,
  r: RouteBack,
  row: Row,
  returnedBy: number | null,
): { actor: Actor; input: ActionInput } {
  const input: ActionInput = { comment: s.comment ?? null, reason: s.reason ?? null };
  const command =
    (['citizen', 'camera', 'higher_level'].includes(p.source) &&
      ['verify', 'reject', 'mark_duplicate', 'assign'].includes(s.action)) ||
    ['approve_extension', 'deny_extension', 'approve_suspension', 'deny_suspension', 'resume'].includes(s.action);
  const reviewer = command ? rc.commander : rc.supervisor(r.streetId);
  const leader = r.leader ? rc.people.get(r.leader.personId) : undefined;
  const member = r.members[0] ? rc.people.get(r.members[0].personId) : undefined;
  const unit = row.assigneeUnitId ? rc.liaison(row.assigneeUnitId) : undefined;
  let actor: Actor;
  if (s.by === 'grid')
    actor =
      (s.action === 'revisit' ? (leader?.role === 'grid_leader' ? leader : reviewer) : (leader ?? member ?? unit)) ??
      reviewer;
  else if (s.by === 'unit') actor = unit ?? leader ?? reviewer;
  else actor = reviewer;
  switch (s.action) {
    case 'mark_duplicate':
      input.duplicateOf = rc.idOf.get(s.duplicateOf!) ?? null;
      break;
    case 'assign':
      input.unitId = chooseAssignee(r, s, returnedBy, () =>
        handlerUnit(rc.categories.get(p.categoryCode)?.handler ?? null, rc.units),
      );
      break;
    case 'request_extension':
      input.deadline = new Date((row.deadline?.getTime() ?? s.at) + (s.extendHours ?? 24) * HOUR);
      break;
    case 'fix':
      input.photoCount = 1;
      break;
    case 'revisit':
      input.holds = s.holds ?? true;
      input.photoCount = s.holds ? 0 : 1;
      break;
    default:
  }
  return { actor, input };
}
