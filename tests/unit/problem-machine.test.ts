import { describe, expect, it } from 'vitest';
import type { Role } from '../../api/auth/roles';
import {
  PROBLEM_ACTIONS,
  PROBLEM_STATES,
  actionFromStates,
  actionRoles,
  addWorkingHours,
  allowedActions,
  computeDeadline,
  decide,
  isOverdue,
  summarizeEvents,
  type ActionInput,
  type CategoryRules,
  type Decision,
  type MachineActor,
  type MachineProblem,
  type ProblemAction,
  type ProblemState,
} from '../../api/domain/problem-machine';
import { controllableClock } from '../../api/domain/clock';

const bj = (local: string) => new Date(`${local}+08:00`);
const NOW = bj('2026-03-04T10:00:00'); // a Wednesday
const H = 3600_000;
const RULES: CategoryRules = { deadlineHours: 24, workingDays: false, revisitDays: 7 };
const UNIT = 11;

const problem = (over: Partial<MachineProblem> = {}): MachineProblem => ({
  state: 'reported',
  urgent: false,
  assigneeUnitId: null,
  routedUnitId: UNIT,
  deadline: null,
  assignedAt: null,
  fixedAt: null,
  suspendedAt: null,
  pendingRequest: null,
  cycle: 0,
  reworkCount: 0,
  relapseCount: 0,
  returnCount: 0,
  extensionCount: 0,
  ...over,
});
const assigned = (over: Partial<MachineProblem> = {}) =>
  problem({
    state: 'assigned',
    assigneeUnitId: UNIT,
    deadline: new Date(NOW.getTime() + 5 * H),
    assignedAt: new Date(NOW.getTime() - 19 * H),
    cycle: 1,
    ...over,
  });
const actor = (role: Role, unitId: number | null = role === 'unit_staff' ? UNIT : null): MachineActor => ({
  id: 7,
  name: '测试',
  role,
  unitId,
});

