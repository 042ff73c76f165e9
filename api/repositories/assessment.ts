import type { Queryable } from '../db/types';
import type { Scope } from '../domain/scope';
import type {
  InspectionPoint,
  RoundDetail,
  Scheme,
  SchemeItem,
  SchemeItemInput,
  SchemeInput,
} from '../schemas/assessment';

// SQL of inspection points, schemes and rounds (docs/ASSESSMENT.md); the only SQL text of the
// feature. Scope of points: point_visible() (sql/functions/point_visible.sql).

const SQL_POINT_TYPES = `SELECT code, name_zh AS "nameZh", name_en AS "nameEn" FROM point_types ORDER BY sort, code`;

// Validity first; the anchor and the county test only for a valid geometry (GEOS on PGlite
// returns no rows instead of raising: ARCHITECTURE decision 3).
const SQL_GEOM_CHECK = `
  WITH x AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g),
       v AS (SELECT g, ST_IsValid(g) AS valid FROM x)
  SELECT valid, CASE WHEN valid THEN NULL ELSE ST_IsValidReason(g) END AS reason,
         CASE WHEN valid THEN ST_X(ST_PointOnSurface(g)) END AS lon, CASE WHEN valid THEN ST_Y(ST_PointOnSurface(g)) END AS lat,
         CASE WHEN valid THEN EXISTS (SELECT 1 FROM areas c WHERE c.level = 'county' AND ST_Covers(c.geom, g)) ELSE false END AS inside
  FROM v`;

const SQL_AREAS_AT = `SELECT id, level::text AS level, code FROM areas_at_point($1, $2)`;

const SQL_CODE_TAKEN = `SELECT id FROM inspection_points WHERE code = $1 AND id <> coalesce($2::int, 0)`;
// the same place twice: same type and name within 10 m (geodesic)
const SQL_NEAR_TWIN = `
  SELECT id, code FROM inspection_points
  WHERE type_code = $1 AND name = $2 AND id <> coalesce($4::int, 0)
    AND ST_DWithin(geom::geography, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)::geography, 10)
  ORDER BY id LIMIT 1`;
const SQL_TYPE_EXISTS = `SELECT 1 FROM point_types WHERE code = $1`;
const SQL_POINT_LOCK = `SELECT pg_advisory_xact_lock(hashtext('inspection_points'))`;

const POINT_COLS = `
  p.id, p.code, p.name, p.type_code AS "typeCode", t.name_zh AS "typeName", p.address, ST_AsGeoJSON(p.geom, 7)::json AS geometry,
  ARRAY[ST_X(p.anchor), ST_Y(p.anchor)] AS anchor, p.grid_id AS "gridId", p.community_id AS "communityId", p.street_id AS "streetId",
  p.area_code AS "areaCode", p.lead_unit_id AS "leadUnitId", to_char(p.routed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "routedAt",
  l.score::float8 AS "latestScore", l.round_id AS "latestRoundId"`;
const POINT_FROM = `
  FROM inspection_points p JOIN point_types t ON t.code = p.type_code
  LEFT JOIN LATERAL (
    SELECT rp.round_id, rp.score FROM assessment_round_points rp JOIN assessment_rounds r ON r.id = rp.round_id
    WHERE rp.point_id = p.id AND rp.score IS NOT NULL ORDER BY r.held_on DESC, r.id DESC LIMIT 1) l ON true`;
const SQL_POINT = `SELECT ${POINT_COLS} ${POINT_FROM} WHERE p.id = $1 AND point_visible(p.area_code, $2::text[])`;
const SQL_POINTS = `SELECT ${POINT_COLS} ${POINT_FROM}
  WHERE point_visible(p.area_code, $1::text[]) AND ($2::text IS NULL OR p.type_code = $2) ORDER BY p.code LIMIT $3 OFFSET $4`;
const SQL_POINT_EXISTS = `SELECT 1 FROM inspection_points WHERE id = $1`;
const SQL_POINT_USED = `SELECT 1 FROM assessment_round_points WHERE point_id = $1 LIMIT 1`;
const SQL_POINT_DELETE = `DELETE FROM inspection_points WHERE id = $1`;

