import type { Queryable } from '../db/types';
import type { Assignment, Responsibility, ResponsibilityCoverage, UnitGrids } from '../schemas/contracting';
import type { AssignmentRole } from '../domain/contracting-sheets';
import type { Scope } from './areas';

// Assignments, the responsibility lookup and the coverage of responsibility. Reads take the
// caller's scope and apply it in SQL (area_visible), like every other read.
export const ASSIGNMENT_SELECT = `
  SELECT a.id, a.area_id AS "areaId", ar.code AS "areaCode", ar.name AS "areaName", a.area_level::text AS "areaLevel",
         a.role::text AS role, a.unit_id AS "unitId", u.name AS "unitName", a.person_id AS "personId",
         p.name AS "personName", p.phone, a.valid_from AS "validFrom", a.valid_to AS "validTo"
  FROM assignments a JOIN areas ar ON ar.id = a.area_id
  LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN people p ON p.id = a.person_id`;

const SQL_BY_ID = `${ASSIGNMENT_SELECT} WHERE a.id = $1`;
const SQL_HISTORY = `${ASSIGNMENT_SELECT} WHERE a.area_id = $1 ORDER BY a.valid_from DESC, a.id DESC`;

const SQL_RESPONSIBILITY = `SELECT * FROM responsibility_at($1, $2, $3::timestamptz) WHERE area_visible(grid_code, $4::text[])`;
/** The grid at a point and whether the caller's scope reaches it: the cache's only query on a hit. */
const SQL_GRID_AT = `
  SELECT g.id, area_visible(g.code, $3::text[]) AS visible FROM areas g WHERE g.id = grid_at($1, $2)`;
/** A grid's responsibility at an instant (at its label point) and the interval it holds for. */
const SQL_GRID_RESPONSIBILITY = `
  SELECT r.*, w.since, w.until
  FROM areas g, responsibility_at(ST_X(g.label_point), ST_Y(g.label_point), $2::timestamptz) r,
       responsibility_window(g.id, $2::timestamptz) w
  WHERE g.id = $1 AND r.grid_id = g.id`;

const SQL_UNIT_ZONES = `
  SELECT a.id AS "assignmentId", ar.id AS "areaId", ar.code, ar.name, ar.level::text AS level, a.role::text AS role,
         ar.area_m2 AS "areaM2", a.valid_from AS "validFrom", a.valid_to AS "validTo"
  FROM assignments a JOIN areas ar ON ar.id = a.area_id
  WHERE a.unit_id = $1 AND assignment_in_force(a.valid_from, a.valid_to, $2::timestamptz) AND area_visible(ar.code, $3::text[])
  ORDER BY ar.code`;

// Gaps at an instant. NOT EXISTS over the (area_id, valid_from) index: one probe per grid.
const GAP_GRIDS = (role: 'lead' | 'leader') => `
  SELECT g.id, g.code, g.name, c.name AS "communityName"
  FROM areas g JOIN areas c ON c.id = g.parent_id
  WHERE g.level = 'grid' AND area_visible(g.code, $2::text[])
    AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.area_id = g.id AND a.role = '${role}'
                      AND assignment_in_force(a.valid_from, a.valid_to, $1::timestamptz))
  ORDER BY g.code`;
const SQL_GRID_COUNT = `SELECT count(*)::int AS n FROM areas g WHERE g.level = 'grid' AND area_visible(g.code, $1::text[])`;
// Units only count as idle for a city-wide caller: a scoped one cannot tell idle from elsewhere.
const SQL_IDLE_UNITS = `
  SELECT u.id, u.code, u.name, u.type::text AS type,
         (SELECT count(*)::int FROM assignments a WHERE a.unit_id = u.id AND a.area_level = 'community'
            AND assignment_in_force(a.valid_from, a.valid_to, $1::timestamptz)) AS communities
  FROM units u
  WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.unit_id = u.id AND a.area_level = 'grid'
                      AND assignment_in_force(a.valid_from, a.valid_to, $1::timestamptz))
  ORDER BY u.code`;

// The rows that the exclusion constraints of 003-contracting.sql would set against a proposed
// one: same area and overlapping period, and the same exclusive role or the same holder.
const SQL_CONFLICTS = `
  SELECT p.i, a.id, a.role::text AS role, a.valid_from AS "from", a.valid_to AS "to", ar.code AS "areaCode",
         coalesce(u.name, pe.name) AS holder
  FROM jsonb_to_recordset($1::jsonb) AS p(i int, "areaId" int, role text, "unitId" int, "personId" int, "from" timestamptz, "to" timestamptz)
  JOIN assignments a ON a.area_id = p."areaId"
   AND tstzrange(a.valid_from, a.valid_to) && tstzrange(p."from", p."to")
   AND ((p.role IN ('lead', 'leader') AND a.role::text = p.role) OR a.unit_id = p."unitId" OR a.person_id = p."personId")
  JOIN areas ar ON ar.id = a.area_id
  LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN people pe ON pe.id = a.person_id
  ORDER BY p.i, a.valid_from`;
