import type { Queryable } from '../db/types';
import type { Role } from '../auth/roles';
import type { Scope } from '../domain/scope';
import { noticesRepository } from '../repositories/notices';
import { accountsRepository } from '../repositories/accounts';
import {
  problemsRepository,
  type DetailRow,
  type EventRow,
  type PhotoRow,
  type ProblemFilter,
  type ProblemSortKey,
  type Viewer,
} from '../repositories/problems';
import { allowedActions, isOverdue, type MachineProblem } from '../domain/problem-machine';
import { withinReach } from '../domain/problem-reach';
import type { Notice, ProblemDetail, Queue, QueueKey } from '../schemas/problems';

/** Who acts or reads: a session user, or a demo/CLI account. unitId: looked up when omitted. */
export interface ProblemActor {
  id: number;
  displayName: string;
  role: Role;
  scope: Scope;
  unitId?: number | null;
}

export async function unitOf(q: Queryable, actor: ProblemActor): Promise<number | null> {
  if (actor.unitId !== undefined) return actor.unitId;
  if (actor.role !== 'unit_staff') return null; // users_unit_only_for_unit_staff
  return accountsRepository(q).unitIdOf(actor.id);
}

type MachineFields = Pick<
  DetailRow,
  | 'state'
  | 'urgent'
  | 'assigneeUnitId'
  | 'deadline'
  | 'assignedAt'
  | 'fixedAt'
  | 'suspendedAt'
  | 'pendingRequest'
  | 'cycle'
  | 'reworkCount'
  | 'relapseCount'
  | 'returnCount'
  | 'extensionCount'
  | 'leadUnitId'
  | 'routing'
>;

/** The unit an assignment goes to by default: the grid's lead unit, else the community's. */
export const routedUnitId = (row: Pick<DetailRow, 'leadUnitId' | 'routing'>) =>
  row.leadUnitId ?? row.routing?.communityUnits?.find((u) => u.role === 'lead')?.unitId ?? null;

export const toMachine = (r: MachineFields): MachineProblem => ({
  state: r.state,
  urgent: r.urgent,
  assigneeUnitId: r.assigneeUnitId,
  routedUnitId: routedUnitId(r),
  deadline: r.deadline,
  assignedAt: r.assignedAt,
  fixedAt: r.fixedAt,
  suspendedAt: r.suspendedAt,
  pendingRequest: r.pendingRequest,
  cycle: r.cycle,
  reworkCount: r.reworkCount,
  relapseCount: r.relapseCount,
  returnCount: r.returnCount,
  extensionCount: r.extensionCount,
});

const photoRef = (p: { id: number; kind: 'before' | 'after' | 'revisit' }) => ({
  id: p.id,
  kind: p.kind,
  url: `/api/photos/${p.id}`,
  thumbUrl: `/api/photos/${p.id}/thumb`,
});

/** The caller as a reader: scope, role and (unit staff) unit. */
export const viewerOf = async (q: Queryable, actor: ProblemActor): Promise<Viewer> => ({
  scope: actor.scope,
  role: actor.role,
  unitId: await unitOf(q, actor),
});

/**
 * One problem with its routing, timeline (events + photos), notices and the caller's actions,
 * its contacts cut to what the caller may read (domain/problem-reach.ts). `ownWriteBy`: the
 * caller's own scope when `viewer` was widened to answer their own write (a report, a step).
 */
export async function problemDetail(
  q: Queryable,
  id: number,
  viewer: Viewer,
  now: Date,
  ownWriteBy?: Scope,
): Promise<ProblemDetail | null> {
  const repo = problemsRepository(q);
  const row = await repo.detailRow(id, viewer);
  if (!row) return null;
  const { events, photos } = await repo.timeline(id);
  const notices = (await noticesRepository(q).list(viewer, { problemId: id }, { limit: 100, offset: 0 })).items;
  return detailOf({ row, events, photos, notices }, viewer, now, ownWriteBy);
}

/**
 * The detail from its parts: read back (problemDetail) or as a report wrote them (services/
 * problems.ts), one shape for both (tests/api/problems-write-answer.test.ts compares them).
 */
