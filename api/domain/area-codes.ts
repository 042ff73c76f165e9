import type { Msg, Problem } from '../errors';
import { CODE_LENGTH, type AreaLevel } from '../schemas/areas';
import { parseCsv } from './csv';

/**
 * Name → code tables, as offices keep them (统计用区划代码 lists): many boundary files carry
 * names only, and a table supplies the codes. CSV with a header row naming a name column and a
 * code column, in any order and beside other columns (e.g. code,name,county_code), or a map.
 */
export interface CodeTable {
  /** name → codes; one name may have several (田坝镇 is in two counties) */
  byName: Map<string, string[]>;
  /** code → the first name the table gives it: the name stored, so that variants and parts
   *  listed under one code (灰埠镇 for 辉埠镇) become one area with the official name */
  nameOf: Map<string, string>;
}

const NAME_HEADERS = [
  'name',
  '名称',
  '区划名称',
  '行政区划名称',
  '乡镇名称',
  '街道名称',
  '乡镇街道',
  '社区名称',
  '村名称',
  '网格名称',
];
const CODE_HEADERS = ['code', 'adcode', '编码', '代码', '区划代码', '行政区划代码', '统计用区划代码', '区域编码'];
const CODE = /^[0-9]{6}([0-9]{3}){0,3}$/;
const FIELD = 'codes';
const norm = (h: string) => h.replace(/[\s\uFEFF]/g, '').toLowerCase();

export function parseCodeTable(input: string | Record<string, string>): { table: CodeTable; problems: Problem[] } {
  const table: CodeTable = { byName: new Map(), nameOf: new Map() };
  const problems: Problem[] = [];
  const add = (name: string, code: string, row?: number) => {
    const at = row === undefined ? {} : { row };
    if (!name)
      return problems.push({
        field: FIELD,
        ...at,
        reason: { zh: `编码表第 ${row} 行缺少名称`, en: `code table row ${row} has no name` },
      });
    if (!CODE.test(code)) {
      return problems.push({
        field: FIELD,
        ...at,
        reason: {
          zh: `编码表中「${name}」的编码「${code}」应为 6、9、12 或 15 位数字`,
          en: `code table: the code "${code}" of "${name}" must be 6, 9, 12 or 15 digits`,
        },
      });
    }
    const codes = table.byName.get(name) ?? [];
    if (!codes.includes(code)) table.byName.set(name, [...codes, code]);
    if (!table.nameOf.has(code)) table.nameOf.set(code, name);
  };
  if (typeof input !== 'string') {
    for (const [name, code] of Object.entries(input)) add(name.trim(), String(code).trim());
    return { table, problems };
  }
  const rows = parseCsv(input.replace(/^\uFEFF/, '')).filter((r) =>
    r.some((c) => c !== null && String(c).trim() !== ''),
  );
  const header = (rows[0] ?? []).map((c) => norm(String(c ?? '')));
  const nameAt = header.findIndex((h) => NAME_HEADERS.includes(h)),
    codeAt = header.findIndex((h) => CODE_HEADERS.includes(h));
  if (nameAt < 0 || codeAt < 0) {
    problems.push({
      field: FIELD,
      reason: {
        zh: '编码表的第一行应为表头，含名称列（name 或「名称」）和编码列（code 或「编码」），例如：name,code',
        en: 'the first row of the code table must be a header with a name column (name) and a code column (code), e.g. name,code',
      },
    });
    return { table, problems };
  }
  rows.slice(1).forEach((r, i) => add(String(r[nameAt] ?? '').trim(), String(r[codeAt] ?? '').trim(), i + 2));
  return { table, problems };
}

export type CodeLookup = { code: string; name: string } | { problem: Msg };

/**
 * The code for a name at one level. Exact names first; then the longest table name the file's
 * name starts with, for parts named after their area (新昌乡上, 新昌乡下 → 新昌乡). A name with
 * several codes is narrowed to those whose parent exists (parentKnown), if that is given.
 */
export function lookupCode(
  table: CodeTable,
  name: string,
  level: AreaLevel,
  parentKnown?: (code: string) => boolean,
): CodeLookup {
  const fits = (codes: string[] | undefined) => (codes ?? []).filter((c) => c.length === CODE_LENGTH[level]);
  let codes = fits(table.byName.get(name));
  if (!codes.length) {
    let best = '';
    for (const [n, cs] of table.byName) if (n.length > best.length && name.startsWith(n) && fits(cs).length) best = n;
    if (best) codes = fits(table.byName.get(best));
  }
  if (codes.length > 1 && parentKnown) {
    const known = codes.filter(parentKnown);
    if (known.length) codes = known;
  }
  if (!codes.length) {
    return {
      problem: {
        zh: `编码表中没有「${name}」的 ${CODE_LENGTH[level]} 位编码：请在编码表中加一行（名称,编码）`,
        en: `the code table has no ${CODE_LENGTH[level]}-digit code for "${name}": add a row (name,code) to it`,
      },
    };
  }
  if (codes.length > 1) {
    return {
      problem: {
        zh: `编码表中「${name}」对应多个编码：${codes.join('、')}，请只保留一个`,
        en: `the code table gives "${name}" several codes: ${codes.join(', ')}; keep one`,
      },
    };
  }
  return { code: codes[0]!, name: table.nameOf.get(codes[0]!)! };
}
