import ExcelJS from 'exceljs';
import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Queryable } from '../db/types';
import { BAND_NAMES, COMPONENTS, COMPONENT_NAMES, FLAG_NAMES, type Band, type Flag } from '../domain/assessment-index';
import { AppError } from '../errors';
import { assessmentIndexRepository } from '../repositories/assessment-index';
import type { IndexWeek } from '../schemas/assessment-ledgers';
import type { Caller } from './figures';
import { indexWeek } from './assessment-index';

/**
 * The 周通报 of a published week (docs/ASSESSMENT.md "Bulletin"): one set of figures, written as
 * .docx (the `docx` package), .xlsx (exceljs) and a printable HTML page. Rows are the caller's.
 */
export interface Bulletin {
  title: string;
  number: string;
  period: string;
  summary: string;
  week: IndexWeek;
  streets: IndexWeek;
  praised: string[];
  criticised: string[];
  open: {
    problemId: number;
    state: string;
    pointName: string;
    itemName: string;
    note: string;
    unitName: string | null;
  }[];
}

export const BAND_FILL: Record<Band, string> = { red: 'F8D0D0', yellow: 'FFF1B8', green: 'D3F0D3' };
const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(2));

export async function bulletinOf(q: Queryable, caller: Caller, now: Date, weekStart: string): Promise<Bulletin> {
  const week = await indexWeek(q, caller, now, { week: weekStart, level: 'community' });
  if (!week.published)
    throw new AppError(
      409,
      'NotPublished',
      {
        zh: `week：第 ${week.weekStart} 周尚未发布，先发布再生成通报`,
        en: `week: the week of ${week.weekStart} is not published yet`,
      },
      [{ field: 'week', reason: { zh: '尚未发布', en: 'not published' } }],
    );
  const streets = await indexWeek(q, caller, now, { week: weekStart, level: 'street' });
  const ranked = week.rows.filter((r) => r.rank !== null);
  const count = (b: Band) => ranked.filter((r) => r.band === b).length;
  const mean = ranked.length ? ranked.reduce((s, r) => s + (r.index ?? 0), 0) / ranked.length : null;
  const flagged = (f: Flag) => week.rows.filter((r) => r.flags.includes(f)).map((r) => r.name);
  const praised = [
    ...ranked.filter((r) => r.band === 'green').map((r) => `${r.name}（${fmt(r.index)}）`),
    ...flagged('green_all_along').map((n) => `${n}：${FLAG_NAMES.green_all_along.zh}`),
  ];
  const criticised = [
    ...ranked.filter((r) => r.band === 'red').map((r) => `${r.name}（${fmt(r.index)}）`),
    ...flagged('two_reds').map((n) => `${n}：${FLAG_NAMES.two_reds.zh}`),
    ...flagged('last_twice').map((n) => `${n}：${FLAG_NAMES.last_twice.zh}`),
  ];
  const open = await assessmentIndexRepository(q).openFindings(caller, week.weekEnd);
  return {
    title: '创文工作周通报',
    number: week.number!,
    period: `${week.weekStart} 至 ${week.weekEnd}`,
    summary:
      `本期共排名 ${ranked.length} 个村（社区），平均创文指数 ${fmt(mean === null ? null : Math.round(mean * 100) / 100)}；` +
      `绿色 ${count('green')} 个、黄色 ${count('yellow')} 个、红色 ${count('red')} 个；测评发现问题尚未整改销号 ${open.length} 个。`,
    week,
    streets,
    praised,
    criticised,
    open,
  };
}

const HEAD = ['排名', '村（社区）', ...COMPONENTS.map((c) => COMPONENT_NAMES[c].zh), '创文指数', '色带'];
const rowCells = (r: IndexWeek['rows'][number]) => [
  String(r.rank ?? '—'),
  r.name,
  ...COMPONENTS.map((c) => fmt(r.components[c])),
  fmt(r.index),
  r.band ? BAND_NAMES[r.band as Band].zh : '—',
];

