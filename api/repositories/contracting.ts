import type { Queryable } from '../db/types';
import type { Person, Unit } from '../schemas/contracting';
import type { UnitType } from '../domain/contracting-labels';
import type { AssignmentRole } from '../domain/contracting-sheets';
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

// The import's upsert of people by phone: (xmax = 0) tells a new row from an updated one.
const SQL_UPSERT_PEOPLE = `
  INSERT INTO people (name, phone, user_id)
  SELECT r.name, r.phone, r."userId" FROM jsonb_to_recordset($1::jsonb) AS r(name text, phone text, "userId" int)
  ON CONFLICT (phone) DO UPDATE SET name = EXCLUDED.name, user_id = coalesce(EXCLUDED.user_id, people.user_id), updated_at = now()
  RETURNING id, phone, (xmax = 0) AS inserted`;
const SQL_PEOPLE_BY_PHONE = 'SELECT id, phone, name FROM people WHERE phone = ANY ($1::text[])';
const SQL_UNIT_KEYS = 'SELECT id, code, name FROM units';
const SQL_ACCOUNTS_BY_NAME =
  'SELECT id, lower(username) AS username FROM users WHERE lower(username) = ANY ($1::text[])';

// The export is the import's template filled in: same sheets, same rows.
const SQL_EXPORT_UNITS = `
  SELECT u.code, u.name, u.type::text AS type, u.leader_name AS leader, u.contact_name AS contact, u.contact_phone AS phone,
         CASE WHEN GeometryType(u.premises) = 'POINT' THEN ST_X(u.premises) END AS lon,
         CASE WHEN GeometryType(u.premises) = 'POINT' THEN ST_Y(u.premises) END AS lat
  FROM units u
  WHERE $1::text[] IS NULL OR EXISTS (SELECT 1 FROM assignments s JOIN areas ar ON ar.id = s.area_id WHERE s.unit_id = u.id AND area_visible(ar.code, $1::text[]))
  ORDER BY u.code`;
const SQL_EXPORT_PEOPLE = `
  SELECT p.name, p.phone, us.username FROM people p LEFT JOIN users us ON us.id = p.user_id
  WHERE $1::text[] IS NULL OR EXISTS (SELECT 1 FROM assignments s JOIN areas ar ON ar.id = s.area_id WHERE s.person_id = p.id AND area_visible(ar.code, $1::text[]))
  ORDER BY p.name, p.phone`;
const SQL_EXPORT_ASSIGNMENTS = `
  SELECT ar.code AS area, ar.name AS "areaName", a.role::text AS role, u.name AS unit, pe.name AS person, pe.phone,
         a.valid_from AS "from", a.valid_to AS "to"
  FROM assignments a JOIN areas ar ON ar.id = a.area_id
  LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN people pe ON pe.id = a.person_id
  WHERE area_visible(ar.code, $1::text[])
  ORDER BY ar.code, a.role, a.valid_from, coalesce(u.name, pe.name)`;

export interface ExportUnit {
  code: string;
  name: string;
  type: UnitType;
  leader: string | null;
  contact: string | null;
  phone: string | null;
  lon: number | null;
  lat: number | null;
}
export interface ExportPerson {
  name: string;
  phone: string;
  username: string | null;
}
export interface ExportAssignment {
  area: string;
  areaName: string;
  role: AssignmentRole;
  unit: string | null;
  person: string | null;
  phone: string | null;
  from: Date;
  to: Date | null;
}

/** Reads the GeoJSON validity of premises before they reach a GEOS overlay (DESIGN.md, PGlite). */
const SQL_GEOM_PROBLEM = `SELECT ST_IsValidReason(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) AS reason`;

export interface UnitFields {
  code?: string;
  name?: string;
  type?: string;
  leaderName?: string | null;
  contactName?: string | null;
  contactPhone?: string | null;
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
    /** Every unit's id, code and name (an import resolves names and codes against them). */
    async unitKeys() {
      return (await db.query<{ id: number; code: string; name: string }>(SQL_UNIT_KEYS)).rows;
    },
    async peopleByPhone(phones: string[]) {
      return (await db.query<{ id: number; phone: string; name: string }>(SQL_PEOPLE_BY_PHONE, [phones])).rows;
    },
    /** Account ids by lower-cased user name (people sheets name the account a person logs in with). */
    async accountIds(usernames: string[]): Promise<Map<string, number>> {
      const { rows } = await db.query<{ id: number; username: string }>(SQL_ACCOUNTS_BY_NAME, [usernames]);
      return new Map(rows.map((u) => [u.username, u.id]));
    },
    /** Inserts new phones, updates known ones; inserted: whether the row is new. */
    async upsertPeople(people: { name: string; phone: string; userId: number | null }[]) {
      return (
        await db.query<{ id: number; phone: string; inserted: boolean }>(SQL_UPSERT_PEOPLE, [JSON.stringify(people)])
      ).rows;
    },
    /** The three tables of the export, as far as the scope reaches. */
    async exportRows(scope: Scope) {
      return {
        units: (await db.query<ExportUnit>(SQL_EXPORT_UNITS, [scope])).rows,
        people: (await db.query<ExportPerson>(SQL_EXPORT_PEOPLE, [scope])).rows,
        assignments: (await db.query<ExportAssignment>(SQL_EXPORT_ASSIGNMENTS, [scope])).rows,
      };
    },
  };
}
export type ContractingRepository = ReturnType<typeof contractingRepository>;

/** Writes, inside the caller's transaction. */
export async function insertUnit(
  tx: Queryable,
  u: Required<Pick<UnitFields, 'code' | 'name' | 'type'>> & UnitFields,
): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(SQL_UNIT_INSERT, [
    u.code,
    u.name,
    u.type,
    u.leaderName ?? null,
    u.contactName ?? null,
    u.contactPhone ?? null,
    u.premises ? JSON.stringify(u.premises) : null,
  ]);
  return rows[0]!.id;
}
export async function updateUnit(tx: Queryable, id: number, u: UnitFields): Promise<boolean> {
  const has = (k: keyof UnitFields) => u[k] !== undefined;
  const { rows } = await tx.query(SQL_UNIT_UPDATE, [
    id,
    u.code ?? null,
    u.name ?? null,
    u.type ?? null,
    u.leaderName ?? null,
    u.contactName ?? null,
    u.contactPhone ?? null,
    has('leaderName'),
    has('contactName'),
    has('contactPhone'),
    has('premises'),
    u.premises ? JSON.stringify(u.premises) : null,
  ]);
  return rows.length > 0;
}
export async function insertPerson(
  tx: Queryable,
  p: { name: string; phone: string; userId?: number | null },
): Promise<number> {
  const { rows } = await tx.query<{ id: number }>(SQL_PERSON_INSERT, [p.name, p.phone, p.userId ?? null]);
  return rows[0]!.id;
}
export async function updatePerson(
  tx: Queryable,
  id: number,
  p: { name?: string; phone?: string; userId?: number | null },
): Promise<boolean> {
  const { rows } = await tx.query(SQL_PERSON_UPDATE, [
    id,
    p.name ?? null,
    p.phone ?? null,
    p.userId ?? null,
    p.userId !== undefined,
  ]);
  return rows.length > 0;
}
