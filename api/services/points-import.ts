import type { Db } from '../db/types';
import type { Clock } from '../domain/clock';
import { cellText, normalizeHeader, type SheetInput } from '../domain/contracting-sheets';
import { importRefused } from '../domain/problem-list';
import { AppError, type Msg, type Problem } from '../errors';
import { assessmentRepository } from '../repositories/assessment';
import { joined } from './assessment';
import { readFiles } from './contracting-files';
import { createPoint, type Writer } from './inspection-points';

/**
 * Inspection points (点位) from .xlsx/.csv files, like the contracting import: one table per sheet
 * found by its headers (编码, 名称, 类型, 地址, 经度, 纬度), rows checked one by one, then written
 * through createPoint (routing, duplicate and county checks) in one transaction. Every problem is
 * reported at once with its sheet, row and column; any problem writes nothing (422).
 */
const COLUMNS: Record<string, string[]> = {
  code: ['编码', '点位编码', 'code'],
  name: ['名称', '点位名称', 'name'],
  type: ['类型', '点位类型', 'type'],
  address: ['地址', 'address'],
  lon: ['经度', 'lon', 'longitude'],
  lat: ['纬度', 'lat', 'latitude'],
};
const REQUIRED = ['code', 'name', 'type', 'lon', 'lat'];
const LABEL: Record<string, string> = {
  code: '编码',
  name: '名称',
  type: '类型',
  address: '地址',
  lon: '经度',
  lat: '纬度',
};

interface Row {
  sheet: string;
  row: number;
  code: string;
  name: string;
  type: string;
  address: string | null;
  lon: number;
  lat: number;
}

function rowsOf(sheets: SheetInput[], problems: Problem[]): Row[] {
  const out: Row[] = [];
  for (const sh of sheets) {
    const head = (sh.rows[0] ?? []).map((c) => normalizeHeader(cellText(c)).toLowerCase());
    const col: Record<string, number> = {};
    for (const [k, names] of Object.entries(COLUMNS)) {
      const i = head.findIndex((h) => names.includes(h));
      if (i >= 0) col[k] = i;
    }
    const missing = REQUIRED.filter((k) => col[k] === undefined);
    if (missing.length) {
      problems.push({
        sheet: sh.name,
        row: 1,
        field: missing.map((k) => LABEL[k]).join('、'),
        reason: {
          zh: `缺少列：${missing.map((k) => LABEL[k]).join('、')}`,
          en: `missing columns: ${missing.join(', ')}`,
        },
      });
      continue;
    }
    sh.rows.slice(1).forEach((cells, i) => {
      const row = i + 2;
      const text = (k: string) => (col[k] === undefined ? '' : cellText(cells[col[k]!] ?? null));
      if (REQUIRED.every((k) => !text(k))) return; // a blank line
      const at = (k: string, reason: Msg) => problems.push({ sheet: sh.name, row, field: LABEL[k], reason });
      for (const k of REQUIRED) if (!text(k)) at(k, { zh: '不能为空', en: 'must not be empty' });
      const lon = Number(text('lon')),
        lat = Number(text('lat'));
      if (text('lon') && !(Number.isFinite(lon) && Math.abs(lon) <= 180))
        at('lon', { zh: '不是有效的经度', en: 'not a valid longitude' });
      if (text('lat') && !(Number.isFinite(lat) && Math.abs(lat) <= 90))
        at('lat', { zh: '不是有效的纬度', en: 'not a valid latitude' });
      out.push({
        sheet: sh.name,
        row,
        code: text('code'),
        name: text('name'),
        type: text('type'),
        address: text('address') || null,
        lon,
        lat,
      });
    });
  }
  return out;
}

export async function importPoints(db: Db, clock: Clock, w: Writer, files: { name: string; content: Uint8Array }[]) {
  const problems: Problem[] = [];
  const rows = rowsOf(await readFiles(files), problems);
  const types = await assessmentRepository(db).pointTypes();
  const typeOf = (t: string) => types.find((x) => x.code === t || x.nameZh === t)?.code ?? null;
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (r.type && !typeOf(r.type))
      problems.push({
        sheet: r.sheet,
        row: r.row,
        field: '类型',
        reason: { zh: `点位类型「${r.type}」不存在`, en: `point type "${r.type}" does not exist` },
      });
    if (r.code && seen.has(r.code))
      problems.push({
        sheet: r.sheet,
        row: r.row,
        field: '编码',
        reason: {
          zh: `编码 ${r.code} 与第 ${seen.get(r.code)} 行重复`,
          en: `code ${r.code} repeats row ${seen.get(r.code)}`,
        },
      });
    else seen.set(r.code, r.row);
  }
  if (problems.length) throw importRefused('ImportRefused', problems);
  return db.transaction(async (tx) => {
    const inner = joined(db, tx);
    const ids: number[] = [];
    for (const r of rows) {
      try {
        const p = await createPoint(inner, clock, w, {
          code: r.code,
          name: r.name,
          typeCode: typeOf(r.type)!,
          address: r.address,
          geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
        });
        ids.push(p.id);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        const field = e.problems[0]?.field;
        const column =
          field === 'code' ? '编码' : field === 'geometry' ? '经度' : field === 'typeCode' ? '类型' : '名称';
        problems.push({ sheet: r.sheet, row: r.row, field: column, reason: e.problems[0]?.reason ?? e.msg });
      }
    }
    if (problems.length) throw importRefused('ImportRefused', problems);
    return { created: ids.length, ids };
  });
}
