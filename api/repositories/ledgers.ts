import type { Queryable } from '../db/types';
import type { Scope } from '../domain/scope';
import type { LedgerCreate, LedgerItem } from '../schemas/assessment-ledgers';

// SQL of ledgers (台账申报, docs/ASSESSMENT.md "Ledgers"): items, submissions with their files and
// reviews, the overdue 督办 notices. Scope: unit_item_visible() (sql/functions/unit_item_visible.sql).

export interface LedgerViewer {
  scope: Scope;
  role: string;
  unitId: number | null;
}
const V = (s: string, r: string, u: string) =>
  `unit_item_visible(l.unit_id, l.area_code, ${s}::text[], ${r}::text, ${u}::int)`;

// overdue: not passed by the end of its Beijing due day, judged at $1
const ITEM_COLS = `
  l.id, l.code, l.name, l.requirement, l.scheme_id AS "schemeId", l.unit_id AS "unitId", u.name AS "unitName",
  l.area_id AS "areaId", l.area_code AS "areaCode", a.name AS "areaName", to_char(l.due_on, 'YYYY-MM-DD') AS "dueOn",
  l.state, l.submissions, l.version,
  (l.state <> 'passed' AND ((l.due_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') <= $1::timestamptz) AS overdue,
  n.number AS "noticeNumber"`;
const ITEM_FROM = `
  FROM ledger_items l JOIN units u ON u.id = l.unit_id JOIN areas a ON a.id = l.area_id
  LEFT JOIN ledger_notices n ON n.item_id = l.id AND n.kind = 'supervision'`;
const SQL_LIST = `SELECT ${ITEM_COLS} ${ITEM_FROM}
  WHERE ${V('$2', '$3', '$4')} AND ($5::text IS NULL OR l.state = $5) AND ($6::int IS NULL OR l.unit_id = $6)
  ORDER BY l.due_on, l.code LIMIT $7 OFFSET $8`;
const SQL_ONE = `SELECT ${ITEM_COLS} ${ITEM_FROM} WHERE l.id = $5 AND ${V('$2', '$3', '$4')}`;
const SQL_LOCK = `SELECT id, state, version, unit_id AS "unitId", area_code AS "areaCode" FROM ledger_items WHERE id = $1 FOR UPDATE`;
const SQL_HISTORY = `
  SELECT s.id::int AS id, s.seq, s.note, su.display_name AS "submittedBy", iso_utc(s.submitted_at) AS "submittedAt",
         s.decision, s.reason, ru.display_name AS "reviewedBy", iso_utc(s.reviewed_at) AS "reviewedAt",
         coalesce((SELECT json_agg(json_build_object('id', f.id, 'name', f.name, 'kind', f.kind, 'size', b.size) ORDER BY f.id)
                   FROM ledger_files f JOIN ledger_blobs b ON b.sha256 = f.sha256 WHERE f.submission_id = s.id), '[]'::json) AS files
  FROM ledger_submissions s LEFT JOIN users su ON su.id = s.submitted_by LEFT JOIN users ru ON ru.id = s.reviewed_by
  WHERE s.item_id = $1 ORDER BY s.seq DESC`;
const SQL_INSERT = `
  INSERT INTO ledger_items (scheme_id, code, name, requirement, unit_id, area_id, area_code, due_on, created_by, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`;
const SQL_SUBMISSION = `
  INSERT INTO ledger_submissions (item_id, seq, note, submitted_by, submitted_at)
  VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM ledger_submissions WHERE item_id = $1), $2, $3, $4) RETURNING id`;
const SQL_REVIEW = `
  UPDATE ledger_submissions SET decision = $2, reason = $3, reviewed_by = $4, reviewed_at = $5
  WHERE id = (SELECT max(id) FROM ledger_submissions WHERE item_id = $1) AND decision IS NULL`;
const SQL_SET_STATE = `
  UPDATE ledger_items SET state = $2, submissions = submissions + $3, version = version + 1, updated_at = $4 WHERE id = $1`;
const SQL_RESOLVE = `UPDATE ledger_notices SET resolved_at = $2 WHERE item_id = $1 AND resolved_at IS NULL`;
const SQL_FILE = `
  SELECT f.name, f.kind, b.bytes FROM ledger_files f JOIN ledger_blobs b ON b.sha256 = f.sha256
  JOIN ledger_submissions s ON s.id = f.submission_id JOIN ledger_items l ON l.id = s.item_id
  WHERE f.id = $1 AND ${V('$2', '$3', '$4')}`;

// Overdue items get one 督办 notice each, numbered in the loop's sequence (notices.ts).
const SQL_RAISE = `
  WITH due AS (
    SELECT l.id, l.unit_id FROM ledger_items l
    WHERE l.state <> 'passed' AND ((l.due_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') <= $1
      AND NOT EXISTS (SELECT 1 FROM ledger_notices n WHERE n.item_id = l.id AND n.kind = 'supervision')
    ORDER BY l.due_on, l.id FOR UPDATE OF l SKIP LOCKED)
  INSERT INTO ledger_notices (item_id, kind, number, issued_at, due_at, unit_id)
  SELECT id, 'supervision', '督办〔' || $2 || '〕第' || lpad(nextval('problem_notice_number')::text, 4, '0') || '号',
         $1, $1 + make_interval(hours => $3::int), unit_id
  FROM due ON CONFLICT ON CONSTRAINT ledger_notices_once DO NOTHING RETURNING id`;