const ROUTE_PARAMS = `grid_id, community_id, street_id, area_code, lead_unit_id, routing, routed_at`;
const SQL_POINT_INSERT = `
  INSERT INTO inspection_points (code, name, type_code, address, geom, anchor, ${ROUTE_PARAMS}, created_by, created_at, updated_at)
  VALUES ($1, $2, $3, $4, ST_SetSRID(ST_GeomFromGeoJSON($5), 4326), ST_SetSRID(ST_MakePoint($6, $7), 4326), $8, $9, $10, $11, $12, $13, $14, $15, $14, $14)
  RETURNING id`;
const SQL_POINT_UPDATE = `
  UPDATE inspection_points SET code = $2, name = $3, type_code = $4, address = $5, geom = ST_SetSRID(ST_GeomFromGeoJSON($6), 4326),
    anchor = ST_SetSRID(ST_MakePoint($7, $8), 4326), grid_id = $9, community_id = $10, street_id = $11, area_code = $12, lead_unit_id = $13,
    routing = $14, routed_at = $15, updated_at = $15
  WHERE id = $1`;

const SQL_POINT_ROUNDS = `
  SELECT r.id AS "roundId", r.name, to_char(r.held_on, 'YYYY-MM-DD') AS "heldOn", rp.score::float8 AS score
  FROM assessment_round_points rp JOIN assessment_rounds r ON r.id = rp.round_id WHERE rp.point_id = $1 ORDER BY r.held_on DESC, r.id DESC`;
// the problems a finding became, with their state now (the problem is the caller's to open or not)
const SQL_POINT_FINDINGS = `
  SELECT f.id::int AS id, f.round_id AS "roundId", to_char(r.held_on, 'YYYY-MM-DD') AS "heldOn", i.code AS "itemCode", i.name_zh AS "itemName",
         f.deduction::float8 AS deduction, f.note, f.problem_id AS "problemId", pr.state::text AS "problemState"
  FROM assessment_findings f JOIN assessment_rounds r ON r.id = f.round_id JOIN assessment_items i ON i.id = f.item_id
  LEFT JOIN problems pr ON pr.id = f.problem_id
  WHERE f.point_id = $1 ORDER BY r.held_on DESC, f.id`;

const ITEM_JSON = `json_build_object('id', i.id, 'code', i.code, 'nameZh', i.name_zh, 'nameEn', i.name_en, 'maxScore', i.max_score::float8,
  'perFinding', i.per_finding::float8, 'deductionCap', i.deduction_cap::float8, 'pointTypes', i.point_types) ORDER BY i.sort, i.code`;
const SQL_SCHEMES = `
  SELECT s.id, s.code, s.version, s.name_zh AS "nameZh", s.name_en AS "nameEn", s.source_note AS "sourceNote",
         to_char(s.retired_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "retiredAt",
         (SELECT count(*)::int FROM assessment_rounds r WHERE r.scheme_id = s.id) AS "usedByRounds",
         coalesce((SELECT json_agg(${ITEM_JSON}) FROM assessment_items i WHERE i.scheme_id = s.id), '[]'::json) AS items
  FROM assessment_schemes s WHERE ($1::int IS NULL OR s.id = $1) ORDER BY s.code, s.version DESC`;
const SQL_SCHEME_LOCK = `SELECT id FROM assessment_schemes WHERE id = $1 FOR UPDATE`;
const SQL_SCHEME_CODE_TAKEN = `SELECT 1 FROM assessment_schemes WHERE code = $1`;
const SQL_SCHEME_INSERT = `
  INSERT INTO assessment_schemes (code, version, name_zh, name_en, source_note, created_by, created_at)
  VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM assessment_schemes WHERE code = $1), $2, $3, $4, $5, $6) RETURNING id`;