const ok = (d: Decision) => {
  if (d.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(d)}`);
  return d;
};
const run = (p: MachineProblem, action: ProblemAction, input: ActionInput = {}, role: Role = 'admin', rules = RULES) =>
  decide(p, action, input, actor(role), NOW, rules);

// A valid input for each action, so that a refusal in a test is about the state or the role.
const VALID: Record<ProblemAction, ActionInput> = {
  verify: {},
  reject: { reason: '不属实' },
  mark_duplicate: { duplicateOf: 5 },
  assign: {},
  return: { reason: '非本单位职责' },
  fix: { comment: '已清理', photoCount: 1 },
  accept: {},
  rework: { reason: '未清理干净' },
  request_extension: { reason: '需采购材料', deadline: new Date(NOW.getTime() + 72 * H) },
  approve_extension: {},
  deny_extension: {},
  request_suspension: { reason: '涉及拆迁' },
  approve_suspension: {},
  deny_suspension: {},
  resume: {},
  revisit: { holds: true },
  mark_urgent: {},
};
/** a problem in `state` on which `action` exists, if it can */
const inState = (state: ProblemState, action?: ProblemAction): MachineProblem => {
  const base =
    state === 'assigned' || state === 'fixed' || state === 'suspended'
      ? assigned({
          state,
          fixedAt: state === 'fixed' ? NOW : null,
          suspendedAt: state === 'suspended' ? new Date(NOW.getTime() - 2 * H) : null,
        })
      : problem({ state });
  if (action === 'approve_extension' || action === 'deny_extension') {
    return {
      ...base,
      pendingRequest: {
        kind: 'extension',
        byUserId: 1,
        byName: 'x',
        at: NOW.toISOString(),
        reason: 'r',
        deadline: new Date(NOW.getTime() + 48 * H).toISOString(),
      },
    };
  }
  if (action === 'approve_suspension' || action === 'deny_suspension')
    return {
      ...base,
      pendingRequest: { kind: 'suspension', byUserId: 1, byName: 'x', at: NOW.toISOString(), reason: 'r' },
    };
  return base;
};

describe('problem machine: every action from every state', () => {
  for (const action of PROBLEM_ACTIONS) {
    for (const state of PROBLEM_STATES) {
      const legal = actionFromStates(action).includes(state);
      it(`${action} from ${state} is ${legal ? 'legal' : 'an illegal transition'}`, () => {
        const d = run(inState(state, action), action, VALID[action]);
        if (legal) {
          expect(d.kind).toBe('ok');
          expect(ok(d).event.from).toBe(state);
        } else {
          expect(d.kind).toBe('IllegalTransition');
          if (d.kind === 'IllegalTransition') expect(d.allowed).not.toContain(action);
        }
      });
    }
  }

  it('lists the actions allowed instead, for the caller', () => {
    const d = run(problem(), 'accept', {}, 'supervisor');
    expect(d).toEqual({ kind: 'IllegalTransition', allowed: ['verify', 'reject', 'mark_duplicate', 'mark_urgent'] });
    expect(allowedActions(assigned(), 'unit_staff', UNIT)).toEqual([
      'return',
      'fix',
      'request_extension',
      'request_suspension',
    ]);
    expect(allowedActions(assigned(), 'planner')).toEqual([]);
    expect(allowedActions(problem({ state: 'invalid' }), 'admin')).toEqual([]);
    expect(allowedActions(problem({ state: 'duplicate' }), 'admin')).toEqual([]);
  });

  it('goes where the contract says', () => {
    const to = (p: MachineProblem, a: ProblemAction, input = VALID[a]) => ok(run(p, a, input)).patch.state;
    expect(to(problem(), 'verify')).toBe('verified');
    expect(to(problem(), 'reject')).toBe('invalid');
    expect(to(problem({ state: 'verified' }), 'mark_duplicate')).toBe('duplicate');
    expect(to(problem({ state: 'verified' }), 'assign')).toBe('assigned');
    expect(to(assigned(), 'return')).toBe('verified');
    expect(to(assigned(), 'fix')).toBe('fixed');
    expect(to(inState('fixed'), 'accept')).toBe('closed');
    expect(to(inState('fixed'), 'rework')).toBe('assigned');
    expect(to(inState('assigned', 'approve_suspension'), 'approve_suspension')).toBe('suspended');
    expect(to(inState('suspended'), 'resume')).toBe('assigned');
    expect(to(problem({ state: 'closed' }), 'revisit', { holds: true })).toBe('closed');
    expect(to(problem({ state: 'closed' }), 'revisit', { holds: false })).toBe('assigned');
    expect(to(problem({ state: 'fixed' }), 'mark_urgent')).toBe('fixed');
  });
});

describe('problem machine: roles', () => {
  const ROLES: Role[] = ['admin', 'commander', 'planner', 'supervisor', 'unit_staff', 'grid_leader', 'grid_member'];
  for (const action of PROBLEM_ACTIONS) {
    it(`${action}: only ${actionRoles(action).join(', ')}`, () => {
      const state = actionFromStates(action)[0]!;
      for (const role of ROLES) {
        const d = run(inState(state, action), action, VALID[action], role);
        expect(d.kind, `${role} ${action}`).toBe(actionRoles(action).includes(role) ? 'ok' : 'Forbidden');
      }
    });
  }

  it('refuses unit staff acting on a problem assigned to another unit', () => {
    const d = decide(assigned(), 'fix', VALID.fix, actor('unit_staff', 99), NOW, RULES);
    expect(d.kind).toBe('Forbidden');
    expect(allowedActions(assigned(), 'unit_staff', 99)).toEqual([]);
    // grid staff act in their grid (scope), whichever unit it was assigned to
    expect(decide(assigned(), 'fix', VALID.fix, actor('grid_member'), NOW, RULES).kind).toBe('ok');
  });
});

describe('problem machine: required fields', () => {
  const invalid = (p: MachineProblem, a: ProblemAction, input: ActionInput, role: Role = 'admin') => {
    const d = run(p, a, input, role);
    if (d.kind !== 'Invalid') throw new Error(`expected Invalid, got ${d.kind}`);
    return d.field;
  };
  it('wants reasons for reject, return, rework, extension and suspension requests', () => {
    expect(invalid(problem(), 'reject', {})).toBe('reason');
    expect(invalid(problem(), 'reject', { reason: '   ' })).toBe('reason');
    expect(invalid(assigned(), 'return', { comment: 'x' })).toBe('reason');
    expect(invalid(inState('fixed'), 'rework', {})).toBe('reason');
    expect(invalid(assigned(), 'request_extension', { deadline: new Date(NOW.getTime() + 72 * H) })).toBe('reason');
    expect(invalid(assigned(), 'request_suspension', {})).toBe('reason');
  });
  it('wants an after-photo and a note for a fix', () => {
    expect(invalid(assigned(), 'fix', { comment: '已整改' })).toBe('photos');
    expect(invalid(assigned(), 'fix', { photoCount: 2 })).toBe('comment');
  });
  it('wants the duplicate, the revisit outcome, a later requested deadline, a unit to assign to', () => {
    expect(invalid(problem(), 'mark_duplicate', {})).toBe('duplicateOf');
    expect(invalid(problem({ state: 'closed' }), 'revisit', {})).toBe('holds');
    expect(invalid(assigned(), 'request_extension', { reason: 'r' })).toBe('deadline');
    expect(invalid(assigned(), 'request_extension', { reason: 'r', deadline: new Date(NOW.getTime() + 1 * H) })).toBe(
      'deadline',
    );
    expect(invalid(problem({ state: 'verified', routedUnitId: null }), 'assign', {})).toBe('unitId');
    expect(invalid(problem({ state: 'verified' }), 'assign', { deadline: new Date(NOW.getTime() - H) })).toBe(
      'deadline',
    );
  });
  it('refuses a deadline set by hand more than a year ahead, which would never be overdue (issue 10, finding 11)', () => {
    const far = new Date('9999-12-31T00:00:00Z');
    expect(invalid(problem({ state: 'verified' }), 'assign', { deadline: far })).toBe('deadline');
    expect(
      invalid(problem({ state: 'verified' }), 'assign', { deadline: new Date(NOW.getTime() + 366 * 24 * H) }),
    ).toBe('deadline');
    expect(invalid(assigned(), 'request_extension', { reason: 'r', deadline: far })).toBe('deadline');
    const d = run(problem({ state: 'verified' }), 'assign', { deadline: new Date(NOW.getTime() + 365 * 24 * H) });
    expect(d.kind).toBe('ok');
  });
});

describe('problem machine: deadlines and counters', () => {
  it('assigns with the category hours from now, to the routed unit, starting a cycle', () => {
    const d = ok(run(problem({ state: 'verified' }), 'assign'));
    expect(d.patch).toMatchObject({
      state: 'assigned',
      assigneeUnitId: UNIT,
      deadline: new Date(NOW.getTime() + 24 * H),
      assignedAt: NOW,
      cycle: 1,
    });
    const again = ok(
      run(problem({ state: 'verified', assignedAt: bj('2026-03-01T08:00:00'), cycle: 1 }), 'assign', {
        unitId: 3,
        deadline: bj('2026-03-10T18:00:00'),
      }),
    );
    expect(again.patch).toMatchObject({
      assigneeUnitId: 3,
      deadline: bj('2026-03-10T18:00:00'),
      assignedAt: bj('2026-03-01T08:00:00'),
      cycle: 2,
    });
  });

  it('keeps the deadline on rework (rework buys no time) and counts it', () => {
    const p = inState('fixed');
    const d = ok(run(p, 'rework', { reason: '未清理干净' }));
    expect(d.patch.deadline).toBeUndefined();
    expect(d.patch).toMatchObject({ state: 'assigned', reworkCount: 1, cycle: 2, fixedAt: null });
  });

  it('moves the deadline by the time spent suspended when resuming', () => {
    const p = assigned({
      state: 'suspended',
      suspendedAt: new Date(NOW.getTime() - 30 * H),
      deadline: bj('2026-03-03T12:00:00'),
    });
    const d = ok(run(p, 'resume'));
    expect(d.patch).toMatchObject({ state: 'assigned', suspendedAt: null, deadline: bj('2026-03-04T18:00:00') });
  });

  it('closes on time when the fix came by the deadline in force', () => {
    const onTime = ok(run(inState('fixed'), 'accept'));
    expect(onTime.patch).toMatchObject({
      state: 'closed',
      closedAt: NOW,
      closedOnTime: true,
      revisitDueAt: new Date(NOW.getTime() + 7 * 24 * H),
    });
    const late = ok(run(assigned({ state: 'fixed', deadline: new Date(NOW.getTime() - H), fixedAt: NOW }), 'accept'));
    expect(late.patch.closedOnTime).toBe(false);
  });

  it('approves an extension to the requested deadline and counts it; denies without change', () => {
    const p = inState('assigned', 'approve_extension');
    expect(ok(run(p, 'approve_extension')).patch).toMatchObject({
      deadline: new Date(NOW.getTime() + 48 * H),
      extensionCount: 1,
      pendingRequest: null,
    });
    const denied = ok(run(p, 'deny_extension', { reason: '理由不充分' }));
    expect(denied.patch).toEqual({ pendingRequest: null, state: 'assigned' });
    // one pending request at a time
    expect(run(p, 'request_suspension', VALID.request_suspension, 'unit_staff').kind).toBe('IllegalTransition');
  });

  it('records a request as pending, with who asked and why', () => {
    const d = ok(decide(assigned(), 'request_extension', VALID.request_extension, actor('unit_staff'), NOW, RULES));
    expect(d.patch.pendingRequest).toMatchObject({
      kind: 'extension',
      byUserId: 7,
      byName: '测试',
      reason: '需采购材料',
      deadline: new Date(NOW.getTime() + 72 * H).toISOString(),
    });
    expect(d.patch.state).toBe('assigned');
  });

  it('reopens on relapse with a new deadline and counts it', () => {
    const d = ok(
      run(problem({ state: 'closed', cycle: 1, deadline: bj('2026-02-01T00:00:00') }), 'revisit', {
        holds: false,
        comment: '又有垃圾',
      }),
    );
    expect(d.patch).toMatchObject({
      state: 'assigned',
      relapseCount: 1,
      cycle: 2,
      deadline: new Date(NOW.getTime() + 24 * H),
      revisitedAt: NOW,
      closedAt: null,
    });
    expect(d.event).toMatchObject({ action: 'revisit', from: 'closed', to: 'assigned', comment: '又有垃圾' });
  });

  it('returns "not ours": back to verified, counted, the returning unit kept on the event', () => {
    const d = ok(decide(assigned(), 'return', { reason: '属供电公司职责' }, actor('unit_staff'), NOW, RULES));
    expect(d.patch).toMatchObject({ state: 'verified', assigneeUnitId: null, deadline: null, returnCount: 1 });
    expect(d.event.data).toEqual({ reason: '属供电公司职责', unitId: UNIT });
  });

  it('marks urgent once, in any open state', () => {
    expect(ok(run(assigned(), 'mark_urgent')).patch).toEqual({ urgent: true, state: 'assigned' });
    expect(run(assigned({ urgent: true }), 'mark_urgent').kind).toBe('IllegalTransition');
  });

  it('calls a problem overdue only while assigned and past its deadline', () => {
    const late = { deadline: new Date(NOW.getTime() - 1) };
    expect(isOverdue({ state: 'assigned', ...late }, NOW)).toBe(true);
    expect(isOverdue({ state: 'suspended', ...late }, NOW)).toBe(false);
    expect(isOverdue({ state: 'fixed', ...late }, NOW)).toBe(false);
    expect(isOverdue({ state: 'assigned', deadline: NOW }, NOW)).toBe(false);
  });
});

describe('deadlines in working days (Beijing, Mon–Fri)', () => {
  it('counts calendar hours by default', () => {
    expect(computeDeadline(bj('2026-03-06T10:00:00'), { deadlineHours: 24, workingDays: false })).toEqual(
      bj('2026-03-07T10:00:00'),
    );
  });
  it('skips the weekend: Friday 10:00 + 24 working hours = Monday 10:00', () => {
    expect(addWorkingHours(bj('2026-03-06T10:00:00'), 24)).toEqual(bj('2026-03-09T10:00:00'));
    expect(computeDeadline(bj('2026-03-06T10:00:00'), { deadlineHours: 72, workingDays: true })).toEqual(
      bj('2026-03-11T10:00:00'),
    );
  });
  it('starts on Monday when reported at the weekend', () => {
    expect(addWorkingHours(bj('2026-03-07T15:00:00'), 24)).toEqual(bj('2026-03-10T00:00:00'));
    expect(addWorkingHours(bj('2026-03-08T23:59:00'), 1)).toEqual(bj('2026-03-09T01:00:00'));
  });
  it('counts within the week and across two weekends', () => {
    expect(addWorkingHours(bj('2026-03-04T10:00:00'), 24)).toEqual(bj('2026-03-05T10:00:00'));
    expect(addWorkingHours(bj('2026-03-04T10:00:00'), 360)).toEqual(bj('2026-03-25T10:00:00')); // 15 working days
  });
  it('uses Beijing days, not UTC days: Friday 23:00 Beijing is Friday 15:00 UTC', () => {
    expect(addWorkingHours(bj('2026-03-06T23:00:00'), 2)).toEqual(bj('2026-03-09T01:00:00'));
  });
  it('works for a working-day category through assign', () => {
    const d = ok(
      decide(problem({ state: 'verified' }), 'assign', {}, actor('supervisor'), bj('2026-03-06T10:00:00'), {
        deadlineHours: 72,
        workingDays: true,
        revisitDays: 30,
      }),
    );
    expect(d.patch.deadline).toEqual(bj('2026-03-11T10:00:00'));
  });
});

describe('timeline rebuilt from events', () => {
  it('gives the state and counters the writes gave', () => {
    const s = summarizeEvents([
      { action: 'report', toState: 'reported', data: { urgent: false } },
      { action: 'verify', toState: 'verified' },
      { action: 'assign', toState: 'assigned' },
      { action: 'supervision_notice', toState: 'assigned' },
      { action: 'fix', toState: 'fixed' },
      { action: 'rework', toState: 'assigned' },
      { action: 'approve_extension', toState: 'assigned' },
      { action: 'fix', toState: 'fixed' },
      { action: 'accept', toState: 'closed' },
      { action: 'revisit', toState: 'assigned' },
      { action: 'mark_urgent', toState: 'assigned' },
    ]);
    expect(s).toEqual({
      state: 'assigned',
      urgent: true,
      cycle: 3,
      reworkCount: 1,
      relapseCount: 1,
      returnCount: 0,
      extensionCount: 1,
      supervisionCount: 1,
      accountabilityCount: 0,
    });
  });
});

describe('controllable clock', () => {
  it('stands still at its start and moves when told', () => {
    const c = controllableClock(NOW);
    expect(c.now()).toEqual(NOW);
    expect(c.advance(2 * H)).toEqual(new Date(NOW.getTime() + 2 * H));
    c.set(bj('2027-01-01T00:00:00'));
    expect(c.now()).toEqual(bj('2027-01-01T00:00:00'));
  });
  it('without a start follows the system clock plus the moves', () => {
    const c = controllableClock();
    c.advance(48 * H);
    expect(Math.abs(c.now().getTime() - (Date.now() + 48 * H))).toBeLessThan(1000);
  });
});
