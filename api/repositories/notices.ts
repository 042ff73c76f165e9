import type { Queryable } from '../db/types';
import type { Notice } from '../schemas/problems';
import type { Viewer } from './problems';
import { VISIBLE } from './visibility';

// Supervision (督办) and accountability (问责) notices: the overdue sweep's set-based writes
// (services/problem-sweep.ts) and the reads for lists, printing and a problem's detail.

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
           $1, $1 + make_interval(hours => $3::int), assignee_unit_id, grid_id, area_code
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

const SQL_SUPERVISION = notices(
  'supervision',
  '督办',
  `
    SELECT p.id, p.cycle, p.assignee_unit_id, p.grid_id, p.area_code FROM problems p
    WHERE p.state = 'assigned' AND p.deadline < $1
      AND NOT EXISTS (SELECT 1 FROM problem_notices n WHERE n.problem_id = p.id AND n.kind = 'supervision' AND n.cycle = p.cycle)
    ORDER BY p.deadline, p.id
    FOR UPDATE OF p SKIP LOCKED`,
);

const SQL_ACCOUNTABILITY = notices(
  'accountability',
  '问责',
  `
    SELECT p.id, p.cycle, p.assignee_unit_id, p.grid_id, p.area_code FROM problems p
    JOIN problem_notices s ON s.problem_id = p.id AND s.kind = 'supervision' AND s.cycle = p.cycle
    WHERE p.state = 'assigned' AND p.deadline < $1 AND s.due_at < $1
      AND NOT EXISTS (SELECT 1 FROM problem_notices n WHERE n.problem_id = p.id AND n.kind = 'accountability' AND n.cycle = p.cycle)
    ORDER BY s.due_at, p.id
    FOR UPDATE OF p SKIP LOCKED`,
);

const NOTICE_COLS = `
  n.id::int AS id, n.kind::text AS kind, n.number, n.problem_id AS "problemId", n.cycle,
  n.issued_at AS "issuedAt", n.due_at AS "dueAt", n.resolved_at AS "resolvedAt", n.unit_id AS "unitId", u.name AS "unitName",
  n.grid_id AS "gridId", g.name AS "gridName", n.area_code AS "areaCode", p.state::text AS "problemState",
  p.deadline AS "problemDeadline", c.name_zh AS "categoryName", p.description, p.address`;
const NOTICE_FROM = `
  FROM problem_notices n
  JOIN problems p ON p.id = n.problem_id
  JOIN problem_categories c ON c.id = p.category_id
  LEFT JOIN units u ON u.id = n.unit_id
  LEFT JOIN areas g ON g.id = n.grid_id
  WHERE ${VISIBLE('$1', '$2', '$3')}`;
const NOTICE_FILTER = `
    AND ($4::text IS NULL OR n.kind::text = $4::text)
    AND ($5::boolean IS NULL OR (n.resolved_at IS NULL) = $5::boolean)
    AND ($6::bigint IS NULL OR n.problem_id = $6::bigint)`;
const SQL_NOTICES = `SELECT ${NOTICE_COLS} ${NOTICE_FROM} ${NOTICE_FILTER} ORDER BY n.issued_at DESC, n.id DESC LIMIT $7 OFFSET $8`;
const SQL_NOTICE_COUNT = `SELECT count(*)::int AS n ${NOTICE_FROM} ${NOTICE_FILTER}`;
const SQL_NOTICE = `SELECT ${NOTICE_COLS} ${NOTICE_FROM} AND n.id = $4`;
const SQL_NOTICE_EXISTS = `SELECT 1 FROM problem_notices WHERE id = $1`;

export type NoticeKind = 'supervision' | 'accountability';

export function noticesRepository(db: Queryable) {
  return {
    /** Serialises sweeps until the caller's transaction ends. */
    async lockSweep() {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['wangge-problem-sweep']);
    },
    /** The sweep's lock if no one holds it (another API process sweeping now): false, at once. */
    async tryLockSweep(): Promise<boolean> {
      const { rows } = await db.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [
        'wangge-problem-sweep',
      ]);
      return rows[0]!.locked;
    },
    /**
     * Raises the notices of one kind due at `now`, numbered in `year`, due `dueHours` later;
     * each with its event. The number raised.
     */
    async raise(kind: NoticeKind, now: Date, year: string, dueHours: number) {
      return (await db.query(kind === 'supervision' ? SQL_SUPERVISION : SQL_ACCOUNTABILITY, [now, year, dueHours])).rows
        .length;
    },
    async list(
      v: Viewer,
      f: { kind?: string | null; open?: boolean | null; problemId?: number | null },
      page: { limit: number; offset: number },
    ) {
      const params = [v.scope, v.role, v.unitId, f.kind ?? null, f.open ?? null, f.problemId ?? null];
      const total = (await db.query<{ n: number }>(SQL_NOTICE_COUNT, params)).rows[0]?.n ?? 0;
      const items =
        total > page.offset ? (await db.query<Notice>(SQL_NOTICES, [...params, page.limit, page.offset])).rows : [];
      return { total, items };
    },
    async byId(id: number, v: Viewer) {
      return (await db.query<Notice>(SQL_NOTICE, [v.scope, v.role, v.unitId, id])).rows[0] ?? null;
    },
    async exists(id: number) {
      return (await db.query(SQL_NOTICE_EXISTS, [id])).rows.length > 0;
    },
  };
}
export type NoticesRepository = ReturnType<typeof noticesRepository>;