const SQL_SCHEME_UPDATE = `UPDATE assessment_schemes SET name_zh = $2, name_en = $3, source_note = $4 WHERE id = $1`;
const SQL_ITEMS_DELETE = `DELETE FROM assessment_items WHERE scheme_id = $1`;
const SQL_ITEM_INSERT = `
  INSERT INTO assessment_items (scheme_id, code, name_zh, name_en, max_score, per_finding, deduction_cap, point_types, sort)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;
const SQL_SCHEME_RETIRE = `UPDATE assessment_schemes SET retired_at = coalesce(retired_at, $2) WHERE id = $1`;

const SQL_CAMPAIGN_EXISTS = `SELECT 1 FROM campaigns WHERE id = $1`;
// the campaign whose period holds the day (the latest started, when several do)
const SQL_CAMPAIGN_ON = `SELECT id FROM campaigns WHERE $1::date BETWEEN starts_on AND ends_on ORDER BY starts_on DESC, id DESC LIMIT 1`;
const SQL_POINTS_MISSING = `SELECT x.id FROM unnest($1::int[]) x(id) WHERE NOT EXISTS (SELECT 1 FROM inspection_points p WHERE p.id = x.id AND point_visible(p.area_code, $2::text[]))`;
const SQL_ROUND_INSERT = `
  INSERT INTO assessment_rounds (scheme_id, campaign_id, name, kind, held_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`;
const SQL_ROUND_POINTS_INSERT = `INSERT INTO assessment_round_points (round_id, point_id) SELECT $1, x FROM unnest($2::int[]) x`;
const SQL_ROUND = `
  SELECT r.id, r.name, r.kind::text AS kind, to_char(r.held_on, 'YYYY-MM-DD') AS "heldOn", r.scheme_id AS "schemeId", r.campaign_id AS "campaignId"
  FROM assessment_rounds r WHERE r.id = $1`;
const SQL_ROUNDS = `
  SELECT r.id, r.name, r.kind::text AS kind, to_char(r.held_on, 'YYYY-MM-DD') AS "heldOn", r.scheme_id AS "schemeId",
         (SELECT count(*)::int FROM assessment_round_points rp JOIN inspection_points p ON p.id = rp.point_id
           WHERE rp.round_id = r.id AND point_visible(p.area_code, $1::text[])) AS "pointCount"
  FROM assessment_rounds r ORDER BY r.held_on DESC, r.id DESC LIMIT $2 OFFSET $3`;
// a round's points the caller may see, with their items applicable / scored and their findings
const SQL_ROUND_POINTS = `
  SELECT p.id AS "pointId", p.code, p.name, p.type_code AS "typeCode", rp.score::float8 AS score, p.community_id AS "communityId", p.street_id AS "streetId",
         (SELECT count(*)::int FROM assessment_items i WHERE i.scheme_id = r.scheme_id AND (cardinality(i.point_types) = 0 OR p.type_code = ANY (i.point_types))) AS "itemsApplicable",
         (SELECT count(*)::int FROM assessment_scores s WHERE s.round_id = r.id AND s.point_id = p.id) AS "itemsScored",
         (SELECT count(*)::int FROM assessment_findings f WHERE f.round_id = r.id AND f.point_id = p.id) AS findings,
         coalesce((SELECT array_agg(f.problem_id ORDER BY f.id) FROM assessment_findings f WHERE f.round_id = r.id AND f.point_id = p.id AND f.problem_id IS NOT NULL), '{}') AS "problemIds"
  FROM assessment_rounds r JOIN assessment_round_points rp ON rp.round_id = r.id JOIN inspection_points p ON p.id = rp.point_id
  WHERE r.id = $1 AND point_visible(p.area_code, $2::text[]) ORDER BY p.code`;
const SQL_TARGETS = `
  SELECT to_char(due_on, 'YYYY-MM-DD') AS "dueOn", min_score::float8 AS "minScore", label_zh AS label FROM assessment_targets WHERE campaign_id = $1 ORDER BY due_on`;
const SQL_ROUND_POINT_LOCK = `
  SELECT p.id, p.type_code AS "typeCode", ST_X(p.anchor) AS lon, ST_Y(p.anchor) AS lat, p.name, p.address
  FROM assessment_round_points rp JOIN inspection_points p ON p.id = rp.point_id
  WHERE rp.round_id = $1 AND rp.point_id = $2 AND point_visible(p.area_code, $3::text[]) FOR UPDATE OF rp`;
const SQL_SCORED_ITEMS = `SELECT item_id AS "itemId", score::float8 AS score FROM assessment_scores WHERE round_id = $1 AND point_id = $2`;
const SQL_SCORE_INSERT = `
  INSERT INTO assessment_scores (round_id, point_id, item_id, score, deducted, note, scored_by, scored_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
const SQL_FINDING_INSERT = `
  INSERT INTO assessment_findings (round_id, point_id, item_id, deduction, note, problem_id, created_by, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id::int AS id`;
const SQL_ROUND_POINT_SCORE = `UPDATE assessment_round_points SET score = $3 WHERE round_id = $1 AND point_id = $2`;

export interface GeomCheck {
  valid: boolean;
  reason: string | null;
  lon: number | null;
  lat: number | null;
  inside: boolean;
}
export interface PointRow {
  code: string;
  name: string;
  typeCode: string;
  address: string | null;
  geometry: string;
  lon: number;
  lat: number;
  gridId: number | null;
  communityId: number | null;
  streetId: number | null;
  areaCode: string;
  leadUnitId: number | null;
  routing: object;
  at: Date;
}
export type RoundRow = Omit<RoundDetail, 'points' | 'rollUp' | 'targets'>;
export type RoundPointRow = RoundDetail['points'][number] & { communityId: number | null; streetId: number | null };

export function assessmentRepository(db: Queryable) {
  const rows = async <T>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params)).rows;
  const one = async <T>(sql: string, params: unknown[] = []) => (await rows<T>(sql, params))[0] ?? null;
  const has = async (sql: string, params: unknown[]) => (await rows(sql, params)).length > 0;
  return {
    pointTypes: () => rows<{ code: string; nameZh: string; nameEn: string }>(SQL_POINT_TYPES),
    typeExists: (code: string) => has(SQL_TYPE_EXISTS, [code]),
    checkGeometry: async (geojson: string) => (await one<GeomCheck>(SQL_GEOM_CHECK, [geojson]))!,
    areasAt: (lon: number, lat: number) => rows<{ id: number; level: string; code: string }>(SQL_AREAS_AT, [lon, lat]),
    lockPoints: () => db.query(SQL_POINT_LOCK),
    codeTaken: (code: string, except: number | null) => has(SQL_CODE_TAKEN, [code, except]),
    nearTwin: (typeCode: string, name: string, geojson: string, except: number | null) =>
      one<{ id: number; code: string }>(SQL_NEAR_TWIN, [typeCode, name, geojson, except]),
    point: (id: number, scope: Scope) => one<InspectionPoint>(SQL_POINT, [id, scope]),
    points: (scope: Scope, typeCode: string | null, limit: number, offset: number) =>
      rows<InspectionPoint>(SQL_POINTS, [scope, typeCode, limit, offset]),
    pointExists: (id: number) => has(SQL_POINT_EXISTS, [id]),
    pointUsed: (id: number) => has(SQL_POINT_USED, [id]),
    deletePoint: (id: number) => db.query(SQL_POINT_DELETE, [id]),
    insertPoint: async (p: PointRow, by: number) =>
      (await one<{ id: number }>(SQL_POINT_INSERT, [
        p.code,
        p.name,
        p.typeCode,
        p.address,
        p.geometry,
        p.lon,
        p.lat,
        p.gridId,
        p.communityId,
        p.streetId,
        p.areaCode,
        p.leadUnitId,
        JSON.stringify(p.routing),
        p.at,
        by,
      ]))!.id,
    updatePoint: (id: number, p: PointRow) =>
      db.query(SQL_POINT_UPDATE, [
        id,
        p.code,
        p.name,
        p.typeCode,
        p.address,
        p.geometry,
        p.lon,
        p.lat,
        p.gridId,
        p.communityId,
        p.streetId,
        p.areaCode,
        p.leadUnitId,
        JSON.stringify(p.routing),
        p.at,
      ]),
    pointRounds: (id: number) =>
      rows<{ roundId: number; name: string; heldOn: string; score: number | null }>(SQL_POINT_ROUNDS, [id]),
    pointFindings: (id: number) =>
      rows<{
        id: number;
        roundId: number;
        heldOn: string;
        itemCode: string;
        itemName: string;
        deduction: number;
        note: string;
        problemId: number | null;
        problemState: string | null;
      }>(SQL_POINT_FINDINGS, [id]),

    schemes: (id: number | null = null) => rows<Scheme>(SQL_SCHEMES, [id]),
    scheme: async (id: number) => (await rows<Scheme>(SQL_SCHEMES, [id]))[0] ?? null,
    lockScheme: (id: number) => has(SQL_SCHEME_LOCK, [id]),
    schemeCodeTaken: (code: string) => has(SQL_SCHEME_CODE_TAKEN, [code]),
    /** a new scheme, or the next version of `code` */
    insertScheme: async (s: Omit<SchemeInput, 'items'>, by: number, at: Date) =>
      (await one<{ id: number }>(SQL_SCHEME_INSERT, [s.code, s.nameZh, s.nameEn, s.sourceNote ?? null, by, at]))!.id,
    updateScheme: (id: number, s: Omit<SchemeInput, 'items' | 'code'>) =>
      db.query(SQL_SCHEME_UPDATE, [id, s.nameZh, s.nameEn, s.sourceNote ?? null]),
    replaceItems: async (schemeId: number, items: SchemeItemInput[]) => {
      await db.query(SQL_ITEMS_DELETE, [schemeId]);
      for (const [k, i] of items.entries()) {
        await db.query(SQL_ITEM_INSERT, [
          schemeId,
          i.code,
          i.nameZh,
          i.nameEn,
          i.maxScore,
          i.perFinding,
          i.deductionCap ?? null,
          i.pointTypes,
          (k + 1) * 10,
        ]);
      }
    },
    retireScheme: (id: number, at: Date) => db.query(SQL_SCHEME_RETIRE, [id, at]),

    campaignExists: (id: number) => has(SQL_CAMPAIGN_EXISTS, [id]),
    campaignOn: async (day: string) => (await one<{ id: number }>(SQL_CAMPAIGN_ON, [day]))?.id ?? null,
    pointsMissing: async (ids: number[], scope: Scope) =>
      (await rows<{ id: number }>(SQL_POINTS_MISSING, [ids, scope])).map((r) => r.id),
    insertRound: async (
      r: { schemeId: number; campaignId: number | null; name: string; kind: string; heldOn: string },
      by: number,
      at: Date,
    ) =>
      (await one<{ id: number }>(SQL_ROUND_INSERT, [r.schemeId, r.campaignId, r.name, r.kind, r.heldOn, by, at]))!.id,
    insertRoundPoints: (roundId: number, pointIds: number[]) => db.query(SQL_ROUND_POINTS_INSERT, [roundId, pointIds]),
    round: (id: number) => one<RoundRow>(SQL_ROUND, [id]),
    rounds: (scope: Scope, limit: number, offset: number) =>
      rows<RoundRow & { pointCount: number }>(SQL_ROUNDS, [scope, limit, offset]),
    roundPoints: (id: number, scope: Scope) => rows<RoundPointRow>(SQL_ROUND_POINTS, [id, scope]),
    targets: (campaignId: number) =>
      rows<{ dueOn: string; minScore: number; label: string | null }>(SQL_TARGETS, [campaignId]),
    lockRoundPoint: (roundId: number, pointId: number, scope: Scope) =>
      one<{ id: number; typeCode: string; lon: number; lat: number; name: string; address: string | null }>(
        SQL_ROUND_POINT_LOCK,
        [roundId, pointId, scope],
      ),
    scoredItems: (roundId: number, pointId: number) =>
      rows<{ itemId: number; score: number }>(SQL_SCORED_ITEMS, [roundId, pointId]),
    insertScore: (
      s: { roundId: number; pointId: number; itemId: number; score: number; deducted: number; note: string | null },
      by: number,
      at: Date,
    ) => db.query(SQL_SCORE_INSERT, [s.roundId, s.pointId, s.itemId, s.score, s.deducted, s.note, by, at]),
    insertFinding: async (
      f: {
        roundId: number;
        pointId: number;
        itemId: number;
        deduction: number;
        note: string;
        problemId: number | null;
      },
      by: number,
      at: Date,
    ) =>
      (await one<{ id: number }>(SQL_FINDING_INSERT, [
        f.roundId,
        f.pointId,
        f.itemId,
        f.deduction,
        f.note,
        f.problemId,
        by,
        at,
      ]))!.id,
    setRoundPointScore: (roundId: number, pointId: number, score: number | null) =>
      db.query(SQL_ROUND_POINT_SCORE, [roundId, pointId, score]),
  };
}
export type AssessmentRepository = ReturnType<typeof assessmentRepository>;
export type { SchemeItem };
