import type { Role } from '../auth/roles';
import type { Msg } from '../errors';
import { computeDeadline, type DeadlineRule } from './deadlines';

/**
 * The problem loop (问题闭环) as a pure state machine: docs/PROBLEMS.md is its contract. No I/O:
 * the service reads the problem (locked), asks `decide`, and writes the patch and the event it
 * returns. Checks that need the database (does the unit or the duplicate exist) stay in the
 * service.
 */
export { computeDeadline, addWorkingHours } from './deadlines';
export type { DeadlineRule } from './deadlines';

// The enums of sql/migrations/005-problems.sql, listed once (tile filters and schemas import them).
export const PROBLEM_STATES = [
  'reported',
  'invalid',
  'duplicate',
  'verified',
  'assigned',
  'suspended',
  'fixed',
  'closed',
] as const;
export type ProblemState = (typeof PROBLEM_STATES)[number];
export const PROBLEM_SOURCES = ['inspection', 'undercover', 'patrol', 'citizen', 'camera', 'higher_level'] as const;
export type ProblemSourceName = (typeof PROBLEM_SOURCES)[number];
/** no action leaves these */
export const FINAL_STATES: readonly ProblemState[] = ['invalid', 'duplicate'];
/** a problem someone still has to work on (a duplicate may point at one of these) */
export const OPEN_STATES: readonly ProblemState[] = ['reported', 'verified', 'assigned', 'suspended', 'fixed'];

export const PROBLEM_ACTIONS = [
  'verify',
  'reject',
  'mark_duplicate',
  'assign',
  'return',
  'fix',
  'accept',
  'rework',
  'request_extension',
  'approve_extension',
  'deny_extension',
  'request_suspension',
  'approve_suspension',
  'deny_suspension',
  'resume',
  'revisit',
  'mark_urgent',
] as const;
export type ProblemAction = (typeof PROBLEM_ACTIONS)[number];

export interface PendingRequest {
  kind: 'extension' | 'suspension';
  byUserId: number | null;
  byName: string;
  /** ISO instants: the request is stored as jsonb */
  at: string;
  reason: string;
  deadline?: string;
}

/** What the machine needs to know of a problem. */
export interface MachineProblem {
  state: ProblemState;
  urgent: boolean;
  assigneeUnitId: number | null;
  /** the unit an assignment goes to by default: the lead unit routed at report time */
  routedUnitId: number | null;
  deadline: Date | null;
  assignedAt: Date | null;
  fixedAt: Date | null;
  suspendedAt: Date | null;
  pendingRequest: PendingRequest | null;
  cycle: number;
  reworkCount: number;
  relapseCount: number;
  returnCount: number;
  extensionCount: number;
}

export interface MachineActor {
  id: number | null;
  name: string;
  role: Role;
  /** unit staff: their unit */
  unitId: number | null;
}

export type CategoryRules = DeadlineRule & { revisitDays: number };

export interface ActionInput {
  comment?: string | null;
  reason?: string | null;
  duplicateOf?: number | null;
  unitId?: number | null;
  deadline?: Date | null;
  holds?: boolean | null;
  /** how many photos come with the action (they are stored by the service) */
  photoCount?: number;
}

/** Columns an action changes (camelCase of problems' columns). */
export interface ProblemPatch {
  state?: ProblemState;
  urgent?: boolean;
  assigneeUnitId?: number | null;
  verifiedAt?: Date | null;
  assignedAt?: Date | null;
  deadline?: Date | null;
  fixedAt?: Date | null;
  closedAt?: Date | null;
  closedOnTime?: boolean | null;
  revisitDueAt?: Date | null;
  revisitedAt?: Date | null;
  suspendedAt?: Date | null;
  pendingRequest?: PendingRequest | null;
  duplicateOf?: number | null;
  reworkCount?: number;
  relapseCount?: number;
  returnCount?: number;
  extensionCount?: number;
  cycle?: number;
}

export interface EventDraft {
  action: ProblemAction;
  from: ProblemState;
  to: ProblemState;
  comment: string | null;
  data: Record<string, unknown>;
}

