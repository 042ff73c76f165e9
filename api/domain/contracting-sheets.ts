import type { Msg, Problem } from '../errors';
import type { Cell } from './instant';

/**
 * The three tables of a contracting workbook and how their columns may be headed. Offices name
 * columns in many ways and put a merged title row (or two) above the header, so the header row
 * is found by content, not position, and each sheet is recognised by its columns, not its name.
 */
export type TableKind = 'units' | 'people' | 'assignments';
export type AssignmentRole = 'lead' | 'support' | 'leader' | 'member';

export interface Column {
  key: string;
  header: string;
  aliases?: string[];
  /** a column headed like this says the role of each row (a "网格长" column holds leaders) */
  role?: Record<string, AssignmentRole>;
}

export const TABLES: Record<TableKind, { sheet: string; required: string[]; columns: Column[] }> = {
  units: {
    sheet: '包保单位',
    required: ['name', 'type'],
    columns: [
      { key: 'code', header: '单位编码', aliases: ['编码', '单位代码'] },
      { key: 'name', header: '单位名称', aliases: ['单位', '名称'] },
      { key: 'type', header: '单位类型', aliases: ['类型', '单位性质', '单位类别'] },
      { key: 'leader', header: '负责人', aliases: ['单位负责人', '主要负责人', '分管领导'] },
      { key: 'contact', header: '联系人', aliases: ['联络员'] },
      { key: 'phone', header: '联系电话', aliases: ['电话', '手机号', '联系方式', '手机'] },
      { key: 'lon', header: '经度' },
      { key: 'lat', header: '纬度' },
    ],
  },
  people: {
    sheet: '网格人员',
    required: ['name', 'phone'],
    columns: [
      { key: 'name', header: '姓名', aliases: ['人员姓名'] },
      { key: 'phone', header: '手机号', aliases: ['联系电话', '电话', '手机', '手机号码'] },
      { key: 'username', header: '登录账号', aliases: ['账号', '用户名'] },
    ],
  },
  assignments: {
    sheet: '挂联分配',
    required: ['area', 'from'],
    columns: [
      { key: 'area', header: '区域编码', aliases: ['网格编码', '社区编码', '网格代码'] },
      { key: 'areaName', header: '区域名称', aliases: ['网格名称', '社区名称', '网格'] },
      { key: 'role', header: '职责', aliases: ['角色', '类别', '身份'] },
      {
        key: 'unit',
        header: '单位名称',
        aliases: ['单位', '牵头单位', '协助单位', '挂联单位', '包保单位'],
        role: { 牵头单位: 'lead', 挂联单位: 'lead', 包保单位: 'lead', 协助单位: 'support' },
      },
      { key: 'unitCode', header: '单位编码' },
      {
        key: 'person',
        header: '姓名',
        aliases: ['网格长', '网格员', '人员姓名'],
        role: { 网格长: 'leader', 网格员: 'member' },
      },
      { key: 'phone', header: '手机号', aliases: ['联系电话', '电话', '手机', '手机号码'] },
      { key: 'from', header: '开始日期', aliases: ['起始日期', '开始时间', '生效日期', '挂联开始日期'] },
      { key: 'to', header: '结束日期', aliases: ['截止日期', '结束时间', '失效日期', '挂联结束日期'] },
    ],
  },
};

/** Most specific first: an assignment sheet also has 姓名 and 手机号. */
const DETECT_ORDER: TableKind[] = ['assignments', 'units', 'people'];
const HEADER_SCAN_ROWS = 10;

/** "* 单位名称（必填）" → "单位名称" */
export const normalizeHeader = (h: string) => h.replace(/[（(][^）)]*[）)]/g, '').replace(/[\s\u3000*＊:：]/g, '');

export const cellText = (c: Cell): string => {
  if (c === null) return '';
  if (c instanceof Date) return c.toISOString();
  const s = String(c).trim();
  // An apostrophe that defused a formula in our own CSV export (see csv.ts).
  return /^'[=+\-@]/.test(s) ? s.slice(1) : s;
};

export interface SheetInput {
  name: string;
  rows: Cell[][];
}
export interface TableRow {
  /** the row number the user sees in the sheet (1-based) */
  row: number;
  values: Record<string, Cell>;
}
export interface ParsedTable {
  kind: TableKind;
  sheet: string;
  /** role implied by the column headers (a "网格长" column), when there is no 职责 column */
  impliedRole?: AssignmentRole;
  rows: TableRow[];
}

