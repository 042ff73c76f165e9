import type { Queryable } from '../db/types';
import { AppError, type Msg } from '../errors';
import { OPEN_STATES, type ProblemState } from '../domain/problem-machine';
import { problemsRepository } from '../repositories/problems';
import type { PreparedPhoto } from './photos';
import { unitOf, type ProblemActor } from './problem-views';

// What the report (problems-report.ts) and the steps (problems.ts) share.

export const bad = (field: string, reason: Msg, code = 'BadRequest') =>
  new AppError(400, code, { zh: `${field}：${reason.zh}`, en: `${field}: ${reason.en}` }, [{ field, reason }]);

/** The problem a duplicate points at must exist for the caller and still be open. */
export async function checkDuplicateTarget(
  tx: Queryable,
  targetId: number,
  selfId: number | null,
  actor: ProblemActor,
) {
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

export async function appendEvent(
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

/**
 * For in-process callers only (the demo seed replays thousands of fixes with a handful of
 * photos): photos already through preparePhotos, so each is decoded and re-encoded once, not
 * once per use (~40–80 ms each). Never taken from a request body.
 */
export interface PreparedPhotosOption {
  prepared?: PreparedPhoto[];
}

/**
 * A write's options: prepared photos (above) and `audit`, the request's audit row, appended last
 * inside the write's own transaction (plugins/auth.ts auditWithin): no statement after the answer.
 */
export interface WriteOptions extends PreparedPhotosOption {
  audit?: (tx: Queryable) => Promise<void>;
}
