import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import type { Lang } from '../errors';
import { formatCsv } from '../domain/csv';
import { formatInstant } from '../domain/instant';
import { describe, SETS, COHORT, type Kpi } from '../domain/kpi';
import type { FiguresResult, RankingResult } from '../schemas/figures';

/**
 * Figure and ranking tables as offices file them: a header block (title, period, as-of instant,
 * and the definition of every indicator in the table), then the table. The same block heads the
 * .xlsx sheet and the CSV, so a printed or forwarded table always carries what its numbers mean.
 */
export interface ReportTable {
  sheet: string;
  title: string;
  meta: [string, string][];
  definitions: [string, string][];
  header: string[];
  rows: (string | number | null)[][];
}

const LEVEL_NAMES: Record<string, { zh: string; en: string }> = {
  county: { zh: '县（市）', en: 'county' },
  street: { zh: '街道（乡镇）', en: 'street' },
  community: { zh: '社区（村）', en: 'community' },
  grid: { zh: '网格', en: 'grid' },
  unit: { zh: '包保单位', en: 'unit' },
};
const L = (lang: Lang, zh: string, en: string) => (lang === 'zh' ? zh : en);
const period = (from: string, to: string, lang: Lang) =>
  `${formatInstant(new Date(from))} — ${formatInstant(new Date(to))}${L(lang, '（北京时间，含起不含止）', ' (Beijing time, start included, end excluded)')}`;

export function definitionLines(kpis: readonly Kpi[], lang: Lang): [string, string][] {
  const out: [string, string][] = [[L(lang, '统计范围', 'Cohort'), COHORT[lang]]];
  for (const k of kpis) {
    const d = describe(k);
    const text = d.denominator
      ? `${L(lang, '分子', 'numerator')} = ${d.numerator[lang]}；${L(lang, '分母', 'denominator')} = ${d.denominator[lang]}；${L(lang, '排除', 'excluded')}：${k.exclusions[lang]}`
      : `${d.numerator[lang]}；${L(lang, '排除', 'excluded')}：${k.exclusions[lang]}`;
    out.push([k.name[lang], text]);
  }
  return out;
}

export function figuresTables(r: FiguresResult, kpis: readonly Kpi[], lang: Lang): ReportTable {
  const header = [L(lang, '代码', 'code'), L(lang, '名称', 'name')];
  for (const k of kpis) {
    if (k.kind === 'rate')
      header.push(`${k.name[lang]}(%)`, SETS[k.numerator].name[lang], SETS[k.denominator].name[lang]);
    else header.push(k.name[lang]);
  }
  const rows = r.rows.map((row) => {
    const cells: (string | number | null)[] = [row.code, row.name];
    for (const k of kpis) {
      const f = row.figures[k.id]!;
      if (k.kind === 'rate') cells.push(f.value, f.numerator ?? 0, f.denominator ?? 0);
      else cells.push(f.value);
    }
    return cells;
  });
  return {
    sheet: L(lang, '指标统计', 'figures'),
    title: L(
      lang,
      `问题处置指标统计（按${LEVEL_NAMES[r.level]!.zh}）`,
      `Problem figures by ${LEVEL_NAMES[r.level]!.en}`,
    ),
    meta: [
      [L(lang, '统计周期', 'Period'), period(r.from, r.to, lang)],
      [L(lang, '统计时点', 'As of'), formatInstant(new Date(r.asOf))],
      [L(lang, '统计层级', 'Level'), LEVEL_NAMES[r.level]![lang]],
    ],
    definitions: definitionLines(kpis, lang),
    header,
    rows,
  };
}

// ↑/↓ rather than a sign: a leading - or + is defused as a formula in CSV (api/domain/csv.ts)
const arrow = (c: number | null) => (c === null ? null : c > 0 ? `↑${c}` : c < 0 ? `↓${-c}` : '—');