export async function bulletinDocx(b: Bulletin): Promise<Buffer> {
  const cell = (text: string, opts: { bold?: boolean; fill?: string } = {}) =>
    new TableCell({
      children: [new Paragraph({ children: [new TextRun({ text, bold: opts.bold })] })],
      ...(opts.fill ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: opts.fill } } : {}),
    });
  const table = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [
      new TableRow({ tableHeader: true, children: HEAD.map((h) => cell(h, { bold: true, fill: 'E8EEF7' })) }),
      ...b.week.rows.map(
        (r) =>
          new TableRow({
            children: rowCells(r).map((t) => cell(t, r.band ? { fill: BAND_FILL[r.band as Band] } : {})),
          }),
      ),
    ],
  });
  const p = (text: string) => new Paragraph({ children: [new TextRun(text)] });
  const list = (title: string, items: string[]) => [
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(title)] }),
    ...(items.length ? items.map((i) => p(`· ${i}`)) : [p('无')]),
  ];
  const doc = new Document({
    creator: 'Wangge',
    title: `${b.title} ${b.number}`,
    sections: [
      {
        children: [
          new Paragraph({
            heading: HeadingLevel.TITLE,
            alignment: AlignmentType.CENTER,
            children: [new TextRun(b.title)],
          }),
          new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun(b.number)] }),
          p(`通报周期：${b.period}`),
          p(b.summary),
          new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun('创文指数排名')] }),
          table,
          ...list('表扬', b.praised),
          ...list('批评', b.criticised),
          ...list(
            '尚未整改的问题',
            b.open.map((o) => `#${o.problemId} ${o.pointName}：${o.itemName}——${o.note}（${o.unitName ?? '未交办'}）`),
          ),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

export async function bulletinXlsx(b: Bulletin): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('创文指数');
  ws.addRow([`${b.title} ${b.number}`]).font = { bold: true, size: 14 };
  ws.addRow([`通报周期：${b.period}`]);
  ws.addRow([b.summary]);
  ws.addRow([]);
  const head = ws.addRow(HEAD);
  head.font = { bold: true };
  for (const r of b.week.rows) {
    const row = ws.addRow([
      r.rank,
      r.name,
      ...COMPONENTS.map((c) => r.components[c]),
      r.index,
      r.band ? BAND_NAMES[r.band as Band].zh : null,
    ]);
    if (r.band)
      row.eachCell(
        (c) => (c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: `FF${BAND_FILL[r.band as Band]}` } }),
      );
  }
  ws.columns.forEach((c, i) => (c.width = i === 1 ? 24 : 12));
  const open = wb.addWorksheet('尚未整改');
  open.addRow(['问题编号', '点位', '测评项', '问题', '责任单位', '状态']).font = { bold: true };
  for (const o of b.open) open.addRow([o.problemId, o.pointName, o.itemName, o.note, o.unitName, o.state]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A printable page (A4, no script): what offices print and send round. */
export function bulletinHtml(b: Bulletin): string {
  const tr = (r: IndexWeek['rows'][number]) =>
    `<tr${r.band ? ` style="background:#${BAND_FILL[r.band as Band]}"` : ''}>${rowCells(r)
      .map((c) => `<td>${esc(c)}</td>`)
      .join('')}</tr>`;
  const ul = (items: string[]) =>
    items.length ? `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>` : '<p>无</p>';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(b.title)} ${esc(b.number)}</title>
<style>@page{size:A4;margin:18mm}body{font-family:"FangSong","SimSun",serif;font-size:14pt;color:#000}h1{text-align:center;color:#c00;font-size:24pt;margin:0}
.no{text-align:center;margin:6pt 0 12pt}table{border-collapse:collapse;width:100%;font-size:11pt}td,th{border:1px solid #333;padding:3pt 5pt;text-align:center}
th{background:#e8eef7}</style></head><body>
<h1>${esc(b.title)}</h1><p class="no">${esc(b.number)}</p><p>通报周期：${esc(b.period)}</p><p>${esc(b.summary)}</p>
<h2>创文指数排名</h2><table><thead><tr>${HEAD.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${b.week.rows.map(tr).join('')}</tbody></table>
<h2>表扬</h2>${ul(b.praised)}<h2>批评</h2>${ul(b.criticised)}
<h2>尚未整改的问题</h2>${ul(b.open.map((o) => `#${o.problemId} ${o.pointName}：${o.itemName}——${o.note}（${o.unitName ?? '未交办'}）`))}
</body></html>`;
}