export type Decision =
  | { kind: 'ok'; patch: ProblemPatch; event: EventDraft }
  | { kind: 'IllegalTransition'; allowed: ProblemAction[] }
  | { kind: 'Forbidden'; roles: readonly Role[]; reason: Msg }
  | { kind: 'Invalid'; field: string; reason: Msg };

const SUPERVISE: readonly Role[] = ['supervisor', 'commander', 'admin'];
const WORK: readonly Role[] = ['unit_staff', 'grid_leader', 'grid_member', 'admin'];

export const ACTION_LABELS: Record<ProblemAction, Msg> = {
  verify: { zh: '立案', en: 'verify' },
  reject: { zh: '不予立案', en: 'reject' },
  mark_duplicate: { zh: '标记重复', en: 'mark as duplicate' },
  assign: { zh: '交办', en: 'assign' },
  return: { zh: '退回（非本单位）', en: 'return (not ours)' },
  fix: { zh: '整改', en: 'report fixed' },
  accept: { zh: '验收通过', en: 'accept' },
  rework: { zh: '验收不通过', en: 'send back for rework' },
  request_extension: { zh: '申请延期', en: 'request an extension' },
  approve_extension: { zh: '批准延期', en: 'approve the extension' },
  deny_extension: { zh: '驳回延期', en: 'deny the extension' },
  request_suspension: { zh: '申请挂账', en: 'request suspension' },
  approve_suspension: { zh: '批准挂账', en: 'approve the suspension' },
  deny_suspension: { zh: '驳回挂账', en: 'deny the suspension' },
  resume: { zh: '恢复办理', en: 'resume' },
  revisit: { zh: '回头看', en: 'revisit' },
  mark_urgent: { zh: '标记紧急', en: 'mark urgent' },
};

interface Ctx {
  p: MachineProblem;
  input: ActionInput;
  actor: MachineActor;
  now: Date;
  category: CategoryRules;
}
type Outcome =
  { to: ProblemState; patch?: ProblemPatch; data?: Record<string, unknown> } | { invalid: string; reason: Msg };

interface Rule {
  from: readonly ProblemState[];
  roles: readonly Role[];
  /** further condition on the problem for the action to exist in its state */
  when?: (p: MachineProblem) => boolean;
  /** unit staff may take it only on a problem assigned to their own unit */
  assigneeUnitOnly?: boolean;
  apply: (c: Ctx) => Outcome;
}

const text = (s: string | null | undefined) => (typeof s === 'string' && s.trim() ? s.trim() : null);
const required = (field: string, zh: string, en: string): Outcome => ({
  invalid: field,
  reason: { zh: `缺少${zh}（${field}）`, en: `${en} (${field}) is required` },
});
const needReason = (c: Ctx, zh: string, en: string) => (text(c.input.reason) ? null : required('reason', zh, en));
const leaveAssigned: ProblemPatch = { pendingRequest: null };
/** A deadline set by hand lies at most a year ahead: 9999-12-31 would never be overdue (issue 10, finding 11). */
export const MAX_DEADLINE_DAYS = 365;
const tooFar = (d: Date, now: Date): Outcome | null =>
  d.getTime() - now.getTime() > MAX_DEADLINE_DAYS * 86400_000
    ? {
        invalid: 'deadline',
        reason: {
          zh: `期限不能晚于现在起 ${MAX_DEADLINE_DAYS} 天`,
          en: `the deadline must be at most ${MAX_DEADLINE_DAYS} days from now`,
        },
      }
    : null;

