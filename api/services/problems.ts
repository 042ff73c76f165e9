import type { Db, Queryable } from '../db/types';
import { AppError, type Msg } from '../errors';
import { ROLE_NAMES } from '../auth/roles';
import type { Clock } from '../domain/clock';
import {
  ACTION_LABELS,
  decide,
  type ProblemAction,
  type ProblemPatch,
  type ProblemState,
} from '../domain/problem-machine';
import { accountsRepository } from '../repositories/accounts';
import { problemsRepository, type DetailRow } from '../repositories/problems';
import type { ProblemStepWrite } from '../repositories/problem-writes';
import type { ProblemDetail } from '../schemas/problems';
import { attachPhotos, checkPhotos, decodePhotos, type PhotoInput } from './photos';
import { problemDetail, toMachine, unitOf, type ProblemActor } from './problem-views';
import { photoEvidence, withFixProof } from './fix-proof';
import { appendEvent, bad, checkDuplicateTarget, type WriteOptions } from './problems-common';

export { sweepOverdue, type SweepResult } from './problem-sweep';
export {
  listProblems,
  nearbyOpenProblems,
  problemDetail,
  queueFor,
  viewerOf,
  type ProblemActor,
} from './problem-views';
export { recordProblem, reportProblem, type RecordResult, type ReportInput } from './problems-report';
export type { PreparedPhotosOption, WriteOptions } from './problems-common';

export interface ActionRequest {
  version: number;
  comment?: string | null;
  reason?: string | null;
  duplicateOf?: number | null;
  unitId?: number | null;
  deadline?: string | Date | null;
  holds?: boolean | null;
  photos?: PhotoInput[];
  /** where the device was at a fix (整改), checked against the site (domain/fix-proof.ts) */
  position?: { lon: number; lat: number; accuracyM: number; at: string; manual?: boolean } | null;
}

const staleVersion = (current: number, sent: number) =>
  new AppError(
    409,
    'StaleVersion',
    {
      zh: `该问题已被他人更新（当前版本 ${current}，您看到的是 ${sent}），请刷新后重试`,
      en: `the problem was changed by someone else (version ${current}, you saw ${sent}): reload and try again`,
    },
    [{ field: 'version', reason: { zh: `当前版本为 ${current}`, en: `the current version is ${current}` } }],
  );

const STATE_LABELS: Record<ProblemState, Msg> = {
  reported: { zh: '待立案', en: 'reported' },
  invalid: { zh: '不予立案', en: 'invalid' },
  duplicate: { zh: '重复', en: 'duplicate' },
  verified: { zh: '已立案待交办', en: 'verified' },
  assigned: { zh: '已交办', en: 'assigned' },
  suspended: { zh: '挂账', en: 'suspended' },
  fixed: { zh: '已整改待验收', en: 'fixed' },
  closed: { zh: '已销号', en: 'closed' },
};

const PHOTO_KIND: Partial<Record<ProblemAction, 'after' | 'revisit'>> = { fix: 'after', revisit: 'revisit' };

/** Everything the step writes: the locked row with the machine's patch over it. */
const stepWrite = (row: DetailRow, p: ProblemPatch): ProblemStepWrite => {
  const m = { ...row, ...p };
  return {
    state: m.state,
    urgent: m.urgent,
    assigneeUnitId: m.assigneeUnitId,
    verifiedAt: m.verifiedAt,
    assignedAt: m.assignedAt,
    deadline: m.deadline,
    fixedAt: m.fixedAt,
    closedAt: m.closedAt,
    closedOnTime: m.closedOnTime,
    revisitDueAt: m.revisitDueAt,
    revisitedAt: m.revisitedAt,
    suspendedAt: m.suspendedAt,
    pendingRequest: m.pendingRequest,
    duplicateOf: m.duplicateOf,
    reworkCount: m.reworkCount,
    relapseCount: m.relapseCount,
    returnCount: m.returnCount,
    extensionCount: m.extensionCount,
    cycle: m.cycle,
  };
};

/**
 * One step of the loop on problem `id`, in one transaction: lock the row (a concurrent writer
 * waits, then finds the version moved: 409 StaleVersion), check visibility (null → 404), ask the
 * machine, write the patch with version + 1, append the event (seq = new version) and photos.
 */
export async function transitionProblem(
  db: Db,
  clock: Clock,
  actor: ProblemActor,
  id: number,
  action: ProblemAction,
  input: ActionRequest,
  options: WriteOptions = {},
): Promise<ProblemDetail | null> {
  const done = await applyTransition(db, clock, actor, id, action, input, options);
  if (!done) return null;
  // the actor saw it a moment ago; should the step have moved it out of their reach, they still
  // get the answer to their own write
  const viewer = { scope: actor.scope, role: actor.role, unitId: done.actorUnitId };
  return (
    (await problemDetail(db, id, viewer, done.now)) ??
    (await problemDetail(db, id, { ...viewer, scope: null }, done.now, actor.scope))
  );
}

/** What a transition wrote, for callers that need no more (the demo seed replays thousands). */
export interface TransitionResult {
  version: number;
  state: ProblemState;
  assigneeUnitId: number | null;
  deadline: Date | null;
  cycle: number;
  /** the acting user's unit (unit staff) */
  actorUnitId: number | null;
  now: Date;
}

