import type { Db, Queryable } from '../db/types';
import { AppError, notFound, type Problem } from '../errors';
import { formatInstant } from '../domain/instant';
import { ROLE_LABELS, isUnitRole } from '../domain/contracting-labels';
import type { AssignmentRole } from '../domain/contracting-sheets';
import { assignmentsRepository, type Conflict, type Proposed } from '../repositories/assignments';
import type { Assignment } from '../schemas/contracting';

export type { Conflict, Proposed };
export async function findConflicts(q: Queryable, rows: Proposed[]): Promise<Conflict[]> {
  return assignmentsRepository(q).conflicts(rows);
}

export const describeConflict = (c: Conflict) => {
  const period = `${formatInstant(c.from)} — ${c.to ? formatInstant(c.to) : '今'}`;
  return {
    zh: `与已有分配 #${c.id} 冲突：${c.areaCode} ${ROLE_LABELS[c.role]} ${c.holder}（${period}）`,
    en: `conflicts with assignment #${c.id}: ${c.areaCode} ${c.role} ${c.holder} (${period.replace('今', 'open')})`,
  };
};

const isExclusion = (e: unknown) => (e as { code?: string })?.code === '23P01';

/**
 * Runs a write in one transaction; when the database refuses it for an overlapping period (a
 * concurrent writer got there first, so no pre-check could have seen it), answers 409 naming
 * the assignment that now holds the period, read after the rollback.
 */
export async function writeAssignments<T>(
  db: Db,
  proposed: () => Proposed[],
  fn: (tx: Queryable) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction(fn);
  } catch (e) {
    if (!isExclusion(e)) throw e;
    const conflicts = await findConflicts(db, proposed());
    throw conflictError(conflicts.map((c) => ({ field: 'validFrom', reason: describeConflict(c) })));
  }
}

export const conflictError = (problems: Problem[]) =>
  new AppError(
    409,
    'AssignmentConflict',
    problems.length
      ? { zh: `时间段冲突：${problems[0]!.reason.zh}`, en: `overlapping period: ${problems[0]!.reason.en}` }
      : { zh: '时间段与已有分配冲突', en: 'the period overlaps an existing assignment' },
    problems,
  );

const ASSIGNMENT = { zh: '该分配记录', en: 'assignment' };

/** Checks the area and holder of a new assignment; returns the area's level. */
export async function checkTarget(
  tx: Queryable,
  areaId: number,
  role: AssignmentRole,
  unitId: number | null,
  personId: number | null,
): Promise<'grid' | 'community'> {
  const unit = isUnitRole(role);
  if (unit ? !unitId || personId : !personId || unitId) {
    throw new AppError(
      422,
      'BadHolder',
      unit
        ? {
            zh: `${ROLE_LABELS[role]}需要 unitId，不能有 personId`,
            en: `a ${role} assignment needs unitId and no personId`,
          }
        : {
            zh: `${ROLE_LABELS[role]}需要 personId，不能有 unitId`,
            en: `a ${role} assignment needs personId and no unitId`,
          },
      [{ field: unit ? 'unitId' : 'personId', reason: { zh: '必填', en: 'required' } }],
    );
  }
  const repo = assignmentsRepository(tx);
  const level = await repo.areaLevel(areaId);
  if (level !== 'grid' && level !== 'community') {
    throw new AppError(
      422,
      'BadArea',
      { zh: `区域 ${areaId} 不存在或不是网格/社区`, en: `area ${areaId} does not exist or is not a grid or community` },
      [{ field: 'areaId', reason: { zh: '应为网格或社区', en: 'must be a grid or community' } }],
    );
  }
  if (level === 'community' && !unit) {
    throw new AppError(
      422,
      'BadArea',
      { zh: '网格长、网格员只能分配到网格', en: 'grid leaders and members are assigned to grids, not communities' },
      [{ field: 'areaId', reason: { zh: '应为网格', en: 'must be a grid' } }],
    );
  }
  if (!(await repo.holderExists(unit ? { unitId: unitId! } : { personId: personId! }))) {
    throw new AppError(
      422,
      'UnknownHolder',
      unit
        ? { zh: `单位 ${unitId} 不存在`, en: `unit ${unitId} does not exist` }
        : { zh: `人员 ${personId} 不存在`, en: `person ${personId} does not exist` },
      [{ field: unit ? 'unitId' : 'personId', reason: { zh: '不存在', en: 'does not exist' } }],
    );
  }
  return level;
}

export async function insertAssignment(tx: Queryable, p: Proposed, level: string): Promise<number> {
  return assignmentsRepository(tx).insert(p, level);
}

const byId = async (q: Queryable, id: number): Promise<Assignment> => (await assignmentsRepository(q).byId(id))!;

