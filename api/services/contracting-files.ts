import ExcelJS from 'exceljs';
import { AppError, type Msg, type Problem } from '../errors';
import type { Cell } from '../domain/instant';
import { decodeText, formatCsv, parseCsv } from '../domain/csv';
import type { SheetInput } from '../domain/contracting-sheets';
import { guardZip, newBudget, type InflateBudget } from './zip-guard';

/** Reading and writing the files offices keep: .xlsx workbooks (exceljs) and CSV. */
export const READ_LIMITS = { rows: 200_000, cells: 4_000_000 };

/** What one request may still read: inflated bytes (zip-guard.ts) and cells, over all its files. */
export interface ReadBudget {
  inflate: InflateBudget;
  cells: number;
}
export const newReadBudget = (): ReadBudget => ({ inflate: newBudget(), cells: READ_LIMITS.cells });

/** ExcelJS cell values come in many shapes (rich text, hyperlinks, formulas): flatten them. */
function flatten(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || v instanceof Date) return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('hyperlink' in v) return flatten(v.text as ExcelJS.CellValue);
  if ('result' in v) return flatten((v.result ?? null) as ExcelJS.CellValue);
  if ('error' in v) return null;
  return null;
}

const EMPTY: Msg = { zh: '文件是空的（0 字节）', en: 'the file is empty (0 bytes)' };

/** What the first bytes say the file is, for a hint better than "not a valid .xlsx". */
function notXlsx(bytes: Uint8Array): Msg | null {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return null; // PK: a zip
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
    return {
      zh: '这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx',
      en: 'this is an old Excel (.xls) file: save it as .xlsx in Excel first',
    };
  }
  const head = bytes.subarray(0, 512);
  if (!head.some((c) => c < 9)) {
    // no control bytes: text
    return {
      zh: '这是文本文件而不是 .xlsx：如果是 CSV，请把扩展名改为 .csv',
      en: 'this is a text file, not an .xlsx: if it is CSV, name it .csv',
    };
  }
  return { zh: '不是 .xlsx 文件（不是 zip 格式）', en: 'not an .xlsx file (not a zip)' };
}

/** The cheap checks, before anything is inflated: empty, not a zip, too big or a zip bomb. */
function checkXlsx(name: string, bytes: Uint8Array, budget: ReadBudget) {
  if (!bytes.length) throw unreadable(name, EMPTY);
  const wrong = notXlsx(bytes);
  if (wrong) throw unreadable(name, wrong);
  guardZip(name, bytes, budget.inflate);
}

export async function readXlsx(
  name: string,
  bytes: Uint8Array,
  budget: ReadBudget = newReadBudget(),
): Promise<SheetInput[]> {
  checkXlsx(name, bytes, budget);
  return loadXlsx(name, bytes, budget);
}

async function loadXlsx(name: string, bytes: Uint8Array, budget: ReadBudget): Promise<SheetInput[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch {
    throw notBook(name);
  }
  if (!wb.worksheets.length) throw notBook(name);
  const sheets: SheetInput[] = [];
  wb.eachSheet((ws) => {
    if (ws.rowCount > READ_LIMITS.rows)
      throw tooMany(name, {
        zh: `工作表「${ws.name}」超过 ${READ_LIMITS.rows} 行`,
        en: `sheet "${ws.name}" has more than ${READ_LIMITS.rows} rows`,
      });
    // Row by row, each row's own cells only: ws.columnCount walks every row on each call, so
    // asking it per cell made the read grow with the square of the rows.
    const rows: Cell[][] = [];
    for (let r = 1; r <= ws.rowCount; r++) {
      const cells: Cell[] = [];
      ws.findRow(r)?.eachCell({ includeEmpty: false }, (cell, c) => {
        cells[c - 1] = flatten(cell.value);
      });
      for (let c = 0; c < cells.length; c++) cells[c] ??= null;
      charge(name, budget, cells.length);
      rows.push(cells);
    }
    sheets.push({ name: ws.name, rows });
  });
  return sheets;
}

export function readCsv(name: string, bytes: Uint8Array, budget: ReadBudget = newReadBudget()): SheetInput[] {
  if (!bytes.length) throw unreadable(name, EMPTY);
  const rows = parseCsv(decodeText(bytes));
  if (rows.length > READ_LIMITS.rows)
    throw tooMany(name, { zh: `超过 ${READ_LIMITS.rows} 行`, en: `more than ${READ_LIMITS.rows} rows` });
  for (const r of rows) charge(name, budget, r.length);
  return [{ name, rows }];
}

/**
 * Every file of one request shares one budget, and every workbook is checked before the first
 * is inflated: four bombs are refused together, for the cost of reading their directories.
 */
export async function readFiles(files: { name: string; content: Uint8Array }[]): Promise<SheetInput[]> {
  const out: SheetInput[] = [];
  const budget = newReadBudget();
  const isCsv = (f: { name: string }) => /\.csv$/i.test(f.name);
  for (const f of files) if (!isCsv(f)) checkXlsx(f.name, f.content, budget);
  for (const f of files)
    out.push(...(isCsv(f) ? readCsv(f.name, f.content, budget) : await loadXlsx(f.name, f.content, budget)));
  return out;
}

function charge(name: string, budget: ReadBudget, cells: number) {
  budget.cells -= cells;
  if (budget.cells < 0)
    throw tooMany(name, {
      zh: `单元格总数超过 ${READ_LIMITS.cells}`,
      en: `more than ${READ_LIMITS.cells} cells in all`,
    });
}

const notBook = (file: string) =>
  unreadable(file, {
    zh: '是 zip 文件但不是有效的 Excel 工作簿（.xlsx）',
    en: 'a zip file but not a valid Excel workbook (.xlsx)',
  });
const unreadable = (file: string, reason: Problem['reason']) =>
  new AppError(
    422,
    'UnreadableFile',
    { zh: `无法读取文件 ${file}：${reason.zh}`, en: `cannot read ${file}: ${reason.en}` },
    [{ feature: file, reason }],
  );
const tooMany = (file: string, reason: Problem['reason']) =>
  new AppError(
    413,
    'FileTooLarge',
    { zh: `文件 ${file} 过大，拒绝读取：${reason.zh}`, en: `file ${file} is too large to read: ${reason.en}` },
    [{ feature: file, reason }],
  );

export interface OutTable {
  sheet: string;
  title: string;
  header: string[];
  rows: (string | null)[][];
  widths?: number[];
}

/** A workbook as offices make them: a merged title row, then the header, then the rows. */
export async function writeXlsx(tables: OutTable[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Wangge 网格';
  for (const t of tables) {
    const ws = wb.addWorksheet(t.sheet, { views: [{ state: 'frozen', ySplit: 2 }] });
    ws.mergeCells(1, 1, 1, t.header.length);
    const title = ws.getCell(1, 1);
    title.value = t.title;
    title.font = { bold: true, size: 14 };
    title.alignment = { horizontal: 'center' };
    const head = ws.addRow(t.header);
    head.font = { bold: true };
    head.eachCell((c) => {
      c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
    });
    // Every value is written as text: phones keep their leading 0, dates their exact time.
    for (const r of t.rows) ws.addRow(r.map((v) => v ?? null));
    t.header.forEach((h, i) => {
      ws.getColumn(i + 1).width = t.widths?.[i] ?? Math.max(10, h.length * 2 + 4);
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const writeCsv = (t: OutTable) => Buffer.from(formatCsv([t.header, ...t.rows]), 'utf8');
