import type { Queryable } from '../db/types';
import type { IndexRules } from '../domain/assessment-index';
import type { Scope } from '../domain/scope';
import { UNIT_OF_USER } from './figures';
import { VISIBLE } from './visibility';

// SQL of the weekly 创文指数 (docs/ASSESSMENT.md "Weekly index"): the point, ledger and
// satisfaction figures per community / street / unit at a week's end, the formulas, and the
// published (frozen) weeks. The problem figures come from figures.ts (one definition).

export type IndexLevel = 'community' | 'street' | 'unit';

// the point's latest score among rounds held by the week's last day ($1 = that day)
const LATEST = `
  SELECT p.id, p.community_id, p.street_id, p.lead_unit_id, l.score
  FROM inspection_points p
  JOIN LATERAL (SELECT rp.score FROM assessment_round_points rp JOIN assessment_rounds r ON r.id = rp.round_id
                WHERE rp.point_id = p.id AND rp.score IS NOT NULL AND r.held_on <= $1::date
                ORDER BY r.held_on DESC, r.id DESC LIMIT 1) l ON true`;
const POINT_KEY: Record<IndexLevel, string> = { community: 'community_id', street: 'street_id', unit: 'lead_unit_id' };
const SQL_POINTS = (level: IndexLevel) => `
  SELECT ${POINT_KEY[level]} AS id, avg(score)::float8 AS value, count(*)::int AS n FROM (${LATEST}) x
  WHERE ${POINT_KEY[level]} IS NOT NULL GROUP BY 1`;

// ledger items due by the week's last day; passed = reviewed as passed before its end
const PASSED = `EXISTS (SELECT 1 FROM ledger_submissions s WHERE s.item_id = l.id AND s.decision = 'passed'
  AND s.reviewed_at < (($1::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'))`;
const SQL_LEDGERS = (level: IndexLevel) =>
  level === 'unit'
    ? `SELECT l.unit_id AS id, count(*)::int AS due, (count(*) FILTER (WHERE ${PASSED}))::int AS passed
       FROM ledger_items l WHERE l.due_on <= $1::date GROUP BY 1`
    : `SELECT a.id, count(*)::int AS due, (count(*) FILTER (WHERE ${PASSED}))::int AS passed
       FROM ledger_items l JOIN areas a ON a.level = '${level}' AND l.area_code LIKE a.code || '%'
       WHERE l.due_on <= $1::date GROUP BY 1`;
// surveys in the window ($2 = first day, $1 = last day)
const SQL_SATISFACTION = (level: 'community' | 'street') => `
  SELECT a.id, sum(s.respondents)::int AS respondents, sum(s.satisfied)::int AS satisfied
  FROM satisfaction_surveys s JOIN areas a ON a.level = '${level}' AND s.area_code LIKE a.code || '%'
  WHERE s.surveyed_on BETWEEN $2::date AND $1::date GROUP BY 1`;

const SQL_FORMULA = `
  SELECT id, code, version, name_zh AS "nameZh", rules FROM index_formulas
  WHERE ($1::int IS NULL OR id = $1) ORDER BY (code = 'chuangwen-index') DESC, version DESC LIMIT 1`;
const WEEK_COLS = `to_char(week_start, 'YYYY-MM-DD') AS "weekStart", formula_id AS "formulaId", year, issue, iso_utc(published_at) AS "publishedAt"`;
const SQL_WEEK = `SELECT ${WEEK_COLS} FROM index_weeks WHERE week_start = $1::date`;
const SQL_WEEK_LOCK = `SELECT pg_advisory_xact_lock(hashtext('index_weeks'))`;
const SQL_WEEKS = `SELECT ${WEEK_COLS} FROM index_weeks ORDER BY week_start DESC LIMIT $1`;
const SQL_WEEK_INSERT = `
  INSERT INTO index_weeks (week_start, formula_id, year, issue, published_by, published_at)
  VALUES ($1::date, $2, $3, (SELECT coalesce(max(issue), 0) + 1 FROM index_weeks WHERE year = $3), $4, $5)
  RETURNING ${WEEK_COLS}`;
const SQL_ROWS_INSERT = `
  INSERT INTO index_rows (week_start, level, entity_id, code, name, components, index, band, rank)
  SELECT $1::date, $2, x.id, x.code, x.name, x.components, x.index, x.band, x.rank
  FROM jsonb_to_recordset($3::jsonb) AS x (id int, code text, name text, components jsonb, index numeric, band text, rank int)`;