// Pass rate per unit at a day: items due by then, passed by then (passed now counts; the review
// time decides), overdue = due and not passed.
const SQL_RATES = `
  WITH x AS (
    SELECT l.unit_id, u.name AS unit_name, l.due_on <= $5::date AS due,
           EXISTS (SELECT 1 FROM ledger_submissions s WHERE s.item_id = l.id AND s.decision = 'passed'
                   AND s.reviewed_at < (($5::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')) AS passed
    FROM ledger_items l JOIN units u ON u.id = l.unit_id WHERE ${V('$1', '$2', '$3')} AND ($4::int IS NULL OR l.unit_id = $4))
  SELECT unit_id AS "unitId", unit_name AS "unitName", count(*)::int AS items, count(*) FILTER (WHERE due)::int AS due,
         count(*) FILTER (WHERE due AND passed)::int AS passed, count(*) FILTER (WHERE due AND NOT passed)::int AS overdue
  FROM x GROUP BY unit_id, unit_name ORDER BY unit_name`;

export interface LedgerLock {
  id: number;
  state: 'pending' | 'submitted' | 'passed' | 'returned';
  version: number;
  unitId: number;
  areaCode: string;
}

export function ledgersRepository(db: Queryable) {
  const vp = (v: LedgerViewer) => [v.scope, v.role, v.unitId];
  return {
    async list(
      v: LedgerViewer,
      now: Date,
      f: { state?: string | null; unitId?: number | null },
      limit: number,
      offset: number,
    ) {
      return (await db.query<LedgerItem>(SQL_LIST, [now, ...vp(v), f.state ?? null, f.unitId ?? null, limit, offset]))
        .rows;
    },
    async item(id: number, v: LedgerViewer, now: Date) {
      return (await db.query<LedgerItem>(SQL_ONE, [now, ...vp(v), id])).rows[0] ?? null;
    },
    async lock(id: number) {
      return (await db.query<LedgerLock>(SQL_LOCK, [id])).rows[0] ?? null;
    },
    async history(id: number) {
      return (await db.query<Record<string, unknown>>(SQL_HISTORY, [id])).rows;
    },
    async codeTaken(code: string) {
      return (await db.query('SELECT 1 FROM ledger_items WHERE code = $1', [code])).rows.length > 0;
    },
    async unitExists(id: number) {
      return (await db.query('SELECT 1 FROM units WHERE id = $1', [id])).rows.length > 0;
    },
    async schemeExists(id: number) {
      return (await db.query('SELECT 1 FROM assessment_schemes WHERE id = $1', [id])).rows.length > 0;
    },
    async area(id: number) {
      return (
        (
          await db.query<{ code: string; level: string }>(
            'SELECT code, level::text AS level FROM areas WHERE id = $1',
            [id],
          )
        ).rows[0] ?? null
      );
    },
    async insert(input: LedgerCreate, areaCode: string, by: number, at: Date) {
      const r = await db.query<{ id: number }>(SQL_INSERT, [
        input.schemeId ?? null,
        input.code,
        input.name.trim(),
        input.requirement?.trim() || null,
        input.unitId,
        input.areaId,
        areaCode,
        input.dueOn,
        by,
        at,
      ]);
      return r.rows[0]!.id;
    },
    async insertSubmission(itemId: number, note: string | null, by: number, at: Date) {
      return Number((await db.query<{ id: string }>(SQL_SUBMISSION, [itemId, note, by, at])).rows[0]!.id);
    },
    async storeFile(submissionId: number, f: { name: string; kind: string; sha256: string; bytes: Buffer }) {
      await db.query(
        `INSERT INTO ledger_blobs (sha256, mime, size, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING`,
        [f.sha256, f.kind, f.bytes.length, f.bytes],
      );
      await db.query('INSERT INTO ledger_files (submission_id, name, kind, sha256) VALUES ($1, $2, $3, $4)', [
        submissionId,
        f.name,
        f.kind,
        f.sha256,
      ]);
    },
    async review(itemId: number, decision: string, reason: string | null, by: number, at: Date) {
      await db.query(SQL_REVIEW, [itemId, decision, reason, by, at]);
    },
    async setState(id: number, state: string, submitted: boolean, at: Date) {
      await db.query(SQL_SET_STATE, [id, state, submitted ? 1 : 0, at]);
    },
    async resolveNotice(id: number, at: Date) {
      await db.query(SQL_RESOLVE, [id, at]);
    },
    async file(id: number, v: LedgerViewer) {
      return (
        (await db.query<{ name: string; kind: string; bytes: Uint8Array }>(SQL_FILE, [id, ...vp(v)])).rows[0] ?? null
      );
    },
    async raiseNotices(now: Date, year: string, dueHours: number) {
      return (await db.query(SQL_RAISE, [now, year, dueHours])).rows.length;
    },
    async rates(v: LedgerViewer, day: string, unitId: number | null) {
      return (
        await db.query<{
          unitId: number;
          unitName: string;
          items: number;
          due: number;
          passed: number;
          overdue: number;
        }>(SQL_RATES, [...vp(v), unitId, day])
      ).rows;
    },
  };
}
export type LedgersRepository = ReturnType<typeof ledgersRepository>;
