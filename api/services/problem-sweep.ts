import type { Db } from '../db/types';

/**
 * The overdue sweep (docs/PROBLEMS.md "Overdue, supervision and accountability"): one
 * supervision notice (督办通知单, due in 24 h) per problem and cycle once an assigned problem
 * passes its deadline; one accountability notice (问责通知单) per cycle once that supervision
 * notice falls due and the problem is still assigned and overdue. Each notice is also an event
 * of the problem (actor NULL = the system) and so bumps its version, like any other write.
 * Set-based: one statement per kind, whatever the number of problems.
 */
export const NOTICE_DUE_HOURS = 24;

// Candidates are locked (SKIP LOCKED: a problem in the middle of a transition is left for the
// next sweep); ON CONFLICT covers a second sweep that saw the same candidate before this one
// committed: the unique (problem, kind, cycle) keeps one notice, and no event follows a notice
// that was not inserted.
const notices = (kind: 'supervision' | 'accountability', prefix: string, candidates: string) => `
  WITH due AS (${candidates}),
  numbered AS (SELECT due.*, nextval('problem_notice_number') AS n FROM due),
  ins AS (
    INSERT INTO problem_notices (problem_id, kind, cycle, number, issued_at, due_at, unit_id, grid_id, area_code)
    SELECT id, '${kind}', cycle, '${prefix}〔' || $2 || '〕第' || lpad(n::text, 4, '0') || '号',
           $1, $1 + make_interval(hours => ${NOTICE_DUE_HOURS}), assignee_unit_id, grid_id, area_code
    FROM numbered
    ON CONFLICT ON CONSTRAINT problem_notices_once DO NOTHING
    RETURNING id, problem_id, number, due_at),
  upd AS (
    UPDATE problems p SET version = p.version + 1, updated_at = $1,
      ${kind}_count = p.${kind}_count + 1
    FROM ins WHERE p.id = ins.problem_id
    RETURNING p.id, p.version, p.state)
  INSERT INTO problem_events (problem_id, seq, action, from_state, to_state, actor_id, at, data)
  SELECT upd.id, upd.version, '${kind}_notice', upd.state, upd.state, NULL, $1,
         jsonb_build_object('noticeId', ins.id, 'number', ins.number, 'kind', '${kind}', 'dueAt', iso_utc(ins.due_at))
  FROM upd JOIN ins ON ins.problem_id = upd.id
  RETURNING problem_id`;

const SQL_SUPERVISION = notices('supervision', '督办', `
    SELECT p.id, p.cycle, p.assignee_unit_id, p.grid_id, p.area_code FROM problems p
    WHERE p.state = 'assigned' AND p.deadline < $1
      AND NOT EXISTS (SELECT 1 FROM problem_notices n WHERE n.problem_id = p.id AND n.kind = 'supervision' AND n.cycle = p.cycle)
    ORDER BY p.deadline, p.id
    FOR UPDATE OF p SKIP LOCKED`);

const SQL_ACCOUNTABILITY = notices('accountability', '问责', `
    SELECT p.id, p.cycle, p.assignee_unit_id, p.grid_id, p.area_code FROM problems p
    JOIN problem_notices s ON s.problem_id = p.id AND s.kind = 'supervision' AND s.cycle = p.cycle
    WHERE p.state = 'assigned' AND p.deadline < $1 AND s.due_at < $1
      AND NOT EXISTS (SELECT 1 FROM problem_notices n WHERE n.problem_id = p.id AND n.kind = 'accountability' AND n.cycle = p.cycle)
    ORDER BY s.due_at, p.id
    FOR UPDATE OF p SKIP LOCKED`);

const beijingYear = (d: Date) => String(new Date(d.getTime() + 8 * 3600_000).getUTCFullYear());

export interface SweepResult {
  supervision: number;
  accountability: number;
}

/**
 * Raises what is due at `now` (the app clock's). Supervision first: a problem that is overdue
 * for the first time gets its supervision notice now, and its accountability notice only when
 * that one falls due, at a later sweep. Sweeps are serialised by an advisory lock.
 */
export async function sweepOverdue(db: Db, now: Date): Promise<SweepResult> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['wangge-problem-sweep']);
    const year = beijingYear(now);
    const supervision = (await tx.query(SQL_SUPERVISION, [now, year])).rows.length;
    const accountability = (await tx.query(SQL_ACCOUNTABILITY, [now, year])).rows.length;
    return { supervision, accountability };
  });
}
