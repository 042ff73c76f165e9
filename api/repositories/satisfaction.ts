import type { Queryable } from '../db/types';
import type { Scope } from '../domain/scope';

// SQL of satisfaction surveys, household visits (入户) and units' weekly visits to their
// contracted grids (docs/ASSESSMENT.md "Satisfaction and visits"). Communities: point_visible()
// (inside a scope area); unit rows: unit_item_visible().

const SQL_COMMUNITY = `SELECT code, level::text AS level, point_visible(code, $2::text[]) AS visible FROM areas WHERE id = $1`;
const SQL_SURVEY_INSERT = `
  INSERT INTO satisfaction_surveys (community_id, area_code, surveyed_on, respondents, satisfied, note, created_by, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`;
const SURVEY_COLS = `s.id, s.community_id AS "communityId", a.name AS "communityName", s.area_code AS "areaCode",
  to_char(s.surveyed_on, 'YYYY-MM-DD') AS "surveyedOn", s.respondents, s.satisfied,
  round(s.satisfied * 100.0 / s.respondents, 2)::float8 AS rate, s.note`;
const SQL_SURVEYS = `
  SELECT ${SURVEY_COLS} FROM satisfaction_surveys s JOIN areas a ON a.id = s.community_id
  WHERE point_visible(s.area_code, $1::text[]) AND ($2::int IS NULL OR s.id = $2) AND ($3::int IS NULL OR s.community_id = $3)
  ORDER BY s.surveyed_on DESC, s.id DESC LIMIT $4 OFFSET $5`;
const SQL_VISIT_INSERT = `
  INSERT INTO household_visits (community_id, area_code, visited_on, households, note, created_by, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`;
const SQL_VISITS = `
  SELECT v.id, v.community_id AS "communityId", a.name AS "communityName", v.area_code AS "areaCode",
         to_char(v.visited_on, 'YYYY-MM-DD') AS "visitedOn", v.households, v.note
  FROM household_visits v JOIN areas a ON a.id = v.community_id
  WHERE point_visible(v.area_code, $1::text[]) AND ($2::int IS NULL OR v.id = $2) AND ($3::int IS NULL OR v.community_id = $3)
  ORDER BY v.visited_on DESC, v.id DESC LIMIT $4 OFFSET $5`;
// per community in [from, to] (Beijing days): Σ respondents, Σ satisfied, Σ households visited
const SQL_SUMMARY = `
  SELECT c.id AS "communityId", c.code, c.name,
         coalesce(s.respondents, 0)::int AS respondents, coalesce(s.satisfied, 0)::int AS satisfied,
         coalesce(h.households, 0)::int AS households
  FROM areas c
  LEFT JOIN (SELECT community_id, sum(respondents) AS respondents, sum(satisfied) AS satisfied FROM satisfaction_surveys
             WHERE surveyed_on BETWEEN $2::date AND $3::date GROUP BY community_id) s ON s.community_id = c.id
  LEFT JOIN (SELECT community_id, sum(households) AS households FROM household_visits
             WHERE visited_on BETWEEN $2::date AND $3::date GROUP BY community_id) h ON h.community_id = c.id
  WHERE c.level = 'community' AND point_visible(c.code, $1::text[]) ORDER BY c.code`;
// each unit's contracted grids (lead or support, in force at the week's end) and its staff's
// patrol visits to them in the week
const SQL_UNIT_VISITS = `
  SELECT x.unit_id AS "unitId", u.name AS "unitName", g.id AS "gridId", g.code AS "gridCode", g.name AS "gridName",
         (SELECT count(*)::int FROM patrol_visits v JOIN users vu ON vu.id = v.user_id
          WHERE v.grid_id = g.id AND vu.unit_id = x.unit_id AND v.started_at >= $4 AND v.started_at < $5) AS visits
  FROM assignments x JOIN areas g ON g.id = x.area_id AND g.level = 'grid' JOIN units u ON u.id = x.unit_id
  WHERE x.unit_id IS NOT NULL AND assignment_in_force(x.valid_from, x.valid_to, $5 - interval '1 millisecond')
    AND unit_item_visible(x.unit_id, g.code, $1::text[], $2::text, $3::int) AND ($6::int IS NULL OR x.unit_id = $6)
  ORDER BY u.name, g.code`;

export interface SurveyRow {
  id: number;
  communityId: number;
  communityName: string;
  areaCode: string;
  surveyedOn: string;
  respondents: number;
  satisfied: number;
  rate: number;
  note: string | null;
}
export interface VisitRow {
  id: number;
  communityId: number;
  communityName: string;
  areaCode: string;
  visitedOn: string;
  households: number;
  note: string | null;
}

export function satisfactionRepository(db: Queryable) {
  return {
    async community(id: number, scope: Scope) {
      return (
        (await db.query<{ code: string; level: string; visible: boolean }>(SQL_COMMUNITY, [id, scope])).rows[0] ?? null
      );
    },
    async insertSurvey(
      s: {
        communityId: number;
        areaCode: string;
        surveyedOn: string;
        respondents: number;
        satisfied: number;
        note: string | null;
      },
      by: number,
      at: Date,
    ) {
      return (
        await db.query<{ id: number }>(SQL_SURVEY_INSERT, [
          s.communityId,
          s.areaCode,
          s.surveyedOn,
          s.respondents,
          s.satisfied,
          s.note,
          by,
          at,
        ])
      ).rows[0]!.id;
    },
    async surveys(scope: Scope, f: { id?: number; communityId?: number }, limit: number, offset: number) {
      return (await db.query<SurveyRow>(SQL_SURVEYS, [scope, f.id ?? null, f.communityId ?? null, limit, offset])).rows;
    },
    async insertVisit(
      v: { communityId: number; areaCode: string; visitedOn: string; households: number; note: string | null },
      by: number,
      at: Date,
    ) {
      return (
        await db.query<{ id: number }>(SQL_VISIT_INSERT, [
          v.communityId,
          v.areaCode,
          v.visitedOn,
          v.households,
          v.note,
          by,
          at,
        ])
      ).rows[0]!.id;
    },
    async visits(scope: Scope, f: { id?: number; communityId?: number }, limit: number, offset: number) {
      return (await db.query<VisitRow>(SQL_VISITS, [scope, f.id ?? null, f.communityId ?? null, limit, offset])).rows;
    },
    async summary(scope: Scope, from: string, to: string) {
      return (
        await db.query<{
          communityId: number;
          code: string;
          name: string;
          respondents: number;
          satisfied: number;
          households: number;
        }>(SQL_SUMMARY, [scope, from, to])
      ).rows;
    },
    async unitVisits(
      v: { scope: Scope; role: string; unitId: number | null },
      from: Date,
      to: Date,
      unitId: number | null,
    ) {
      return (
        await db.query<{
          unitId: number;
          unitName: string;
          gridId: number;
          gridCode: string;
          gridName: string;
          visits: number;
        }>(SQL_UNIT_VISITS, [v.scope, v.role, v.unitId, from, to, unitId])
      ).rows;
    },
  };
}
