import type { ProblemActor } from '../../../api/services/problems';
import type { PlannedProblem, PlanStep } from '../problems';
import type { Actors } from './actors';
import type { Live } from './replay';

/**
 * Who takes a step in the service replay: the reporter of a problem (the grid member on patrol,
 * a street's supervisor for inspections and 暗访, else the command centre) and, for every later
 * step, the accounts that may take it, best first (the planned kind, then stand-ins of the right
 * role), looked up lazily.
 */

/** A grid's staff with the span of their assignment, for patrol reports. */
export interface GridStaff {
  code: string;
  personId: number;
  name: string;
  role: string;
  from: Date;
  to: Date | null;
}

/** What finding a reporter reads: the accounts, the grids' staff by grid code, street ids by code. */
export interface ReporterSources {
  actors: Actors;
  staffOf: Map<string, GridStaff[]>;
  streets: Map<string, number>;
}

export async function reporterOf(
  { actors, staffOf, streets }: ReporterSources,
  p: PlannedProblem,
  at: number,
): Promise<ProblemActor> {
  if (p.source === 'patrol' && p.gridCode) {
    const staff = (staffOf.get(p.gridCode) ?? []).filter(
      (r) => r.from.getTime() <= at && (!r.to || r.to.getTime() > at),
    );
    // the grid member on patrol, else the leader (members sort first: role DESC)
    const who = staff[p.index % Math.max(1, staff.filter((r) => r.role === 'member').length)] ?? staff[0];
    if (who) return actors.person(who.personId, who.name);
  }
  const street = p.gridCode ? streets.get(p.gridCode.slice(0, 9)) : undefined; // 数字城管 codes: the street is the first 9 digits
  if ((p.source === 'inspection' || p.source === 'undercover') && street) return actors.supervisor(street);
  return actors.cityWide('commander');
}

const REVIEW_BY_COMMAND = new Set(['citizen', 'camera', 'higher_level']);

/**
 * Who may take a step, best first: the planned kind of account, then stand-ins with the right
 * role. Lazy: an account is looked up (or made) only when the one before it could not act.
 */
export function candidates(
  actors: Actors,
  p: PlannedProblem,
  s: PlanStep,
  l: Live,
): (() => Promise<ProblemActor | null>)[] {
  const command =
    (REVIEW_BY_COMMAND.has(p.source) && ['verify', 'reject', 'mark_duplicate', 'assign'].includes(s.action)) ||
    ['approve_extension', 'deny_extension', 'approve_suspension', 'deny_suspension', 'resume'].includes(s.action);
  const supervisor = async () => (l.streetId && !command ? actors.supervisor(l.streetId) : null);
  const commander = () => actors.cityWide('commander');
  const admin = () => actors.cityWide('admin');
  const leader = async () =>
    l.routing.leader ? actors.person(l.routing.leader.personId, l.routing.leader.name) : null;
  const member = async () =>
    l.routing.members[0] ? actors.person(l.routing.members[0].personId, l.routing.members[0].name) : null;
  const unit = async () => (l.assigneeUnitId ? actors.unit(l.assigneeUnitId) : null);
  // only a grid leader revisits among grid staff
  const revisitingLeader = async () => {
    const a = await leader();
    return a?.role === 'grid_leader' ? a : null;
  };
  switch (s.by) {
    case 'grid':
      return s.action === 'revisit' ? [revisitingLeader, supervisor, commander, admin] : [leader, member, unit, admin];
    case 'unit':
      return [unit, leader, admin];
    default:
      return [supervisor, commander, admin];
  }
}
