import ExcelJS from 'exceljs';
import { AppError, type Problem } from '../errors';
import type { Cell } from '../domain/instant';
import { decodeText, formatCsv, parseCsv } from '../domain/csv';
import type { SheetInput } from '../domain/contracting-sheets';

/** Reading and writing the files offices keep: .xlsx workbooks (exceljs) and CSV. */
const MAX_ROWS = 200_000;

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

export async function readXlsx(name: string, bytes: Uint8Array): Promise<SheetInput[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch {
    throw unreadable(name, { zh: '不是有效的 .xlsx 文件（旧版 .xls 请在 Excel 中另存为 .xlsx）', en: 'not a valid .xlsx file (save an old .xls as .xlsx in Excel first)' });
  }
  const sheets: SheetInput[] = [];
  wb.eachSheet((ws) => {
    if (ws.rowCount > MAX_ROWS) throw unreadable(name, { zh: `工作表「${ws.name}」超过 ${MAX_ROWS} 行`, en: `sheet "${ws.name}" has more than ${MAX_ROWS} rows` });
    const rows: Cell[][] = [];
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cells: Cell[] = [];
      for (let c = 1; c <= ws.columnCount; c++) cells.push(flatten(row.getCell(c).value));
      rows.push(cells);
    }
    sheets.push({ name: ws.name, rows });
  });
  return sheets;
}

export function readCsv(name: string, bytes: Uint8Array): SheetInput[] {
  const rows = parseCsv(decodeText(bytes));
  if (rows.length > MAX_ROWS) throw unreadable(name, { zh: `超过 ${MAX_ROWS} 行`, en: `more than ${MAX_ROWS} rows` });
  return [{ name, rows }];
}

export async function readFiles(files: { name: string; content: Uint8Array }[]): Promise<SheetInput[]> {
  const out: SheetInput[] = [];
  for (const f of files) out.push(...(/\.csv$/i.test(f.name) ? readCsv(f.name, f.content) : await readXlsx(f.name, f.content)));
  return out;
}

const unreadable = (file: string, reason: Problem['reason']) =>
  new AppError(422, 'UnreadableFile', { zh: `无法读取文件 ${file}：${reason.zh}`, en: `cannot read ${file}: ${reason.en}` }, [{ feature: file, reason }]);

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
    head.eachCell((c) => { c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } }; });
    // Every value is written as text: phones keep their leading 0, dates their exact time.
    for (const r of t.rows) ws.addRow(r.map((v) => v ?? null));
    t.header.forEach((h, i) => { ws.getColumn(i + 1).width = t.widths?.[i] ?? Math.max(10, h.length * 2 + 4); });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const writeCsv = (t: OutTable) => Buffer.from(formatCsv([t.header, ...t.rows]), 'utf8');