/** transitionProblem without reading the problem back: null when the caller cannot see it. */
export async function applyTransition(
  db: Db,
  clock: Clock,
  actor: ProblemActor,
  id: number,
  action: ProblemAction,
  input: ActionRequest,
  options: WriteOptions = {},
): Promise<TransitionResult | null> {
  const kind = PHOTO_KIND[action];
  if ((input.photos?.length || options.prepared?.length) && !kind)
    throw bad('photos', {
      zh: `「${ACTION_LABELS[action].zh}」不附照片（整改、回头看可附）`,
      en: `no photos with ${action} (only fix and revisit take photos)`,
    });
  const checked = options.prepared ? [] : await checkPhotos(input.photos ?? []);
  const photoCount = options.prepared?.length ?? checked.length;
  const deadline = input.deadline ? new Date(input.deadline) : null;
  if (deadline && Number.isNaN(deadline.getTime()))
    throw bad('deadline', { zh: '不是有效的时间', en: 'not a valid instant' });
  const now = clock.now();
  const unitId = await unitOf(db, actor);
  /** The row (null: not the caller's), its version and the machine's verdict; throws a refusal. */
  const viewer = { scope: actor.scope, role: actor.role, unitId };
  const judge = async (q: Queryable, lock: boolean) => {
    const repo = problemsRepository(q);
    const row = lock ? await repo.lock(id, viewer) : await repo.peek(id, viewer);
    if (!row) return null;
    if (row.version !== input.version) throw staleVersion(row.version, input.version);
    const d = decide(
      toMachine(row),
      action,
      {
        comment: input.comment,
        reason: input.reason,
        duplicateOf: input.duplicateOf,
        unitId: input.unitId,
        deadline,
        holds: input.holds,
        photoCount,
      },
      { id: actor.id, name: actor.displayName, role: actor.role, unitId },
      now,
      { deadlineHours: row.deadlineHours, workingDays: row.workingDays, revisitDays: row.revisitDays },
    );
    if (d.kind === 'Forbidden') {
      throw new AppError(403, 'Forbidden', {
        zh: `${ROLE_NAMES[actor.role].zh}${d.reason.zh}`,
        en: `a ${ROLE_NAMES[actor.role].en} ${d.reason.en}`,
      });
    }
    if (d.kind === 'IllegalTransition') {
      const list = d.allowed.map((a) => ACTION_LABELS[a]);
      const state = STATE_LABELS[row.state];
      throw new AppError(
        409,
        'IllegalTransition',
        {
          zh: `问题当前为「${state.zh}」，不能「${ACTION_LABELS[action].zh}」${list.length ? `；可执行：${list.map((l) => l.zh).join('、')}` : ''}`,
          en: `the problem is ${state.en}: cannot ${ACTION_LABELS[action].en}${list.length ? `; allowed: ${d.allowed.join(', ')}` : ''}`,
        },
        d.allowed.map((a) => ({ field: 'action', feature: a, reason: ACTION_LABELS[a] })),
      );
    }
    if (d.kind === 'Invalid') throw bad(d.field, d.reason, 'InvalidInput');
    return { row, d };
  };
  // A step the caller may not take (unseen, stale, forbidden, illegal) costs no decoding
  // (ISSUES #10 finding 7); the transaction asks again under the row lock.
  if (checked.length && !(await judge(db, false))) return null;
  // EXIF (time, place) of after-photos: read from the uploaded bytes, which decoding re-encodes
  const evidence = action === 'fix' ? await photoEvidence(checked) : [];
  const photos = options.prepared ?? (await decodePhotos(checked));
  return db.transaction(async (tx): Promise<TransitionResult | null> => {
    const repo = problemsRepository(tx);
    const judged = await judge(tx, true);
    if (!judged) return null;
    const { row, d } = judged;
    if (action === 'mark_duplicate') await checkDuplicateTarget(tx, input.duplicateOf!, id, actor);
    if (action === 'assign' && input.unitId && !(await accountsRepository(tx).unitExists(input.unitId))) {
      throw bad('unitId', { zh: `单位 ${input.unitId} 不存在`, en: `unit ${input.unitId} does not exist` });
    }
    const version = await repo.update(id, row.version, stepWrite(row, d.patch), now);
    if (version === null) throw staleVersion(row.version + 1, input.version); // unreachable under the row lock; kept as a guard
    // a fix carries its proof (flagged, never refused: the supervisor judges it at 验收)
    const event = action === 'fix' ? withFixProof(d.event, row, input.position, evidence) : d.event;
    const eventId = await appendEvent(tx, id, version, event, actor, unitId, now);
    if (kind) await attachPhotos(tx, id, eventId, kind, photos, actor.id, now);
    if (row.state === 'assigned' && d.event.to !== 'assigned') await repo.resolveNotices(id, now);
    await options.audit?.(tx);
    const m = { ...row, ...d.patch };
    return {
      version,
      state: m.state,
      assigneeUnitId: m.assigneeUnitId,
      deadline: m.deadline,
      cycle: m.cycle,
      actorUnitId: unitId,
      now,
    };
  });
}
