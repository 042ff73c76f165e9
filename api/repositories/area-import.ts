import type { Queryable } from '../db/types';
import type { AreaLevel } from '../schemas/areas';
import type { CleanAreaFeature } from '../domain/geojson-validate';

// The GeoJSON import's reads and writes (api/services/area-import.ts runs them in one
// transaction): PostGIS validity, the insert, and the containment and overlap checks of
// sql/functions (area_containment_violations, area_overlap_violations) over the new rows.
// A MultiPolygon is judged whole (parts sharing an edge make it invalid); the parts of a merged
// area (GeometryCollection) are judged one by one, since they are dissolved afterwards.
const SQL_VALIDITY = `
  SELECT x.i, ST_IsValidReason(x.g) AS reason FROM (
    SELECT (f.ordinality - 1)::int AS i, d.g
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY f
    CROSS JOIN LATERAL (SELECT ST_Force2D(ST_GeomFromGeoJSON(f.value::text)) AS whole) w
    CROSS JOIN LATERAL (
      SELECT (ST_Dump(w.whole)).geom AS g WHERE GeometryType(w.whole) = 'GEOMETRYCOLLECTION'
      UNION ALL SELECT w.whole WHERE GeometryType(w.whole) <> 'GEOMETRYCOLLECTION') d
  ) x
  WHERE NOT ST_IsValid(x.g)`;

// Parts of one area (same code and name) arrive as a GeometryCollection of valid polygons and
// are dissolved; a plain MultiPolygon is stored as it is (its validity was checked above).
const SQL_INSERT = `
  INSERT INTO areas (level, code, name, parent_id, geom)
  SELECT $1::area_level, f->>'code', f->>'name', (f->>'parentId')::int,
         ST_Multi(ST_CollectionExtract(
           CASE WHEN f->'geometry'->>'type' = 'GeometryCollection'
                THEN ST_UnaryUnion(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326)))
                ELSE ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326)) END, 3))
  FROM jsonb_array_elements($2::jsonb) f
  RETURNING id, code`;

const SQL_CODES_AT_LEVEL = 'SELECT id, code FROM areas WHERE code = ANY ($1::text[]) AND level = $2::area_level';
const SQL_NAMES_BY_CODE = 'SELECT code, name FROM areas WHERE code = ANY ($1::text[])';
const SQL_LABELS_BY_ID = 'SELECT id, code, name FROM areas WHERE id = ANY ($1::int[])';
const SQL_CONTAINMENT = 'SELECT * FROM area_containment_violations($1::int[], $2)';
const SQL_OVERLAPS = 'SELECT * FROM area_overlap_violations($1::int[], $2)';

export interface AreaInsertRow {
  code: string;
  name: string;
  parentId: number | null;
  geometry: CleanAreaFeature['geometry'];
}

export function areaImportRepository(tx: Queryable) {
  return {
    /** Geometries PostGIS finds invalid: their index in the list and ST_IsValidReason. */
    async invalidGeometries(geometries: CleanAreaFeature['geometry'][]) {
      return (await tx.query<{ i: number; reason: string }>(SQL_VALIDITY, [JSON.stringify(geometries)])).rows;
    },
    async insert(level: AreaLevel, rows: AreaInsertRow[]) {
      return (await tx.query<{ id: number; code: string }>(SQL_INSERT, [level, JSON.stringify(rows)])).rows;
    },
    /** Stored areas of one level among these codes: code → id. */
    async idsAtLevel(codes: string[], level: AreaLevel): Promise<Map<string, number>> {
      const { rows } = await tx.query<{ id: number; code: string }>(SQL_CODES_AT_LEVEL, [codes, level]);
      return new Map(rows.map((r) => [r.code, r.id]));
    },
    /** Stored areas among these codes, of any level: code → name. */
    async namesByCode(codes: string[]): Promise<Map<string, string>> {
      const { rows } = await tx.query<{ code: string; name: string }>(SQL_NAMES_BY_CODE, [codes]);
      return new Map(rows.map((r) => [r.code, r.name]));
    },
    /** "code name" of areas by id, for messages. */
    async labels(ids: number[]): Promise<Map<number, string>> {
      const { rows } = await tx.query<{ id: number; code: string; name: string }>(SQL_LABELS_BY_ID, [ids]);
      return new Map(rows.map((r) => [r.id, `${r.code} ${r.name}`]));
    },
    /** New areas sticking out of their parent by more than toleranceM metres. */
    async containmentViolations(ids: number[], toleranceM: number) {
      return (
        await tx.query<{ id: number; parent_id: number; outside_m2: number; outside_max_m: number }>(SQL_CONTAINMENT, [
          ids,
          toleranceM,
        ])
      ).rows;
    },
    /** New areas overlapping a sibling by more than overlapM2 square metres. */
    async overlapViolations(ids: number[], overlapM2: number) {
      return (await tx.query<{ a_id: number; b_id: number; overlap_m2: number }>(SQL_OVERLAPS, [ids, overlapM2])).rows;
    },
  };
}
export type AreaImportRepository = ReturnType<typeof areaImportRepository>;
