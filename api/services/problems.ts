import type { Db, Queryable } from '../db/types';
import { AppError, type Msg } from '../errors';
import { ROLE_NAMES, type Role } from '../auth/roles';
import type { Clock } from '../domain/clock';
import {
  ACTION_LABELS,
  OPEN_STATES,
  decide,
  type ProblemAction,
  type ProblemPatch,
  type ProblemState,
} from '../domain/problem-machine';
import { assignmentsRepository } from '../repositories/assignments';
import { accountsRepository } from '../repositories/accounts';
import { problemsRepository, type DetailRow } from '../repositories/problems';
import type { ProblemStepWrite } from '../repositories/problem-writes';
import type { ProblemDetail, ProblemSource, Routing } from '../schemas/problems';
import { attachPhotos, checkPhotos, decodePhotos, type PhotoInput, type PreparedPhoto } from './photos';
import { problemDetail, toMachine, unitOf, type ProblemActor } from './problem-views';
import { photoEvidence, withFixProof } from './fix-proof';

export { sweepOverdue, type SweepResult } from './problem-sweep';
export {
  listProblems,
  nearbyOpenProblems,
  problemDetail,
  queueFor,
  viewerOf,
  type ProblemActor,
} from './problem-views';

export interface ReportInput {
  lon: number;
  lat: number;
  categoryId: number;
  source: ProblemSource;
  description: string;
  address?: string | null;
  photos?: PhotoInput[];
  urgent?: boolean;
  duplicateOf?: number | null;
}

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

const bad = (field: string, reason: Msg, code = 'BadRequest') =>
  new AppError(400, code, { zh: `${field}：${reason.zh}`, en: `${field}: ${reason.en}` }, [{ field, reason }]);

// 暗访 results come from media and inspectors, recorded by the supervision side only: units
// and grid staff must not be able to file (and so learn of) what is hidden from them.
const UNDERCOVER_REPORTERS: readonly Role[] = ['supervisor', 'commander', 'admin'];

interface Place {
  gridId: number | null;
  communityId: number | null;
  streetId: number | null;
  areaCode: string | null;
  streetCode: string | null;
  leaderPersonId: number | null;
  leadUnitId: number | null;
  routing: Routing;
}

/**
 * Routing at write time (DESIGN.md): the grid, community, street, leader and units in force at
 * `at` are stored with the problem. Outside every grid: the deepest area containing the point
 * and that community's units, flagged (outside_grid) as a coverage gap. Null: outside the county.
 */
async function route(tx: Queryable, lon: number, lat: number, at: Date): Promise<Place | null> {
  // the usual case first: one lookup (a grid lies inside the county, checked at its import)
  const r = await assignmentsRepository(tx).responsibility(lon, lat, at, null);
  if (r) {
    return {
      gridId: r.grid.id,
      communityId: r.community.id,
      streetId: r.street.id,
      areaCode: r.grid.code,
      streetCode: r.street.code,
      leaderPersonId: r.leader?.personId ?? null,
      leadUnitId: r.leadUnit?.unitId ?? null,
      routing: r,
    };
  }
  const repo = problemsRepository(tx);
  const areas = await repo.areasAt(lon, lat);
  if (!areas.some((a) => a.level === 'county')) return null;
  const ref = (level: string) => {
    const a = areas.find((x) => x.level === level);
    return a ? { id: a.id, code: a.code, name: a.name } : null;
  };
  const community = ref('community');
  const street = ref('street');
  const communityUnits = community ? await repo.areaUnits(community.id, at) : [];
  const deepest = community ?? street ?? ref('county');
  return {
    gridId: null,
    communityId: community?.id ?? null,
    streetId: street?.id ?? null,
    areaCode: deepest?.code ?? null,
    streetCode: street?.code ?? null,
    leaderPersonId: null,
    leadUnitId: null,
    routing: {
      at: at.toISOString(),
      grid: null,
      community,
      street,
      leader: null,
      members: [],
      leadUnit: null,
      supportUnits: [],
      communityUnits,
    },
  };
}

/** The problem a duplicate points at must exist for the caller and still be open. */
async function checkDuplicateTarget(tx: Queryable, targetId: number, selfId: number | null, actor: ProblemActor) {
  const why = (zh: string, en: string) => bad('duplicateOf', { zh, en });
  if (targetId === selfId) throw why('不能标记为自身的重复', 'a problem cannot duplicate itself');
  const t = await problemsRepository(tx).duplicateTarget(targetId, {
    scope: actor.scope,
    role: actor.role,
    unitId: await unitOf(tx, actor),
  });
  if (!t) throw why(`问题 #${targetId} 不存在`, `problem #${targetId} does not exist`);
  if (!OPEN_STATES.includes(t.state))
    throw why(`问题 #${targetId} 已办结或无效，不能作为重复的原问题`, `problem #${targetId} is not open (${t.state})`);
}

async function appendEvent(
  tx: Queryable,
  problemId: number,
  seq: number,
  e: { action: string; from: ProblemState | null; to: ProblemState; comment: string | null; data: object },
  actor: ProblemActor,
  unitId: number | null,
  at: Date,
): Promise<number> {
  return problemsRepository(tx).appendEvent({
    problemId,
    seq,
    action: e.action,
    fromState: e.from,
    toState: e.to,
    actor: { id: actor.id, name: actor.displayName, role: actor.role, unitId },
    at,
    comment: e.comment,
    data: e.data,
  });
}