// Proposed rows that are stored already, exactly (an import run twice changes nothing).
const SQL_UNCHANGED = `
  SELECT p.i FROM jsonb_to_recordset($1::jsonb) AS p(i int, "areaId" int, role text, "unitId" int, "personId" int, "from" timestamptz, "to" timestamptz)
  WHERE EXISTS (SELECT 1 FROM assignments a WHERE a.area_id = p."areaId" AND a.role::text = p.role
    AND a.unit_id IS NOT DISTINCT FROM p."unitId" AND a.person_id IS NOT DISTINCT FROM p."personId"
    AND a.valid_from = p."from" AND a.valid_to IS NOT DISTINCT FROM p."to")`;
const SQL_INSERT = `
  INSERT INTO assignments (area_id, area_level, role, unit_id, person_id, valid_from, valid_to)
  VALUES ($1, $2::area_level, $3::assignment_role, $4, $5, $6, $7) RETURNING id`;
const SQL_INSERT_MANY = `
  INSERT INTO assignments (area_id, area_level, role, unit_id, person_id, valid_from, valid_to)
  SELECT p."areaId", p.level::area_level, p.role::assignment_role, p."unitId", p."personId", p."from", p."to"
  FROM jsonb_to_recordset($1::jsonb) AS p("areaId" int, level text, role text, "unitId" int, "personId" int, "from" timestamptz, "to" timestamptz)`;
// The row a close or reassignment ends, locked: a concurrent step waits here for the first one's
// commit and then reads its end (READ COMMITTED re-reads a row it waited for).
const SQL_LOCK_FOR_END = `
  SELECT area_id AS "areaId", area_level::text AS level, role::text AS role, valid_from AS "from", valid_to AS "to", ended
  FROM assignments WHERE id = $1 FOR UPDATE`;
const SQL_END = 'UPDATE assignments SET valid_to = $2, ended = true WHERE id = $1 AND NOT ended';
const SQL_AREA_LEVEL = 'SELECT level::text AS level FROM areas WHERE id = $1';
const SQL_UNIT_EXISTS = 'SELECT 1 FROM units WHERE id = $1';
const SQL_PERSON_EXISTS = 'SELECT 1 FROM people WHERE id = $1';

/** A period someone wants to write; i: its place in the request (an import's row). */
export interface Proposed {
  i: number;
  areaId: number;
  role: AssignmentRole;
  unitId: number | null;
  personId: number | null;
  from: Date;
  to: Date | null;
}
export interface Conflict {
  i: number;
  id: number;
  role: AssignmentRole;
  from: Date;
  to: Date | null;
  areaCode: string;
  holder: string;
}
export interface EndingRow {
  areaId: number;
  level: string;
  role: AssignmentRole;
  from: Date;
  to: Date | null;
  ended: boolean;
}

interface ResponsibilityRow {
  grid_id: number;
  grid_code: string;
  grid_name: string;
  grid_area_m2: number;
  community_id: number;
  community_code: string;
  community_name: string;
  street_id: number;
  street_code: string;
  street_name: string;
  staff: Responsibility['members'];
  units: Responsibility['supportUnits'][number][];
}

/** The answer of a responsibility row at `at`: staff and units sorted into their roles. */
function responsibilityOf(r: ResponsibilityRow, at: Date): Responsibility {
  const gridUnits = r.units.filter((u) => u.areaLevel === 'grid');
  return {
    at: at.toISOString(),
    grid: { id: r.grid_id, code: r.grid_code, name: r.grid_name, areaM2: r.grid_area_m2 },
    community: { id: r.community_id, code: r.community_code, name: r.community_name },
    street: { id: r.street_id, code: r.street_code, name: r.street_name },
    leader: r.staff.find((s) => s.role === 'leader') ?? null,
    members: r.staff.filter((s) => s.role === 'member'),
    leadUnit: gridUnits.find((u) => u.role === 'lead') ?? null,
    supportUnits: gridUnits.filter((u) => u.role === 'support'),
    communityUnits: r.units.filter((u) => u.areaLevel === 'community'),
  };
}