export async function createAssignment(db: Db, p: Omit<Proposed, 'i'>): Promise<Assignment> {
  const proposed = { ...p, i: 0 };
  if (p.to && p.to <= p.from)
    throw new AppError(422, 'BadPeriod', { zh: '结束时间必须晚于开始时间', en: 'validTo must be after validFrom' }, [
      { field: 'validTo', reason: { zh: '早于或等于开始时间', en: 'not after validFrom' } },
    ]);
  return writeAssignments(
    db,
    () => [proposed],
    async (tx) => byId(tx, await createIn(tx, proposed)),
  );
}

/** Checks and inserts one assignment inside the caller's transaction; returns its id. */
export async function createIn(tx: Queryable, proposed: Proposed): Promise<number> {
  const level = await checkTarget(tx, proposed.areaId, proposed.role, proposed.unitId, proposed.personId);
  const conflicts = await findConflicts(tx, [proposed]);
  if (conflicts.length)
    throw conflictError(conflicts.map((c) => ({ field: 'validFrom', reason: describeConflict(c) })));
  return insertAssignment(tx, proposed, level);
}

/**
 * Ends assignment `id` at `at`, once (sql/migrations/012): an assignment that a close or a
 * reassignment has already ended is not ended again, whatever the instant, so of concurrent
 * close/reassign steps exactly one wins and a later, earlier-dated one cannot open a gap
 * behind a successor (ISSUES #10 finding 10).
 */
export async function closeIn(tx: Queryable, id: number, at: Date) {
  const repo = assignmentsRepository(tx);
  // Locked: a concurrent step waits here for the first one's commit and then reads its end.
  const cur = await repo.lockForEnd(id);
  if (!cur) throw notFound(ASSIGNMENT);
  if (cur.ended) {
    throw new AppError(
      409,
      'AlreadyEnded',
      {
        zh: `分配 #${id} 已于 ${formatInstant(cur.to!)} 结束（已被关闭或改派，可能是他人刚刚操作），不能再次结束或改派，请刷新后查看`,
        en: `assignment #${id} already ended at ${cur.to!.toISOString()} (closed or reassigned, perhaps by someone else just now): it cannot be ended or reassigned again; reload`,
      },
      [{ field: 'at', reason: { zh: '该分配已结束', en: 'the assignment has already ended' } }],
    );
  }
  if (at <= cur.from)
    throw new AppError(
      422,
      'BadPeriod',
      {
        zh: `结束时间必须晚于开始时间 ${formatInstant(cur.from)}`,
        en: `the end must be after the start ${cur.from.toISOString()}`,
      },
      [{ field: 'at', reason: { zh: '早于开始时间', en: 'before the start' } }],
    );
  if (cur.to && at >= cur.to) {
    throw new AppError(
      422,
      'BadPeriod',
      {
        zh: `分配 #${id} 的期限到 ${formatInstant(cur.to)} 为止，结束时间（at）必须早于它`,
        en: `assignment #${id} runs until ${cur.to.toISOString()}: the end (at) must be before it`,
      },
      [{ field: 'at', reason: { zh: '不早于原定结束时间', en: 'not before the planned end' } }],
    );
  }
  await repo.end(id, at);
  return { areaId: cur.areaId, level: cur.level, role: cur.role, oldTo: cur.to };
}

export async function closeAssignment(db: Db, id: number, at: Date): Promise<Assignment> {
  return db.transaction(async (tx) => {
    await closeIn(tx, id, at);
    return byId(tx, id);
  });
}

/** Ends assignment `id` at `at` and opens the same area and role for a new holder from `at`. */
export async function reassignAssignment(db: Db, id: number, at: Date, holder: { unitId?: number; personId?: number }) {
  const proposed: { row: Proposed | null } = { row: null };
  return writeAssignments(
    db,
    () => (proposed.row ? [proposed.row] : []),
    async (tx) => {
      const opened = await reassignIn(tx, id, at, holder, proposed);
      return { closed: await byId(tx, id), opened: await byId(tx, opened) };
    },
  );
}

/**
 * The reassignment inside the caller's transaction (the zone editor's apply runs many in one);
 * `proposed.row` is set to the row it opens, for the 409 that names a concurrent winner.
 */
export async function reassignIn(
  tx: Queryable,
  id: number,
  at: Date,
  holder: { unitId?: number; personId?: number },
  proposed: { row: Proposed | null } = { row: null },
): Promise<number> {
  const old = await closeIn(tx, id, at);
  const level = await checkTarget(tx, old.areaId, old.role, holder.unitId ?? null, holder.personId ?? null);
  proposed.row = {
    i: 0,
    areaId: old.areaId,
    role: old.role,
    unitId: holder.unitId ?? null,
    personId: holder.personId ?? null,
    from: at,
    to: old.oldTo,
  };
  const conflicts = await findConflicts(tx, [proposed.row]);
  if (conflicts.length)
    throw conflictError(
      conflicts.map((c) => ({ field: isUnitRole(old.role) ? 'unitId' : 'personId', reason: describeConflict(c) })),
    );
  return insertAssignment(tx, proposed.row, level);
}