export function rankingTable(r: RankingResult, kpis: readonly Kpi[], lang: Lang): ReportTable {
  const items = r.entries[0]?.breakdown.map((b) => b.indicator) ?? [];
  const name = (id: string) => kpis.find((k) => k.id === id)?.name[lang] ?? id;
  const header = [
    L(lang, '名次', 'rank'),
    L(lang, '代码', 'code'),
    L(lang, '名称', 'name'),
    L(lang, '得分', 'score'),
    L(lang, '上周名次', 'last week'),
    L(lang, '升降', 'change'),
    L(lang, '榜单', 'list'),
    L(lang, '连续末位周数', 'weeks last'),
    L(lang, '通报晾晒', 'named'),
    L(lang, '问题数', 'problems'),
    ...items.flatMap((id) => [`${name(id)}`, `${name(id)}${L(lang, '得分', ' pts')}`]),
    L(lang, '说明', 'note'),
  ];
  const rows = r.entries.map((e) => [
    e.rank,
    e.code,
    e.name,
    e.score,
    e.previousRank,
    arrow(e.rankChange),
    e.list === 'red' ? L(lang, '红榜', 'red') : e.list === 'black' ? L(lang, '黑榜', 'black') : null,
    e.lastPlaceRun || null,
    e.namedPublicly ? L(lang, '是', 'yes') : null,
    e.problems,
    ...e.breakdown.flatMap((b) => [b.value, b.earned]),
    e.reason ?? e.breakdown.map((b) => `${name(b.indicator)}: ${b.note}`).join('；'),
  ]);
  const kinds = {
    unit: L(lang, '包保单位', 'units'),
    community: L(lang, '社区（村）', 'communities'),
    street: L(lang, '街道（乡镇）', 'streets'),
  };
  return {
    sheet: L(lang, '周排名', 'ranking'),
    title: L(
      lang,
      `${kinds[r.kind]}创文指数周排名（${r.weekStart} 周）${r.provisional ? '（本周未结束，暂定）' : ''}`,
      `Weekly ranking of ${kinds[r.kind]}, week of ${r.weekStart}${r.provisional ? ' (provisional)' : ''}`,
    ),
    meta: [
      [L(lang, '统计周期', 'Period'), period(r.from, r.to, lang)],
      [L(lang, '统计时点', 'As of'), formatInstant(new Date(r.asOf))],
      [L(lang, '评分方案', 'Scheme'), `${r.scheme.name} v${r.scheme.version}`],
    ],
    definitions: definitionLines(
      kpis.filter((k) => items.includes(k.id)),
      lang,
    ),
    header,
    rows,
  };
}

export async function writeReportXlsx(t: ReportTable): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Wangge 网格';
  const ws = wb.addWorksheet(t.sheet);
  const width = Math.max(t.header.length, 2);
  ws.mergeCells(1, 1, 1, width);
  const title = ws.getCell(1, 1);
  title.value = t.title;
  title.font = { bold: true, size: 14 };
  title.alignment = { horizontal: 'center' };
  for (const [k, v] of [...t.meta, ...t.definitions]) {
    const row = ws.addRow([k, v]);
    row.getCell(1).font = { bold: true };
    ws.mergeCells(row.number, 2, row.number, width);
    row.getCell(2).alignment = { wrapText: true, vertical: 'top' };
  }
  ws.addRow([]);
  const head = ws.addRow(t.header);
  head.font = { bold: true };
  head.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  });
  ws.views = [{ state: 'frozen', ySplit: head.number }];
  for (const r of t.rows) ws.addRow(r);
  t.header.forEach((h, i) => {
    ws.getColumn(i + 1).width = Math.max(10, Math.min(40, h.length * 2 + 4));
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export function writeReportCsv(t: ReportTable): Buffer {
  const str = (v: string | number | null) => (v === null ? null : String(v));
  const lines: (string | null)[][] = [
    [t.title],
    ...t.meta,
    ...t.definitions,
    [],
    t.header,
    ...t.rows.map((r) => r.map(str)),
  ];
  return Buffer.from(formatCsv(lines), 'utf8');
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const attachment = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export async function sendTables(reply: FastifyReply, format: 'xlsx' | 'csv', name: string, t: ReportTable) {
  if (format === 'xlsx')
    return reply
      .type(XLSX)
      .header('Content-Disposition', attachment(`${name}.xlsx`))
      .send(await writeReportXlsx(t));
  return reply
    .type('text/csv; charset=utf-8')
    .header('Content-Disposition', attachment(`${name}.csv`))
    .send(writeReportCsv(t));
}
