/**
 * Dates and times in office files are Beijing wall-clock time (UTC+8; China has kept no daylight
 * saving since 1991, so a fixed offset is exact for any date this system will see). A bare date
 * means 00:00 that day. Instants go out the same way: a date when it is midnight, else the time
 * to the second (and milliseconds when there are any), so an export re-imports to the same instant.
 */
export type Cell = string | number | Date | null;

const OFFSET_MS = 8 * 3600_000;
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

function wallClock(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): Date | null {
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const back = new Date(t);
  // Reject 2024-02-30 and 25:00 rather than letting Date roll them over.
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi
  )
    return null;
  if (y < 1990 || y > 2100) return null;
  return new Date(t - OFFSET_MS);
}

const DATE_TEXT =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.(\d{1,3}))?)?)?$/;

/** A cell → the instant it names, or null when it names none. */
export function parseInstant(cell: Cell): Date | null {
  if (cell === null) return null;
  if (cell instanceof Date) {
    // Spreadsheet dates carry no zone: the library hands them over as if they were UTC.
    if (Number.isNaN(cell.getTime())) return null;
    return wallClock(
      cell.getUTCFullYear(),
      cell.getUTCMonth() + 1,
      cell.getUTCDate(),
      cell.getUTCHours(),
      cell.getUTCMinutes(),
      cell.getUTCSeconds(),
      cell.getUTCMilliseconds(),
    );
  }
  if (typeof cell === 'number') {
    // An unformatted Excel date serial (days since 1899-12-30), e.g. 45352 = 2024-03-01.
    if (!(cell > 20000 && cell < 80000)) return null;
    return parseInstant(new Date(EXCEL_EPOCH_MS + Math.round(cell * 86400_000)));
  }
  const s = cell.trim();
  const m = DATE_TEXT.exec(s);
  if (m) {
    const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
    return wallClock(n(1), n(2), n(3), n(4), n(5), n(6), m[7] ? Number(m[7].padEnd(3, '0')) : 0);
  }
  // Full ISO 8601 with an explicit zone (what the API itself speaks).
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : new Date(t);
  }
  return null;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** An instant as Beijing wall-clock text: "2024-03-01" at midnight, else "2024-03-01 14:30:05". */
export function formatInstant(d: Date): string {
  const w = new Date(d.getTime() + OFFSET_MS);
  const date = `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;
  const h = w.getUTCHours(),
    mi = w.getUTCMinutes(),
    s = w.getUTCSeconds(),
    ms = w.getUTCMilliseconds();
  if (h === 0 && mi === 0 && s === 0 && ms === 0) return date;
  return `${date} ${pad(h)}:${pad(mi)}:${pad(s)}${ms ? `.${pad(ms, 3)}` : ''}`;
}

export const DATE_RULE = {
  zh: '应为日期，如 2024-03-01 或 2024-03-01 14:30（北京时间）',
  en: 'must be a date such as 2024-03-01 or 2024-03-01 14:30 (Beijing time)',
};