export function assignmentsRepository(db: Queryable) {
  return {
    async byId(id: number) {
      return (await db.query<Assignment>(SQL_BY_ID, [id])).rows[0] ?? null;
    },
    /** Stored rows each proposed one would overlap against the exclusion constraints. */
    async conflicts(rows: Proposed[]): Promise<Conflict[]> {
      if (!rows.length) return [];
      return (await db.query<Conflict>(SQL_CONFLICTS, [JSON.stringify(rows)])).rows;
    },
    /** The `i` of the proposed rows stored already, exactly. */
    async unchanged(rows: Proposed[]): Promise<Set<number>> {
      return new Set((await db.query<{ i: number }>(SQL_UNCHANGED, [JSON.stringify(rows)])).rows.map((r) => r.i));
    },
    async insert(p: Proposed, level: string): Promise<number> {
      return (await db.query<{ id: number }>(SQL_INSERT, [p.areaId, level, p.role, p.unitId, p.personId, p.from, p.to]))
        .rows[0]!.id;
    },
    async insertMany(rows: (Proposed & { level: string })[]) {
      if (rows.length) await db.query(SQL_INSERT_MANY, [JSON.stringify(rows)]);
    },
    /** The row to end, locked FOR UPDATE (inside the caller's transaction). */
    async lockForEnd(id: number): Promise<EndingRow | null> {
      return (await db.query<EndingRow>(SQL_LOCK_FOR_END, [id])).rows[0] ?? null;
    },
    async end(id: number, at: Date) {
      await db.query(SQL_END, [id, at]);
    },
    /** The level of an area, null if there is none. */
    async areaLevel(areaId: number): Promise<string | null> {
      return (await db.query<{ level: string }>(SQL_AREA_LEVEL, [areaId])).rows[0]?.level ?? null;
    },
    async holderExists(h: { unitId: number } | { personId: number }): Promise<boolean> {
      const { rows } =
        'unitId' in h ? await db.query(SQL_UNIT_EXISTS, [h.unitId]) : await db.query(SQL_PERSON_EXISTS, [h.personId]);
      return rows.length > 0;
    },
    async history(areaId: number) {
      return (await db.query<Assignment>(SQL_HISTORY, [areaId])).rows;
    },
    async responsibility(lon: number, lat: number, at: Date, scope: Scope): Promise<Responsibility | null> {
      const r = (
        await db.query<ResponsibilityRow>(SQL_RESPONSIBILITY, [lon, lat, at, scope], { name: 'wangge_responsibility' })
      ).rows[0];
      return r ? responsibilityOf(r, at) : null;
    },
    /** The grid containing a point (null: none) and whether `scope` reaches it. */
    async gridAt(lon: number, lat: number, scope: Scope): Promise<{ id: number; visible: boolean } | null> {
      return (
        (await db.query<{ id: number; visible: boolean }>(SQL_GRID_AT, [lon, lat, scope], { name: 'wangge_grid_at' }))
          .rows[0] ?? null
      );
    },
    /**
     * A grid's responsibility at `at` and the interval [since, until) it holds for unchanged
     * (responsibility_window; null: unbounded). Null when the grid's label point is not in it.
     */
    async gridResponsibility(gridId: number, at: Date) {
      const r = (
        await db.query<ResponsibilityRow & { since: Date | null; until: Date | null }>(
          SQL_GRID_RESPONSIBILITY,
          [gridId, at],
          {
            name: 'wangge_grid_responsibility',
          },
        )
      ).rows[0];
      return r ? { answer: responsibilityOf(r, at), since: r.since, until: r.until } : null;
    },
    async unitZones(unitId: number, at: Date, scope: Scope) {
      const rows = (await db.query<UnitGrids['grids'][number]>(SQL_UNIT_ZONES, [unitId, at, scope])).rows;
      const grids = rows.filter((r) => r.level === 'grid');
      return {
        grids,
        communities: rows.filter((r) => r.level === 'community'),
        totalAreaM2: grids.reduce((s, g) => s + g.areaM2, 0),
      };
    },
    async coverage(at: Date, scope: Scope): Promise<ResponsibilityCoverage> {
      const [noLead, noLeader, count, idle] = [
        await db.query<ResponsibilityCoverage['gridsWithoutLeader'][number]>(GAP_GRIDS('lead'), [at, scope]),
        await db.query<ResponsibilityCoverage['gridsWithoutLeader'][number]>(GAP_GRIDS('leader'), [at, scope]),
        await db.query<{ n: number }>(SQL_GRID_COUNT, [scope]),
        scope === null
          ? await db.query<ResponsibilityCoverage['unitsWithoutGrid'][number]>(SQL_IDLE_UNITS, [at])
          : { rows: [] },
      ];
      return {
        at: at.toISOString(),
        grids: count.rows[0]?.n ?? 0,
        gridsWithoutLeadUnit: noLead.rows,
        gridsWithoutLeader: noLeader.rows,
        unitsWithoutGrid: idle.rows,
      };
    },
  };
}
export type AssignmentsRepository = ReturnType<typeof assignmentsRepository>;