function matchHeader(kind: TableKind, row: Cell[]) {
  const found = new Map<string, { index: number; header: string }>();
  row.forEach((c, index) => {
    const h = normalizeHeader(cellText(c));
    if (!h) return;
    const col = TABLES[kind].columns.find((k) => k.header === h || k.aliases?.includes(h));
    if (col && !found.has(col.key)) found.set(col.key, { index, header: h });
  });
  return found;
}

const names = (kind: TableKind, keys: string[]) =>
  keys.map((k) => TABLES[kind].columns.find((c) => c.key === k)!.header);

/** Finds the table in each sheet; sheets with no recognisable header are ignored unless none is. */
export function readSheets(sheets: SheetInput[]): { tables: ParsedTable[]; problems: Problem[] } {
  const tables: ParsedTable[] = [];
  const problems: Problem[] = [];
  for (const sheet of sheets) {
    let best: { kind: TableKind; at: number; cols: Map<string, { index: number; header: string }> } | null = null;
    let nearMiss: { kind: TableKind; missing: string[] } | null = null;
    for (let r = 0; r < Math.min(HEADER_SCAN_ROWS, sheet.rows.length) && !best; r++) {
      for (const kind of DETECT_ORDER) {
        const cols = matchHeader(kind, sheet.rows[r] ?? []);
        const missing = TABLES[kind].required.filter((k) => !cols.has(k));
        if (!missing.length) {
          best = { kind, at: r, cols };
          break;
        }
        if (cols.size >= 2 && !nearMiss) nearMiss = { kind, missing };
      }
    }
    if (!best) {
      if (nearMiss) {
        const miss = names(nearMiss.kind, nearMiss.missing);
        problems.push({
          sheet: sheet.name,
          field: miss.join('、'),
          reason: {
            zh: `工作表「${sheet.name}」像是${TABLES[nearMiss.kind].sheet}表，但缺少列：${miss.join('、')}`,
            en: `sheet "${sheet.name}" looks like a ${nearMiss.kind} table but lacks the column(s) ${miss.join(', ')}`,
          },
        });
      }
      continue;
    }
    const { kind, at, cols } = best;
    if (tables.some((t) => t.kind === kind)) {
      problems.push({
        sheet: sheet.name,
        reason: {
          zh: `工作表「${sheet.name}」与前面的工作表都是${TABLES[kind].sheet}表，请合并为一个`,
          en: `sheet "${sheet.name}" is a second ${kind} table: merge them into one`,
        },
      });
      continue;
    }
    let impliedRole: AssignmentRole | undefined;
    if (kind === 'assignments' && !cols.has('role')) {
      for (const col of TABLES.assignments.columns) {
        const h = cols.get(col.key)?.header;
        if (h && col.role?.[h]) impliedRole = col.role[h];
      }
      if (!impliedRole) {
        problems.push({
          sheet: sheet.name,
          field: '职责',
          reason: {
            zh: `工作表「${sheet.name}」缺少「职责」列（牵头单位/协助单位/网格长/网格员）`,
            en: `sheet "${sheet.name}" lacks a 职责 (role) column: lead/support unit, grid leader or member`,
          },
        });
        continue;
      }
    }
    const rows: TableRow[] = [];
    for (let r = at + 1; r < sheet.rows.length; r++) {
      const values: Record<string, Cell> = {};
      let any = false;
      for (const [key, { index }] of cols) {
        const c = sheet.rows[r]?.[index] ?? null;
        const v = typeof c === 'string' ? cellText(c) || null : c;
        values[key] = v;
        if (v !== null) any = true;
      }
      if (any) rows.push({ row: r + 1, values });
    }
    tables.push({ kind, sheet: sheet.name, ...(impliedRole ? { impliedRole } : {}), rows });
  }
  if (!tables.length && !problems.length) {
    problems.push({ reason: wrongFile });
  }
  return { tables, problems };
}

const wrongFile: Msg = {
  zh: '文件中没有可识别的表：包保单位表需要「单位名称」「单位类型」列，网格人员表需要「姓名」「手机号」列，挂联分配表需要「区域编码」「职责」「开始日期」列',
  en: 'no recognisable table in the file: a units sheet needs 单位名称 and 单位类型, a people sheet 姓名 and 手机号, an assignments sheet 区域编码, 职责 and 开始日期',
};
