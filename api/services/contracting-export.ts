import type { Queryable } from '../db/types';
import { formatInstant } from '../domain/instant';
import { ROLE_LABELS, UNIT_TYPE_LABELS, isUnitRole } from '../domain/contracting-labels';
import { TABLES, type TableKind } from '../domain/contracting-sheets';
import { contractingRepository } from '../repositories/contracting';
import type { Scope } from '../repositories/areas';
import type { OutTable } from './contracting-files';

// The export is the import's template filled in: same sheets, same headers, so that exporting
// and importing into a fresh database reproduces the same assignments (tested).

const headers = (kind: TableKind, keys: string[]) =>
  keys.map((k) => TABLES[kind].columns.find((c) => c.key === k)!.header);
const num = (v: number | null) => (v === null ? null : String(Math.round(v * 1e7) / 1e7));

export async function exportTables(q: Queryable, scope: Scope, now = new Date()): Promise<Record<TableKind, OutTable>> {
  const stamp = formatInstant(now).slice(0, 10);
  const { units, people, assignments } = await contractingRepository(q).exportRows(scope);
  return {
    units: {
      sheet: TABLES.units.sheet,
      title: `包保单位名册（导出于 ${stamp}）`,
      header: headers('units', ['code', 'name', 'type', 'leader', 'contact', 'phone', 'lon', 'lat']),
      rows: units.map((u) => [
        u.code,
        u.name,
        UNIT_TYPE_LABELS[u.type],
        u.leader,
        u.contact,
        u.phone,
        num(u.lon),
        num(u.lat),
      ]),
      widths: [10, 30, 12, 10, 10, 16, 12, 12],
    },
    people: {
      sheet: TABLES.people.sheet,
      title: `网格长、网格员名册（导出于 ${stamp}）`,
      header: headers('people', ['name', 'phone', 'username']),
      rows: people.map((p) => [p.name, p.phone, p.username]),
      widths: [12, 16, 14],
    },
    assignments: {
      sheet: TABLES.assignments.sheet,
      title: `网格挂联包保分配表（导出于 ${stamp}，时间为北京时间）`,
      header: headers('assignments', ['area', 'areaName', 'role', 'unit', 'person', 'phone', 'from', 'to']),
      rows: assignments.map((a) => [
        a.area,
        a.areaName,
        ROLE_LABELS[a.role],
        isUnitRole(a.role) ? a.unit : null,
        a.person,
        a.phone,
        formatInstant(a.from),
        a.to ? formatInstant(a.to) : null,
      ]),
      widths: [18, 22, 10, 30, 10, 16, 20, 20],
    },
  };
}
