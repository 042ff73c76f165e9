import type { Queryable } from '../db/types';
import type { Assignment, Responsibility, ResponsibilityCoverage, UnitGrids } from '../schemas/contracting';
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

interface ResponsibilityRow {
  grid_id: number; grid_code: string; grid_name: string; grid_area_m2: number;
  community_id: number; community_code: string; community_name: string;
  street_id: number; street_code: string; street_name: string;
  staff: Responsibility['members']; units: (Responsibility['supportUnits'][number])[];
}

export function assignmentsRepository(db: Queryable) {
  return {
    async byId(id: number) {
      return (await db.query<Assignment>(SQL_BY_ID, [id])).rows[0] ?? null;
    },
    async history(areaId: number) {
      return (await db.query<Assignment>(SQL_HISTORY, [areaId])).rows;
    },
    async responsibility(lon: number, lat: number, at: Date, scope: Scope): Promise<Responsibility | null> {
      const r = (await db.query<ResponsibilityRow>(SQL_RESPONSIBILITY, [lon, lat, at, scope])).rows[0];
      if (!r) return null;
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
    },
    async unitZones(unitId: number, at: Date, scope: Scope) {
      const rows = (await db.query<UnitGrids['grids'][number]>(SQL_UNIT_ZONES, [unitId, at, scope])).rows;
      const grids = rows.filter((r) => r.level === 'grid');
      return { grids, communities: rows.filter((r) => r.level === 'community'), totalAreaM2: grids.reduce((s, g) => s + g.areaM2, 0) };
    },
    async coverage(at: Date, scope: Scope): Promise<ResponsibilityCoverage> {
      const [noLead, noLeader, count, idle] = [
        await db.query<ResponsibilityCoverage['gridsWithoutLeader'][number]>(GAP_GRIDS('lead'), [at, scope]),
        await db.query<ResponsibilityCoverage['gridsWithoutLeader'][number]>(GAP_GRIDS('leader'), [at, scope]),
        await db.query<{ n: number }>(SQL_GRID_COUNT, [scope]),
        scope === null ? await db.query<ResponsibilityCoverage['unitsWithoutGrid'][number]>(SQL_IDLE_UNITS, [at]) : { rows: [] },
      ];
      return { at: at.toISOString(), grids: count.rows[0]?.n ?? 0, gridsWithoutLeadUnit: noLead.rows, gridsWithoutLeader: noLeader.rows, unitsWithoutGrid: idle.rows };
    },
  };
}
export type AssignmentsRepository = ReturnType<typeof assignmentsRepository>;