const RULES: Record<ProblemAction, Rule> = {
  verify: { from: ['reported'], roles: SUPERVISE, apply: (c) => ({ to: 'verified', patch: { verifiedAt: c.now } }) },
  reject: {
    from: ['reported'],
    roles: SUPERVISE,
    apply: (c) =>
      needReason(c, '不予立案的理由', 'a reason for rejecting') ?? {
        to: 'invalid',
        data: { reason: text(c.input.reason) },
      },
  },
  mark_duplicate: {
    from: ['reported', 'verified'],
    roles: SUPERVISE,
    apply: (c) =>
      c.input.duplicateOf
        ? { to: 'duplicate', patch: { duplicateOf: c.input.duplicateOf }, data: { duplicateOf: c.input.duplicateOf } }
        : required('duplicateOf', '重复的原问题编号', 'the problem this one duplicates'),
  },
  assign: {
    from: ['verified'],
    roles: SUPERVISE,
    apply: (c) => {
      const unitId = c.input.unitId ?? c.p.routedUnitId;
      if (!unitId)
        return {
          invalid: 'unitId',
          reason: {
            zh: '该位置没有责任单位，请指定交办单位（unitId）',
            en: 'no lead unit is responsible for this place: name the unit (unitId)',
          },
        };
      const deadline = c.input.deadline ?? computeDeadline(c.now, c.category);
      if (deadline <= c.now)
        return {
          invalid: 'deadline',
          reason: { zh: '整改期限必须晚于现在', en: 'the deadline must be in the future' },
        };
      const far = c.input.deadline ? tooFar(deadline, c.now) : null;
      if (far) return far;
      return {
        to: 'assigned',
        patch: { assigneeUnitId: unitId, deadline, assignedAt: c.p.assignedAt ?? c.now, cycle: c.p.cycle + 1 },
        data: { unitId, deadline: deadline.toISOString(), cycle: c.p.cycle + 1 },
      };
    },
  },
  return: {
    from: ['assigned'],
    roles: WORK,
    assigneeUnitOnly: true,
    apply: (c) =>
      needReason(c, '退回理由', 'a reason for returning') ?? {
        to: 'verified',
        patch: { ...leaveAssigned, assigneeUnitId: null, deadline: null, returnCount: c.p.returnCount + 1 },
        // who returned it stays with the event: the count is attributed to that unit
        data: { reason: text(c.input.reason), unitId: c.p.assigneeUnitId },
      },
  },
  fix: {
    from: ['assigned'],
    roles: WORK,
    assigneeUnitOnly: true,
    apply: (c) => {
      if (!c.input.photoCount)
        return {
          invalid: 'photos',
          reason: { zh: '整改须上传至少一张整改后照片（photos）', en: 'a fix needs at least one after-photo (photos)' },
        };
      if (!text(c.input.comment)) return required('comment', '整改说明', 'a note on the fix');
      return {
        to: 'fixed',
        patch: { ...leaveAssigned, fixedAt: c.now },
        data: { onTime: c.p.deadline ? c.now <= c.p.deadline : null },
      };
    },
  },
  accept: {
    from: ['fixed'],
    roles: SUPERVISE,
    apply: (c) => {
      const onTime = c.p.fixedAt && c.p.deadline ? c.p.fixedAt <= c.p.deadline : null;
      const revisitDueAt = new Date(c.now.getTime() + c.category.revisitDays * 86400_000);
      return {
        to: 'closed',
        patch: { closedAt: c.now, closedOnTime: onTime, revisitDueAt, revisitedAt: null },
        data: { onTime, revisitDueAt: revisitDueAt.toISOString() },
      };
    },
  },
  rework: {
    from: ['fixed'],
    roles: SUPERVISE,
    // rework buys no time: the deadline in force stays
    apply: (c) =>
      needReason(c, '验收不通过的理由', 'a reason for sending it back') ?? {
        to: 'assigned',
        patch: { fixedAt: null, reworkCount: c.p.reworkCount + 1, cycle: c.p.cycle + 1 },
        data: { reason: text(c.input.reason), cycle: c.p.cycle + 1 },
      },
  },
  request_extension: {
    from: ['assigned'],
    roles: WORK,
    assigneeUnitOnly: true,
    when: (p) => !p.pendingRequest,
    apply: (c) => {
      const missing = needReason(c, '延期理由', 'a reason for the extension');
      if (missing) return missing;
      const d = c.input.deadline;
      if (!d) return required('deadline', '申请的新期限', 'the requested deadline');
      if (d <= c.now || (c.p.deadline && d <= c.p.deadline))
        return {
          invalid: 'deadline',
          reason: {
            zh: '申请的新期限必须晚于现行期限和现在',
            en: 'the requested deadline must be later than the current one and than now',
          },
        };
      const far = tooFar(d, c.now);
      if (far) return far;
      const request: PendingRequest = {
        kind: 'extension',
        byUserId: c.actor.id,
        byName: c.actor.name,
        at: c.now.toISOString(),
        reason: text(c.input.reason)!,
        deadline: d.toISOString(),
      };
      return {
        to: 'assigned',
        patch: { pendingRequest: request },
        data: { reason: request.reason, deadline: request.deadline },
      };
    },
  },
  approve_extension: {
    from: ['assigned'],
    roles: SUPERVISE,
    when: (p) => p.pendingRequest?.kind === 'extension',
    apply: (c) => {
      const deadline = new Date(c.p.pendingRequest!.deadline!);
      return {
        to: 'assigned',
        patch: { pendingRequest: null, deadline, extensionCount: c.p.extensionCount + 1 },
        data: { deadline: deadline.toISOString(), previousDeadline: c.p.deadline?.toISOString() ?? null },
      };
    },
  },
  deny_extension: {
    from: ['assigned'],
    roles: SUPERVISE,
    when: (p) => p.pendingRequest?.kind === 'extension',
    apply: (c) => ({ to: 'assigned', patch: { pendingRequest: null }, data: { reason: text(c.input.reason) } }),
  },
  request_suspension: {
    from: ['assigned'],
    roles: WORK,
    assigneeUnitOnly: true,
    when: (p) => !p.pendingRequest,
    apply: (c) => {
      const missing = needReason(c, '挂账理由', 'a reason for suspending');
      if (missing) return missing;
      const request: PendingRequest = {
        kind: 'suspension',
        byUserId: c.actor.id,
        byName: c.actor.name,
        at: c.now.toISOString(),
        reason: text(c.input.reason)!,
      };
      return { to: 'assigned', patch: { pendingRequest: request }, data: { reason: request.reason } };
    },
  },
  approve_suspension: {
    from: ['assigned'],
    roles: SUPERVISE,
    when: (p) => p.pendingRequest?.kind === 'suspension',
    apply: (c) => ({
      to: 'suspended',
      patch: { ...leaveAssigned, suspendedAt: c.now },
      data: { reason: c.p.pendingRequest!.reason },
    }),
  },
  deny_suspension: {
    from: ['assigned'],
    roles: SUPERVISE,
    when: (p) => p.pendingRequest?.kind === 'suspension',
    apply: (c) => ({ to: 'assigned', patch: { pendingRequest: null }, data: { reason: text(c.input.reason) } }),
  },
  resume: {
    from: ['suspended'],
    roles: SUPERVISE,
    apply: (c) => {
      // the clock did not run while suspended: the deadline moves by the time spent there
      const suspendedMs = c.p.suspendedAt ? Math.max(0, c.now.getTime() - c.p.suspendedAt.getTime()) : 0;
      const deadline = c.p.deadline
        ? new Date(c.p.deadline.getTime() + suspendedMs)
        : computeDeadline(c.now, c.category);
      return {
        to: 'assigned',
        patch: { suspendedAt: null, deadline },
        data: { deadline: deadline.toISOString(), suspendedMs },
      };
    },
  },
  revisit: {
    from: ['closed'],
    roles: ['supervisor', 'commander', 'grid_leader', 'admin'],
    apply: (c) => {
      if (typeof c.input.holds !== 'boolean')
        return required('holds', '回头看结论（holds：是否保持）', 'the revisit outcome (holds)');
      if (c.input.holds) return { to: 'closed', patch: { revisitedAt: c.now }, data: { holds: true } };
      const deadline = computeDeadline(c.now, c.category);
      return {
        to: 'assigned',
        patch: {
          revisitedAt: c.now,
          closedAt: null,
          closedOnTime: null,
          fixedAt: null,
          deadline,
          relapseCount: c.p.relapseCount + 1,
          cycle: c.p.cycle + 1,
        },
        data: { holds: false, deadline: deadline.toISOString(), cycle: c.p.cycle + 1 },
      };
    },
  },
  mark_urgent: {
    from: ['reported', 'verified', 'assigned', 'suspended', 'fixed', 'closed'],
    roles: SUPERVISE,
    when: (p) => !p.urgent,
    apply: (c) => ({ to: c.p.state, patch: { urgent: true } }),
  },
};