/** Records a problem, routed at the clock's now, with its before-photos: all or nothing. */
/**
 * For in-process callers only (the demo seed replays thousands of fixes with a handful of
 * photos): photos already through preparePhotos, so each is decoded and re-encoded once, not
 * once per use (~40–80 ms each). Never taken from a request body.
 */
export interface PreparedPhotosOption {
  prepared?: PreparedPhoto[];
}

export async function reportProblem(
  db: Db,
  clock: Clock,
  actor: ProblemActor,
  input: ReportInput,
  options: PreparedPhotosOption = {},
): Promise<ProblemDetail> {
  const r = await recordProblem(db, clock, actor, input, options);
  // the reporter sees what they filed, even outside their own scope
  // (its routing cut to what their scope may read: no contacts of another street's grid)
  return (await problemDetail(db, r.id, { scope: null, role: actor.role, unitId: r.actorUnitId }, r.now, actor.scope))!;
}

/** What a report wrote, for callers that need no more (the demo seed records thousands). */
export interface RecordResult {
  id: number;
  routing: Routing;
  streetId: number | null;
  actorUnitId: number | null;
  now: Date;
}

/**
 * What a report needs from the database before it is written: a leaf category in use, a place
 * inside the county (routed at `now`) and an open duplicate target. Cheap (a few indexed reads):
 * run before photos are decoded, and again inside the transaction that writes.
 */
async function checkReport(q: Queryable, actor: ProblemActor, input: ReportInput, now: Date): Promise<Place> {
  const cat = await problemsRepository(q).reportCategory(input.categoryId);
  if (!cat || cat.level !== 3 || !cat.active) {
    throw bad(
      'categoryId',
      !cat
        ? { zh: `类别 ${input.categoryId} 不存在`, en: `category ${input.categoryId} does not exist` }
        : cat.level !== 3
          ? { zh: '请选择最细一级的类别（细类）', en: 'choose a leaf category (细类), not a group' }
          : { zh: '该类别已停用', en: 'this category is no longer in use' },
    );
  }
  const place = await route(q, input.lon, input.lat, now);
  if (!place) {
    const reason = { zh: '该位置不在本县（市、区）范围内', en: 'the point lies outside the county' };
    throw new AppError(
      400,
      'OutsideCounty',
      {
        zh: `位置（lon/lat）${input.lon}, ${input.lat} 不在辖区内`,
        en: `location (lon/lat) ${input.lon}, ${input.lat} is outside the county`,
      },
      [
        { field: 'lon', reason },
        { field: 'lat', reason },
      ],
    );
  }
  if (input.duplicateOf) await checkDuplicateTarget(q, input.duplicateOf, null, actor);
  return place;
}

/** reportProblem without reading the problem back. */
export async function recordProblem(
  db: Db,
  clock: Clock,
  actor: ProblemActor,
  input: ReportInput,
  options: PreparedPhotosOption = {},
): Promise<RecordResult> {
  const description = input.description.trim();
  if (!description) throw bad('description', { zh: '问题描述不能为空', en: 'must not be blank' });
  if (input.source === 'undercover' && !UNDERCOVER_REPORTERS.includes(actor.role)) {
    throw new AppError(
      403,
      'Forbidden',
      {
        zh: `${ROLE_NAMES[actor.role].zh}不能登记暗访问题（source）`,
        en: `a ${ROLE_NAMES[actor.role].en} may not record undercover problems (source)`,
      },
      [
        {
          field: 'source',
          reason: {
            zh: '暗访问题由督查组、指挥中心登记',
            en: 'undercover problems are recorded by supervisors and the command center',
          },
        },
      ],
    );
  }
  // Cheap checks before any pixel is decoded (ISSUES #10 finding 7): the photos' headers, then
  // category, place and duplicate target. Decoding (~0.1–2 s a photo) only for a report that
  // will be recorded, and outside the transaction so it holds no lock; the transaction checks
  // again, so what is written is what was true when it was written.
  const checked = options.prepared ? [] : await checkPhotos(input.photos ?? []);
  const now = clock.now();
  const unitId = await unitOf(db, actor);
  if (checked.length) await checkReport(db, actor, input, now);
  const photos = options.prepared ?? (await decodePhotos(checked));
  return db.transaction(async (tx): Promise<RecordResult> => {
    const place = await checkReport(tx, actor, input, now);
    const state: ProblemState = input.duplicateOf ? 'duplicate' : 'reported';
    const urgent = input.urgent ?? false;
    const problemId = await problemsRepository(tx).insert({
      ...place,
      categoryId: input.categoryId,
      source: input.source,
      description,
      address: input.address?.trim() || null,
      lon: input.lon,
      lat: input.lat,
      reportedBy: actor.id,
      reportedAt: now,
      state,
      urgent,
      duplicateOf: input.duplicateOf ?? null,
    });
    const data = {
      source: input.source,
      urgent,
      outsideGrid: place.gridId === null,
      ...(input.duplicateOf ? { duplicateOf: input.duplicateOf } : {}),
    };
    const eventId = await appendEvent(
      tx,
      problemId,
      1,
      { action: 'report', from: null, to: state, comment: null, data },
      actor,
      unitId,
      now,
    );
    await attachPhotos(tx, problemId, eventId, 'before', photos, actor.id, now);
    return { id: problemId, routing: place.routing, streetId: place.streetId, actorUnitId: unitId, now };
  });
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
  options: PreparedPhotosOption = {},
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
  options: PreparedPhotosOption = {},
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
