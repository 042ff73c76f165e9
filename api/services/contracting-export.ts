import type { Queryable } from '../db/types';
import { formatInstant } from '../domain/instant';
import { ROLE_LABELS, UNIT_TYPE_LABELS, isUnitRole, type UnitType } from '../domain/contracting-labels';
import { TABLES, type AssignmentRole, type TableKind } from '../domain/contracting-sheets';
import type { Scope } from '../repositories/areas';
import type { OutTable } from './contracting-files';

// The export is the import's template filled in: same sheets, same headers, so that exporting
// and importing into a fresh database reproduces the same assignments (tested).
const SQL_UNITS = `
  SELECT u.code, u.name, u.type::text AS type, u.leader_name AS leader, u.contact_name AS contact, u.contact_phone AS phone,
         CASE WHEN GeometryType(u.premises) = 'POINT' THEN ST_X(u.premises) END AS lon,
         CASE WHEN GeometryType(u.premises) = 'POINT' THEN ST_Y(u.premises) END AS lat
  FROM units u
  WHERE $1::text[] IS NULL OR EXISTS (SELECT 1 FROM assignments s JOIN areas ar ON ar.id = s.area_id WHERE s.unit_id = u.id AND area_visible(ar.code, $1::text[]))
  ORDER BY u.code`;
const SQL_PEOPLE = `
  SELECT p.name, p.phone, us.username FROM people p LEFT JOIN users us ON us.id = p.user_id
  WHERE $1::text[] IS NULL OR EXISTS (SELECT 1 FROM assignments s JOIN areas ar ON ar.id = s.area_id WHERE s.person_id = p.id AND area_visible(ar.code, $1::text[]))
  ORDER BY p.name, p.phone`;
const SQL_ASSIGNMENTS = `
  SELECT ar.code AS area, ar.name AS "areaName", a.role::text AS role, u.name AS unit, pe.name AS person, pe.phone,
         a.valid_from AS "from", a.valid_to AS "to"
  FROM assignments a JOIN areas ar ON ar.id = a.area_id
  LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN people pe ON pe.id = a.person_id
  WHERE area_visible(ar.code, $1::text[])
  ORDER BY ar.code, a.role, a.valid_from, coalesce(u.name, pe.name)`;

const headers = (kind: TableKind, keys: string[]) => keys.map((k) => TABLES[kind].columns.find((c) => c.key === k)!.header);
const num = (v: number | null) => (v === null ? null : String(Math.round(v * 1e7) / 1e7));

export async function exportTables(q: Queryable, scope: Scope, now = new Date()): Promise<Record<TableKind, OutTable>> {
  const stamp = formatInstant(now).slice(0, 10);
  const units = (await q.query<{ code: string; name: string; type: UnitType; leader: string | null; contact: string | null; phone: string | null; lon: number | null; lat: number | null }>(SQL_UNITS, [scope])).rows;
  const people = (await q.query<{ name: string; phone: string; username: string | null }>(SQL_PEOPLE, [scope])).rows;
  const assignments = (await q.query<{ area: string; areaName: string; role: AssignmentRole; unit: string | null; person: string | null; phone: string | null; from: Date; to: Date | null }>(SQL_ASSIGNMENTS, [scope])).rows;
  return {
    units: {
      sheet: TABLES.units.sheet, title: `包保单位名册（导出于 ${stamp}）`,
      header: headers('units', ['code', 'name', 'type', 'leader', 'contact', 'phone', 'lon', 'lat']),
      rows: units.map((u) => [u.code, u.name, UNIT_TYPE_LABELS[u.type], u.leader, u.contact, u.phone, num(u.lon), num(u.lat)]),
      widths: [10, 30, 12, 10, 10, 16, 12, 12],
    },
    people: {
      sheet: TABLES.people.sheet, title: `网格长、网格员名册（导出于 ${stamp}）`,
      header: headers('people', ['name', 'phone', 'username']),
      rows: people.map((p) => [p.name, p.phone, p.username]),
      widths: [12, 16, 14],
    },
    assignments: {
      sheet: TABLES.assignments.sheet, title: `网格挂联包保分配表（导出于 ${stamp}，时间为北京时间）`,
      header: headers('assignments', ['area', 'areaName', 'role', 'unit', 'person', 'phone', 'from', 'to']),
      rows: assignments.map((a) => [a.area, a.areaName, ROLE_LABELS[a.role], isUnitRole(a.role) ? a.unit : null, a.person, a.phone, formatInstant(a.from), a.to ? formatInstant(a.to) : null]),
      widths: [18, 22, 10, 30, 10, 16, 20, 20],
    },
  };
}