export const actionRoles = (action: ProblemAction): readonly Role[] => RULES[action].roles;
export const actionFromStates = (action: ProblemAction): readonly ProblemState[] => RULES[action].from;

const availableIn = (rule: Rule, p: MachineProblem) => rule.from.includes(p.state) && (!rule.when || rule.when(p));
const ownUnit = (rule: Rule, p: MachineProblem, role: Role, unitId: number | null) =>
  !rule.assigneeUnitOnly || role !== 'unit_staff' || (unitId !== null && unitId === p.assigneeUnitId);

/** The actions this role (and unit) may take on the problem now, in the contract's order. */
export function allowedActions(p: MachineProblem, role: Role, unitId: number | null = null): ProblemAction[] {
  return PROBLEM_ACTIONS.filter((a) => {
    const rule = RULES[a];
    return rule.roles.includes(role) && availableIn(rule, p) && ownUnit(rule, p, role, unitId);
  });
}

/**
 * One step of the loop. Order of refusals: a role that may never take the action (Forbidden),
 * an action that does not exist in this state (IllegalTransition, listing what the caller may do
 * instead), a unit acting on another unit's problem (Forbidden), a missing field (Invalid).
 */
export function decide(
  p: MachineProblem,
  action: ProblemAction,
  input: ActionInput,
  actor: MachineActor,
  now: Date,
  category: CategoryRules,
): Decision {
  const rule = RULES[action];
  if (!rule.roles.includes(actor.role)) {
    return {
      kind: 'Forbidden',
      roles: rule.roles,
      reason: { zh: `无权${ACTION_LABELS[action].zh}`, en: `may not ${ACTION_LABELS[action].en}` },
    };
  }
  if (!availableIn(rule, p)) return { kind: 'IllegalTransition', allowed: allowedActions(p, actor.role, actor.unitId) };
  if (!ownUnit(rule, p, actor.role, actor.unitId)) {
    return {
      kind: 'Forbidden',
      roles: rule.roles,
      reason: { zh: '该问题未交办给本单位', en: 'this problem is not assigned to your unit' },
    };
  }
  const out = rule.apply({ p, input, actor, now, category });
  if ('invalid' in out) return { kind: 'Invalid', field: out.invalid, reason: out.reason };
  const leaving = p.state === 'assigned' && out.to !== 'assigned';
  const patch: ProblemPatch = { ...(leaving ? leaveAssigned : {}), ...out.patch, state: out.to };
  return {
    kind: 'ok',
    patch,
    event: { action, from: p.state, to: out.to, comment: text(input.comment), data: out.data ?? {} },
  };
}

