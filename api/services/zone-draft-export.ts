import type { Db } from '../db/types';
import { formatInstant } from '../domain/instant';
import type { Scope } from '../repositories/areas';
import type { AreaState } from '../schemas/zones';
import { writeXlsx, type OutTable } from './contracting-files';
import { draftBalance } from './zone-draft-balance';
import { getDraft } from './zone-drafts';

// A zone draft as .xlsx for sign-off (issue 13, docs/ZONES.md "Export").

const holders = (s: AreaState) => ({
  lead: s.lead?.name ?? '',
  support: s.support.map((x) => x.name).join('、'),
  leader: s.leader?.name ?? '',
});
const fmt = (x: number, digits = 2) => String(Math.round(x * 10 ** digits) / 10 ** digits);

/** The plan for sign-off: the diff and the balance table, one sheet each. */
export async function exportDraft(
  db: Db,
  id: number,
  now: Date,
  scope: Scope,
): Promise<{ name: string; body: Buffer }> {
  const d = await getDraft(db, id);
  const bal = await draftBalance(db, id, now, scope);
  const diff: OutTable = {
    sheet: '调整清单',
    title: `${d.name}（基准 ${formatInstant(new Date(d.baseAt))}${d.effectiveAt ? `，生效 ${formatInstant(new Date(d.effectiveAt))}` : ''}，作者 ${d.authorName ?? ''}）`,
    header: ['区域编码', '区域名称', '原牵头单位', '新牵头单位', '原协助单位', '新协助单位', '原网格长', '新网格长'],
    rows: d.diff.map((r) => {
      const b = holders(r.before);
      const a = holders(r.after);
      return [r.code, r.name, b.lead, a.lead, b.support, a.support, b.leader, a.leader];
    }),
    widths: [18, 24, 24, 24, 30, 30, 10, 10],
  };
  const balance: OutTable = {
    sheet: '均衡表',
    title: `均衡指数 ${fmt(bal.index.before, 1)} → ${fmt(bal.index.after, 1)}（按 ${formatInstant(now)} 的数据）`,
    header: [
      '单位',
      '网格数（前）',
      '网格数（后）',
      '面积km²（前）',
      '面积km²（后）',
      '未结案（前）',
      '未结案（后）',
      '近90天问题（前）',
      '近90天问题（后）',
      '暗访（前）',
      '暗访（后）',
      '超期占比（后）',
      '巡查次数（后）',
      '紧凑度（后）',
      '分块数（后）',
    ],
    rows: bal.units.map((u) => [
      u.name,
      String(u.before.grids),
      String(u.after.grids),
      fmt(u.before.areaKm2),
      fmt(u.after.areaKm2),
      String(u.before.open),
      String(u.after.open),
      String(u.before.recent),
      String(u.after.recent),
      String(u.before.undercover),
      String(u.after.undercover),
      fmt(u.after.overdueShare * 100, 1) + '%',
      String(u.after.patrols),
      u.after.compactness === null ? '' : fmt(u.after.compactness, 3),
      String(u.after.parts),
    ]),
    widths: [30, ...Array(14).fill(12)],
  };
  return { name: `调整方案-${d.id}.xlsx`, body: await writeXlsx([diff, balance]) };
}