const SQL_ROWS = `
  SELECT entity_id AS id, code, name, components, index::float8 AS index, band, rank FROM index_rows
  WHERE week_start = $1::date AND level = $2 ORDER BY rank NULLS LAST, code`;
// the published history of a level up to a week (inclusive), oldest first, with each week's last rank
const SQL_HISTORY = `
  SELECT to_char(r.week_start, 'YYYY-MM-DD') AS "weekStart", r.entity_id AS id, r.band, r.rank,
         max(r.rank) OVER (PARTITION BY r.week_start) AS "lastRank"
  FROM index_rows r WHERE r.level = $1 AND r.week_start <= $2::date ORDER BY r.week_start`;

// problems raised from assessment findings and still open, those the caller may see
const SQL_OPEN_FINDINGS = `
  SELECT p.id AS "problemId", p.state::text AS state, pt.name AS "pointName", i.name_zh AS "itemName", f.note,
         to_char(r.held_on, 'YYYY-MM-DD') AS "heldOn", u.name AS "unitName"
  FROM assessment_findings f JOIN problems p ON p.id = f.problem_id JOIN inspection_points pt ON pt.id = f.point_id
  JOIN assessment_items i ON i.id = f.item_id JOIN assessment_rounds r ON r.id = f.round_id
  LEFT JOIN units u ON u.id = coalesce(p.assignee_unit_id, p.lead_unit_id)
  WHERE p.state NOT IN ('closed', 'invalid', 'duplicate') AND r.held_on <= $4::date AND ${VISIBLE('$1', '$2', UNIT_OF_USER('$3'))}
  ORDER BY r.held_on, f.id LIMIT 200`;

export interface Formula {
  id: number;
  code: string;
  version: number;
  nameZh: string;
  rules: IndexRules;
}
export interface WeekRow {
  weekStart: string;
  formulaId: number;
  year: number;
  issue: number;
  publishedAt: string;
}
export interface StoredRow {
  id: number;
  code: string;
  name: string;
  components: Record<string, number | null>;
  index: number | null;
  band: string | null;
  rank: number | null;
}

export function assessmentIndexRepository(db: Queryable) {
  return {
    async points(level: IndexLevel, lastDay: string) {
      return (await db.query<{ id: number; value: number; n: number }>(SQL_POINTS(level), [lastDay])).rows;
    },
    async ledgers(level: IndexLevel, lastDay: string) {
      return (await db.query<{ id: number; due: number; passed: number }>(SQL_LEDGERS(level), [lastDay])).rows;
    },
    async satisfaction(level: 'community' | 'street', lastDay: string, firstDay: string) {
      return (
        await db.query<{ id: number; respondents: number; satisfied: number }>(SQL_SATISFACTION(level), [
          lastDay,
          firstDay,
        ])
      ).rows;
    },
    async formula(id: number | null) {
      return (await db.query<Formula>(SQL_FORMULA, [id])).rows[0] ?? null;
    },
    async week(weekStart: string) {
      return (await db.query<WeekRow>(SQL_WEEK, [weekStart])).rows[0] ?? null;
    },
    async weeks(limit: number) {
      return (await db.query<WeekRow>(SQL_WEEKS, [limit])).rows;
    },
    async lockWeeks() {
      await db.query(SQL_WEEK_LOCK);
    },
    async insertWeek(weekStart: string, formulaId: number, year: number, by: number, at: Date) {
      return (await db.query<WeekRow>(SQL_WEEK_INSERT, [weekStart, formulaId, year, by, at])).rows[0]!;
    },
    async insertRows(weekStart: string, level: IndexLevel, rows: StoredRow[]) {
      await db.query(SQL_ROWS_INSERT, [weekStart, level, JSON.stringify(rows)]);
    },
    async rows(weekStart: string, level: IndexLevel) {
      return (await db.query<StoredRow>(SQL_ROWS, [weekStart, level])).rows;
    },
    async openFindings(v: { scope: Scope; role: string; userId: number | null }, lastDay: string) {
      return (
        await db.query<{
          problemId: number;
          state: string;
          pointName: string;
          itemName: string;
          note: string;
          heldOn: string;
          unitName: string | null;
        }>(SQL_OPEN_FINDINGS, [v.scope, v.role, v.userId, lastDay])
      ).rows;
    },
    async history(level: IndexLevel, upTo: string) {
      return (
        await db.query<{
          weekStart: string;
          id: number;
          band: string | null;
          rank: number | null;
          lastRank: number | null;
        }>(SQL_HISTORY, [level, upTo])
      ).rows;
    },
  };
}