/** Overdue: assigned and past the deadline (suspended and fixed problems are not). */
export const isOverdue = (p: { state: ProblemState; deadline: Date | null }, now: Date) =>
  p.state === 'assigned' && p.deadline !== null && p.deadline.getTime() < now.getTime();

export interface EventSummary {
  state: ProblemState | null;
  urgent: boolean;
  cycle: number;
  reworkCount: number;
  relapseCount: number;
  returnCount: number;
  extensionCount: number;
  supervisionCount: number;
  accountabilityCount: number;
}

/** The problem's state and counters rebuilt from its events alone (the timeline is the truth). */
export function summarizeEvents(
  events: { action: string; toState: ProblemState; data?: Record<string, unknown> | null }[],
): EventSummary {
  const s: EventSummary = {
    state: null,
    urgent: false,
    cycle: 0,
    reworkCount: 0,
    relapseCount: 0,
    returnCount: 0,
    extensionCount: 0,
    supervisionCount: 0,
    accountabilityCount: 0,
  };
  for (const e of events) {
    s.state = e.toState;
    switch (e.action) {
      case 'report':
        s.urgent = e.data?.urgent === true;
        break;
      case 'mark_urgent':
        s.urgent = true;
        break;
      case 'assign':
        s.cycle += 1;
        break;
      case 'rework':
        s.cycle += 1;
        s.reworkCount += 1;
        break;
      case 'revisit':
        if (e.toState === 'assigned') {
          s.cycle += 1;
          s.relapseCount += 1;
        }
        break;
      case 'return':
        s.returnCount += 1;
        break;
      case 'approve_extension':
        s.extensionCount += 1;
        break;
      case 'supervision_notice':
        s.supervisionCount += 1;
        break;
      case 'accountability_notice':
        s.accountabilityCount += 1;
        break;
    }
  }
  return s;
}
