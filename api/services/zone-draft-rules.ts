import type { Queryable } from '../db/types';
import { AppError, type Msg, type Problem } from '../errors';
import { zoneDraftsRepository, type DraftRow, type StateEntry } from '../repositories/zone-drafts';
import type { AreaState, ZoneChange, ZoneDiffRow, ZoneLocks } from '../schemas/zones';

// The rules of a zone draft (issue 13, docs/ZONES.md), shared by its writes (zone-drafts.ts) and
// its apply (zone-draft-apply.ts): the errors, the validation of changes and locks against the
// database, the state in force per area and the state a change leads to, the diff.

export interface Author {
  id: number;
}
export const DRAFT = { zh: '该调整方案', en: 'draft' };
export const EMPTY_LOCKS: ZoneLocks = { grids: [], units: [] };

export const invalid = (msg: Msg, problems: Problem[]) => new AppError(422, 'InvalidDraft', msg, problems);
export const first = (problems: Problem[]): Msg => ({
  zh: `调整方案有误：${problems[0]!.field ?? ''} ${problems[0]!.reason.zh}${problems.length > 1 ? `（另有 ${problems.length - 1} 处）` : ''}`,
  en: `the draft is invalid: ${problems[0]!.field ?? ''} ${problems[0]!.reason.en}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
});
export const stale = (current: number, sent: number) =>
  new AppError(
    409,
    'StaleVersion',
    {
      zh: `调整方案已被他人修改（当前版本 ${current}，提交的是 ${sent}），请刷新后再改`,
      en: `the draft was changed by someone else (version ${current}, you sent ${sent}); reload and edit again`,
    },
    [{ field: 'version', reason: { zh: '版本已过期', en: 'stale version' } }],
  );
export const alreadyApplied = () =>
  new AppError(409, 'DraftApplied', {
    zh: '该调整方案已实施，不能再修改、删除或实施；如需撤销请使用“撤销”生成新方案',
    en: 'this draft has been applied: it cannot be edited, deleted or applied again; use revert to draft the way back',
  });

export const hasOp = (c: Omit<ZoneChange, 'areaId'>) =>
  c.lead !== undefined || !!c.supportAdd?.length || !!c.supportRemove?.length || c.leader !== undefined;

/** Checks changes and locks against the database; throws 422 naming every field at fault. */
export async function validate(q: Queryable, changes: ZoneChange[], locks: ZoneLocks, baseAt: Date) {
  const repo = zoneDraftsRepository(q);
  const problems: Problem[] = [];
  const areaIds = [...new Set([...changes.map((c) => c.areaId), ...locks.grids])];
  const areas = new Map((await repo.areas(areaIds)).map((a) => [a.id, a]));
  const unitIds = [
    ...new Set([
      ...changes.flatMap((c) => [...(c.lead ? [c.lead] : []), ...(c.supportAdd ?? []), ...(c.supportRemove ?? [])]),
      ...locks.units,
    ]),
  ];
  const units = await repo.units(unitIds);
  const people = await repo.people([...new Set(changes.flatMap((c) => (c.leader ? [c.leader] : [])))]);
  const base = groupState(await repo.stateAt(areaIds, baseAt));
  const lockedGrids = new Set(locks.grids);
  const lockedUnits = new Set(locks.units);
  const seen = new Set<number>();
  changes.forEach((c, i) => {
    const f = (k: string) => `changes[${i}].${k}`;
    const area = areas.get(c.areaId);
    if (seen.has(c.areaId))
      problems.push({ field: f('areaId'), reason: { zh: '同一区域出现两次', en: 'the same area appears twice' } });
    seen.add(c.areaId);
    if (!area) {
      problems.push({
        field: f('areaId'),
        reason: { zh: `区域 ${c.areaId} 不存在（可能已删除）`, en: `area ${c.areaId} does not exist (deleted?)` },
      });
      return;
    }
    if (area.level !== 'grid' && area.level !== 'community')
      problems.push({ field: f('areaId'), reason: { zh: '应为网格或社区', en: 'must be a grid or community' } });
    if (!hasOp(c))
      problems.push({
        field: `changes[${i}]`,
        reason: { zh: '没有任何调整', en: 'changes nothing' },
        feature: area.code,
      });
    if (c.leader !== undefined && area.level !== 'grid')
      problems.push({
        field: f('leader'),
        reason: { zh: '网格长只能设在网格上', en: 'grid leaders are set on grids only' },
      });
    if (lockedGrids.has(c.areaId))
      problems.push({
        field: f('areaId'),
        feature: area.code,
        reason: { zh: `${area.name} 已锁定，不能调整`, en: `${area.name} is locked` },
      });
    for (const [k, ids] of [
      ['lead', c.lead ? [c.lead] : []],
      ['supportAdd', c.supportAdd ?? []],
      ['supportRemove', c.supportRemove ?? []],
    ] as const) {
      for (const u of ids) {
        if (!units.has(u))
          problems.push({ field: f(k), reason: { zh: `单位 ${u} 不存在`, en: `unit ${u} does not exist` } });
        else if (lockedUnits.has(u))
          problems.push({
            field: f(k),
            reason: { zh: `单位“${units.get(u)}”已锁定`, en: `unit “${units.get(u)}” is locked` },
          });
      }
    }
    const before = base.get(c.areaId);
    if (c.lead !== undefined && before?.lead && lockedUnits.has(before.lead.id) && before.lead.id !== c.lead)
      problems.push({
        field: f('lead'),
        reason: {
          zh: `现牵头单位“${before.lead.name}”已锁定，其网格不能调出`,
          en: `the current lead unit “${before.lead.name}” is locked: its grids stay`,
        },
      });
    if (c.lead && c.supportAdd?.includes(c.lead))
      problems.push({
        field: f('supportAdd'),
        reason: { zh: '牵头单位不能同时是协助单位', en: 'the lead unit cannot also be a support unit' },
      });
    if (c.supportAdd?.some((u) => c.supportRemove?.includes(u)))
      problems.push({
        field: f('supportRemove'),
        reason: { zh: '同一单位既增加又移除', en: 'a unit is both added and removed' },
      });
    if (c.leader && !people.has(c.leader))
      problems.push({
        field: f('leader'),
        reason: { zh: `人员 ${c.leader} 不存在`, en: `person ${c.leader} does not exist` },
      });
  });
  locks.grids.forEach((g, j) => {
    if (areas.get(g)?.level !== 'grid')
      problems.push({ field: `locks.grids[${j}]`, reason: { zh: `网格 ${g} 不存在`, en: `grid ${g} does not exist` } });
  });
  locks.units.forEach((u, j) => {
    if (!units.has(u))
      problems.push({ field: `locks.units[${j}]`, reason: { zh: `单位 ${u} 不存在`, en: `unit ${u} does not exist` } });
  });
  if (problems.length) throw invalid(first(problems), problems);
}

/** Holder rows in force → per area: lead, supports, leader. */
export function groupState(entries: StateEntry[]): Map<number, AreaState & { rows: StateEntry[] }> {
  const out = new Map<number, AreaState & { rows: StateEntry[] }>();
  for (const e of entries) {
    let s = out.get(e.areaId);
    if (!s) out.set(e.areaId, (s = { lead: null, support: [], leader: null, rows: [] }));
    s.rows.push(e);
    const h = { id: e.holder, name: e.name };
    if (e.role === 'lead') s.lead = h;
    else if (e.role === 'leader') s.leader = h;
    else s.support.push(h);
  }
  return out;
}
export const EMPTY_STATE: AreaState = { lead: null, support: [], leader: null };

/** The state a change leads to from `before` (names from the maps). */
export function target(
  before: AreaState,
  c: ZoneChange,
  unitName: (id: number) => string,
  personName: (id: number) => string,
): AreaState {
  const lead = c.lead === undefined ? before.lead : c.lead === null ? null : { id: c.lead, name: unitName(c.lead) };
  const remove = new Set(c.supportRemove ?? []);
  const support = before.support.filter((s) => !remove.has(s.id) && s.id !== lead?.id);
  for (const u of c.supportAdd ?? []) if (!support.some((s) => s.id === u)) support.push({ id: u, name: unitName(u) });
  const leader =
    c.leader === undefined ? before.leader : c.leader === null ? null : { id: c.leader, name: personName(c.leader) };
  return { lead, support, leader };
}

export async function diffOf(q: Queryable, d: DraftRow): Promise<ZoneDiffRow[]> {
  const repo = zoneDraftsRepository(q);
  const ids = d.changes.map((c) => c.areaId);
  if (!ids.length) return [];
  const areas = new Map((await repo.areas(ids)).map((a) => [a.id, a]));
  const base = groupState(await repo.stateAt(ids, new Date(d.baseAt)));
  const units = await repo.units([...new Set(d.changes.flatMap((c) => [c.lead ?? 0, ...(c.supportAdd ?? [])]))]);
  const people = await repo.people([...new Set(d.changes.map((c) => c.leader ?? 0))]);
  return d.changes
    .filter((c) => areas.has(c.areaId))
    .map((c) => {
      const a = areas.get(c.areaId)!;
      const b = base.get(c.areaId) ?? EMPTY_STATE;
      return {
        areaId: a.id,
        code: a.code,
        name: a.name,
        level: a.level,
        before: { lead: b.lead, support: b.support, leader: b.leader },
        after: target(
          b,
          c,
          (u) => units.get(u) ?? `#${u}`,
          (p) => people.get(p) ?? `#${p}`,
        ),
      };
    })
    .sort((x, y) => x.code.localeCompare(y.code));
}
