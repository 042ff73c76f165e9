import type { Cell } from './instant';

/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Excel on a Chinese
 * Windows saves CSV in GBK, so bytes that are not UTF-8 are read as GB18030 (a superset).
 */
export function decodeText(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('gb18030').decode(bytes);
  }
  return text.replace(/^\uFEFF/, '');
}

export function parseCsv(text: string): Cell[][] {
  const rows: Cell[][] = [];
  let row: Cell[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field === '' ? null : field);
    field = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
      continue;
    }
    if (c === ',') {
      endField();
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endField();
      rows.push(row);
      row = [];
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += c;
    i++;
  }
  if (field !== '' || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

// A cell starting with = + - @ would run as a formula when the CSV is opened in Excel (CSV
// injection): it goes out behind an apostrophe, which the importer strips again.
const defuse = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
const quote = (v: string) => (/[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** UTF-8 with a BOM: without it Excel on Windows shows the Chinese as mojibake. */
export function formatCsv(rows: (string | null)[][]): string {
  return '\uFEFF' + rows.map((r) => r.map((v) => quote(defuse(v ?? ''))).join(',')).join('\r\n') + '\r\n';
}
