import ExcelJS from 'exceljs';
import { decodeText, parseCsv } from '../../api/domain/csv';
import type { Fixture } from './scope-content-fixture';

/**
 * What an answer names, as references the caller must be able to open by id:
 * a problem (GET /api/problems/:id), an area (GET /api/areas/:id, or by code), a unit
 * (GET /api/units/:id/grids), a person (in GET /api/people), a notice (GET /api/notices/:id),
 * an inspection point (GET /api/points/:id).
 */
export type Kind = 'problem' | 'area' | 'areaCode' | 'unit' | 'person' | 'notice' | 'point';
/**
 * `in`: the problem or notice row this reference describes. Where a problem lies (its grid,
 * community, street, area code) is part of a problem the caller may open — unit staff open the
 * problems assigned to their unit in another street, and must find them — while the people and
 * units around it are rows of their own and must be readable in any case.
 */
export interface Ref {
  kind: Kind;
  id: number | string;
  in?: Ref;
}

/** Fields that name a row of a kind wherever they appear in an answer. */
const KEYS: Record<string, Kind> = {
  problemId: 'problem',
  problemIds: 'problem',
  duplicateOf: 'problem',
  gridId: 'area',
  areaId: 'area',
  communityId: 'area',
  streetId: 'area',
  parentId: 'area',
  unitId: 'unit',
  assigneeUnitId: 'unit',
  leadUnitId: 'unit',
  personId: 'person',
  leaderPersonId: 'person',
  areaCode: 'areaCode',
  gridCode: 'areaCode',
  communityCode: 'areaCode',
  streetCode: 'areaCode',
};
/** Objects (or lists of them) under these fields: their `id` is a row of the kind. */
const NESTED: Record<string, Kind> = {
  grid: 'area',
  community: 'area',
  street: 'area',
  a: 'area',
  b: 'area',
  chain: 'area',
  roots: 'area',
  children: 'area',
  gridsWithoutLeadUnit: 'area',
  gridsWithoutLeader: 'area',
  grids: 'area',
  unit: 'unit',
  unitsWithoutGrid: 'unit',
  notices: 'notice',
  problems: 'problem',
};

/**
 * Every reference in a JSON answer. `root`: the kind of the answer's own rows (null: rows that
 * have no by-id route of their own, such as assignments or patrols, or the caller's own write);
 * `fields`: kinds of this route's own fields (e.g. `items`, `entityId`).
 */
export function refsOf(body: unknown, root: Kind | null, fields: Record<string, Kind | null> = {}): Ref[] {
  const out: Ref[] = [];
  const walk = (v: unknown, kind: Kind | null, owner: Ref | undefined) => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x, kind, owner);
      return;
    }
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const push = (r: Ref) => out.push(owner ? { ...r, in: owner } : r);
    if (kind && typeof o.id === 'number') {
      push({ kind, id: o.id });
      if (kind === 'problem' || kind === 'notice') owner = { kind, id: o.id };
    }
    for (const [k, x] of Object.entries(o)) {
      if (k === 'id') continue;
      const own = k in fields ? fields[k]! : undefined;
      const values = [x].flat();
      if (values.every((y) => y === null || typeof y !== 'object')) {
        const named = own !== undefined ? own : KEYS[k];
        for (const y of values)
          if (named && (typeof y === 'number' || typeof y === 'string')) push({ kind: named, id: y });
      } else {
        walk(x, own !== undefined ? own : (NESTED[k] ?? null), owner);
      }
    }
  };
  walk(body, root, undefined);
  return out;
}

/** Cells of a CSV or .xlsx export. */
export async function cellsOf(body: Buffer, format: 'csv' | 'xlsx'): Promise<string[]> {
  if (format === 'csv')
    return parseCsv(decodeText(body))
      .flat()
      .filter((c): c is string => typeof c === 'string')
      .map((c) => c.trim());
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ArrayBuffer);
  const cells: string[] = [];
  wb.eachSheet((ws) =>
    ws.eachRow((row) =>
      row.eachCell((c) => {
        if (c.value !== null && c.value !== undefined) cells.push(String(c.value).trim());
      }),
    ),
  );
  return cells;
}

/** The rows a table names, cell by cell: area codes and names, unit codes and names, people's names and phones. */
export function refsOfCells(cells: string[], fx: Fixture): Ref[] {
  const out: Ref[] = [];
  const seen = new Set(cells);
  for (const a of fx.areas) if (seen.has(a.code) || seen.has(a.name)) out.push({ kind: 'area', id: a.id });
  for (const u of fx.units) if (seen.has(u.code) || seen.has(u.name)) out.push({ kind: 'unit', id: u.id });
  for (const p of fx.people) if (seen.has(p.phone) || seen.has(p.name)) out.push({ kind: 'person', id: p.id });
  return out;
}
