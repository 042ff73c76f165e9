import type { Queryable } from '../db/types';
import type { Person, Unit } from '../schemas/contracting';
import type { Scope } from './areas';

// Units and people. Scope: a scoped caller sees the units and people holding an assignment (at
// any time) on an area visible to them; city-wide callers see all. Counts are at $2.
const SCOPE_HOLDER = (col: string) => `($1::text[] IS NULL OR EXISTS (
  SELECT 1 FROM assignments s JOIN areas ar ON ar.id = s.area_id WHERE s.${col} AND area_visible(ar.code, $1::text[])))`;

const UNIT_COLS = `u.id, u.code, u.name, u.type::text AS type, u.leader_name AS "leaderName", u.contact_name AS "contactName",
  u.contact_phone AS "contactPhone", ST_AsGeoJSON(u.premises)::json AS premises,
  (SELECT count(*)::int FROM assignments s JOIN areas ar ON ar.id = s.area_id
    WHERE s.unit_id = u.id AND s.area_level = 'grid' AND assignment_in_force(s.valid_from, s.valid_to, $2::timestamptz) AND area_visible(ar.code, $1::text[])) AS "gridCount",
  (SELECT count(*)::int FROM assignments s JOIN areas ar ON ar.id = s.area_id
    WHERE s.unit_id = u.id AND s.area_level = 'community' AND assignment_in_force(s.valid_from, s.valid_to, $2::timestamptz) AND area_visible(ar.code, $1::text[])) AS "communityCount"`;
const SQL_UNITS = `SELECT ${UNIT_COLS} FROM units u WHERE ${SCOPE_HOLDER('unit_id = u.id')} AND ($3::int IS NULL OR u.id = $3) ORDER BY u.code`;

const PERSON_COLS = `p.id, p.name, p.phone, p.user_id AS "userId", us.username,
  (SELECT count(DISTINCT s.area_id)::int FROM assignments s JOIN areas ar ON ar.id = s.area_id
    WHERE s.person_id = p.id AND assignment_in_force(s.valid_from, s.valid_to, $2::timestamptz) AND area_visible(ar.code, $1::text[])) AS "gridCount"`;
const SQL_PEOPLE = `
  SELECT ${PERSON_COLS} FROM people p LEFT JOIN users us ON us.id = p.user_id
  WHERE ${SCOPE_HOLDER('person_id = p.id')} AND ($3::int IS NULL OR p.id = $3)
    AND ($4::text IS NULL OR p.name LIKE '%' || $4 || '%' ESCAPE '\\' OR p.phone LIKE '%' || $4 || '%' ESCAPE '\\')
  ORDER BY p.name, p.id LIMIT $5`;

const SQL_UNIT_INSERT = `
  INSERT INTO units (code, name, type, leader_name, contact_name, contact_phone, premises)
  VALUES ($1, $2, $3::unit_type, $4, $5, $6, ST_SetSRID(ST_GeomFromGeoJSON($7), 4326)) RETURNING id`;
// COALESCE keeps what the patch does not mention; $8..$11 say whether a nullable field was given.
const SQL_UNIT_UPDATE = `
  UPDATE units SET code = coalesce($2, code), name = coalesce($3, name), type = coalesce($4::unit_type, type),
    leader_name = CASE WHEN $8 THEN $5 ELSE leader_name END,
    contact_name = CASE WHEN $9 THEN $6 ELSE contact_name END,
    contact_phone = CASE WHEN $10 THEN $7 ELSE contact_phone END,
    premises = CASE WHEN $11 THEN ST_SetSRID(ST_GeomFromGeoJSON($12), 4326) ELSE premises END,
    updated_at = now()
  WHERE id = $1 RETURNING id`;
const SQL_PERSON_INSERT = `INSERT INTO people (name, phone, user_id) VALUES ($1, $2, $3) RETURNING id`;
const SQL_PERSON_UPDATE = `
  UPDATE people SET name = coalesce($2, name), phone = coalesce($3, phone),
    user_id = CASE WHEN $5 THEN $4 ELSE user_id END, updated_at = now()
  WHERE id = $1 RETURNING id`;

/** Reads the GeoJSON validity of premises before they reach a GEOS overlay (DESIGN.md, PGlite). */
const SQL_GEOM_PROBLEM = `SELECT ST_IsValidReason(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) AS reason`;

export interface UnitFields {
  code?: string; name?: string; type?: string;
  leaderName?: string | null; contactName?: string | null; contactPhone?: string | null;
  premises?: object | null;
}

export function contractingRepository(db: Queryable) {
  return {
    async units(scope: Scope, at: Date, id: number | null = null) {
      return (await db.query<Unit>(SQL_UNITS, [scope, at, id])).rows;
    },
    async people(scope: Scope, at: Date, opts: { id?: number; q?: string; limit?: number } = {}) {
      const q = opts.q ? opts.q.replace(/[\\%_]/g, (c) => `\\${c}`) : null;
      return (await db.query<Person>(SQL_PEOPLE, [scope, at, opts.id ?? null, q, opts.limit ?? 200])).rows;
    },
    async geometryProblem(geojson: object): Promise<string | null> {
      const r = (await db.query<{ reason: string }>(SQL_GEOM_PROBLEM, [JSON.stringify(geojson)])).rows[0]?.reason;
      return r && r !== 'Valid Geometry' ? r : null;
    },
  };
}
export type ContractingRepository = ReturnType<typeof contractingRepository>;

/** Writes, inside the caller's transaction. */
export async function insertUnit(tx: Queryable, u: Required<Pick<UnitFields, 'code' | 'name' | 'type'>> & UnitFields): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(SQL_UNIT_INSERT, [u.code, u.name, u.type, u.leaderName ?? null, u.contactName ?? null, u.contactPhone ?? null, u.premises ? JSON.stringify(u.premises) : null]);
  return rows[0]!.id;
}
export async function updateUnit(tx: Queryable, id: number, u: UnitFields): Promise<boolean> {
  const has = (k: keyof UnitFields) => u[k] !== undefined;
  const { rows } = await tx.query(SQL_UNIT_UPDATE, [id, u.code ?? null, u.name ?? null, u.type ?? null, u.leaderName ?? null, u.contactName ?? null, u.contactPhone ?? null,
    has('leaderName'), has('contactName'), has('contactPhone'), has('premises'), u.premises ? JSON.stringify(u.premises) : null]);
  return rows.length > 0;
}
export async function insertPerson(tx: Queryable, p: { name: string; phone: string; userId?: number | null }): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(SQL_PERSON_INSERT, [p.name, p.phone, p.userId ?? null]);
  return rows[0]!.id;
}
export async function updatePerson(tx: Queryable, id: number, p: { name?: string; phone?: string; userId?: number | null }): Promise<boolean> {
  const { rows } = await tx.query(SQL_PERSON_UPDATE, [id, p.name ?? null, p.phone ?? null, p.userId ?? null, p.userId !== undefined]);
  return rows.length > 0;
}