export function detailOf(
  parts: { row: DetailRow; events: EventRow[]; photos: PhotoRow[]; notices: Notice[] },
  viewer: Viewer,
  now: Date,
  ownWriteBy?: Scope,
): ProblemDetail {
  const { row, events, photos, notices } = parts;
  const byEvent = new Map<number, ReturnType<typeof photoRef>[]>();
  for (const p of photos) byEvent.set(p.eventId, [...(byEvent.get(p.eventId) ?? []), photoRef(p)]);
  const { deadlineHours: _h, workingDays: _w, revisitDays: _r, ...problem } = row;
  const detail = {
    ...problem,
    overdue: isOverdue(row, now),
    timeline: events.map((e) => ({
      ...e,
      reason: typeof e.data?.reason === 'string' ? e.data.reason : null,
      photos: byEvent.get(e.id) ?? [],
    })),
    photos: photos.map(photoRef),
    notices,
    allowedActions: allowedActions(toMachine(row), viewer.role, viewer.unitId),
    now,
  };
  // instants are Date here; the response schema writes them as ISO strings
  return withinReach(
    detail as unknown as ProblemDetail,
    ownWriteBy === undefined ? viewer.scope : ownWriteBy,
    ownWriteBy !== undefined,
  );
}

const SUPERVISE: readonly Role[] = ['supervisor', 'commander', 'admin'];
const QUEUE_LIMIT = 50;

/** What waits for the caller, by role, each section sorted by deadline; plus what is overdue. */
export async function queueFor(q: Queryable, actor: ProblemActor, now: Date): Promise<Queue> {
  const repo = problemsRepository(q);
  const unitId = await unitOf(q, actor);
  const viewer = { scope: actor.scope, role: actor.role, unitId };
  const wanted: [QueueKey, ProblemFilter][] = [];
  let overdue: ProblemFilter = { overdue: true };
  if (SUPERVISE.includes(actor.role)) {
    wanted.push(
      ['verify', { states: ['reported'] }],
      ['assign', { states: ['verified'] }],
      ['accept', { states: ['fixed'] }],
      ['requests', { states: ['assigned'], pendingRequest: true }],
      ['revisit', { states: ['closed'], revisitDueBy: now }],
    );
  } else if (actor.role === 'unit_staff') {
    // a unit's work is what was assigned to it, not all it can see in its grids
    wanted.push(['todo', { states: ['assigned'], assigneeUnitId: unitId ?? -1 }]);
    overdue = { ...overdue, assigneeUnitId: unitId ?? -1 };
  } else if (actor.role === 'grid_leader' || actor.role === 'grid_member') {
    wanted.push(['todo', { states: ['assigned'] }]);
    if (actor.role === 'grid_leader') wanted.push(['revisit', { states: ['closed'], revisitDueBy: now }]);
  }
  const sections = [];
  for (const [key, filter] of wanted) {
    const r = await repo.list(viewer, filter, { limit: QUEUE_LIMIT, offset: 0, sort: 'queue' }, now);
    sections.push({ key, ...r });
  }
  const late = await repo.list(viewer, overdue, { limit: QUEUE_LIMIT, offset: 0, sort: 'overdue_first' }, now);
  return { at: now, sections, overdue: late } as unknown as Queue;
}

/** Open problems near a point (of a category), nearest first: possible duplicates of a report. */
export const nearbyOpenProblems = (
  q: Queryable,
  viewer: Viewer,
  lon: number,
  lat: number,
  categoryId: number | null,
  radiusM: number,
  now: Date,
) => problemsRepository(q).nearby(viewer, lon, lat, categoryId, radiusM, now);

/** One page of the problems the viewer may see, filtered. */
export async function listProblems(
  q: Queryable,
  viewer: Viewer,
  filter: ProblemFilter,
  page: { limit: number; offset: number; sort: ProblemSortKey },
  now: Date,
) {
  return { ...(await problemsRepository(q).list(viewer, filter, page, now)), limit: page.limit, offset: page.offset };
}
