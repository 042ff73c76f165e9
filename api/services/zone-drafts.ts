import type { Db, Queryable } from '../db/types';
import { AppError, notFound, type Msg, type Problem } from '../errors';
import { formatInstant } from '../domain/instant';
import {
  balanceTable,
  DEFAULT_WEIGHTS,
  neighbourMap,
  type GridStats,
  type Neighbours,
  type Weights,
} from '../domain/zone-balance';
import type { Scope } from '../repositories/areas';
import type { Proposed } from '../repositories/assignments';
import { zoneDraftsRepository, type DraftRow, type GridShape, type StateEntry } from '../repositories/zone-drafts';
import type {
  AreaState,
  ZoneBalance,
  ZoneChange,
  ZoneDiffRow,
  ZoneDraft,
  ZoneDraftCreate,
  ZoneDraftEdit,
  ZoneDraftUpdate,
  ZoneLocks,
} from '../schemas/zones';
import { closeIn, createIn, reassignIn, writeAssignments } from './assignments';
import { writeXlsx, type OutTable } from './contracting-files';

// The zone editor's drafts (issue 13, docs/ZONES.md): saved server-side, validated on every
// write, balanced on request, applied through the versioned assignment writes of
// services/assignments.ts in one transaction, reverted by a new draft.

export interface Author {
  id: number;
}
const DRAFT = { zh: '该调整方案', en: 'draft' };
const EMPTY_LOCKS: ZoneLocks = { grids: [], units: [] };

const invalid = (msg: Msg, problems: Problem[]) => new AppError(422, 'InvalidDraft', msg, problems);
const first = (problems: Problem[]): Msg => ({
  zh: `调整方案有误：${problems[0]!.field ?? ''} ${problems[0]!.reason.zh}${problems.length > 1 ? `（另有 ${problems.length - 1} 处）` : ''}`,
  en: `the draft is invalid: ${problems[0]!.field ?? ''} ${problems[0]!.reason.en}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
});
const stale = (current: number, sent: number) =>
  new AppError(
    409,
    'StaleVersion',
    {
      zh: `调整方案已被他人修改（当前版本 ${current}，提交的是 ${sent}），请刷新后再改`,
      en: `the draft was changed by someone else (version ${current}, you sent ${sent}); reload and edit again`,
    },
    [{ field: 'version', reason: { zh: '版本已过期', en: 'stale version' } }],
  );
const alreadyApplied = () =>
  new AppError(409, 'DraftApplied', {
    zh: '该调整方案已实施，不能再修改、删除或实施；如需撤销请使用“撤销”生成新方案',
    en: 'this draft has been applied: it cannot be edited, deleted or applied again; use revert to draft the way back',
  });

const hasOp = (c: Omit<ZoneChange, 'areaId'>) =>
  c.lead !== undefined || !!c.supportAdd?.length || !!c.supportRemove?.length || c.leader !== undefined;

/** Checks changes and locks against the database; throws 422 naming every field at fault. */
async function validate(q: Queryable, changes: ZoneChange[], locks: ZoneLocks, baseAt: Date) {
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
function groupState(entries: StateEntry[]): Map<number, AreaState & { rows: StateEntry[] }> {
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
const EMPTY_STATE: AreaState = { lead: null, support: [], leader: null };

/** The state a change leads to from `before` (names from the maps). */
function target(
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

async function diffOf(q: Queryable, d: DraftRow): Promise<ZoneDiffRow[]> {
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

const present = async (q: Queryable, id: number): Promise<ZoneDraft> => {
  const d = await zoneDraftsRepository(q).byId(id);
  if (!d) throw notFound(DRAFT);
  const { previous: _previous, ...rest } = d;
  return { ...rest, diff: await diffOf(q, d) };
};

export const listDrafts = (q: Queryable) => zoneDraftsRepository(q).list();
export const getDraft = (q: Queryable, id: number) => present(q, id);

export async function createDraft(
  db: Db,
  author: Author,
  body: ZoneDraftCreate,
  now: Date,
  revertsId: number | null = null,
  baseAt = now,
) {
  return db.transaction(async (tx) => {
    const changes = body.changes ?? [];
    const locks = body.locks ?? EMPTY_LOCKS;
    await validate(tx, changes, locks, baseAt);
    const id = await zoneDraftsRepository(tx).insert({
      name: body.name,
      notes: body.notes ?? '',
      authorId: author.id,
      baseAt,
      changes,
      locks,
      weights: body.weights ?? DEFAULT_WEIGHTS,
      revertsId,
      now,
    });
    return present(tx, id);
  });
}

/** Locks the draft, checks it is an unapplied draft at `version`; returns the row. */
async function lockDraft(tx: Queryable, id: number, version: number): Promise<DraftRow> {
  const repo = zoneDraftsRepository(tx);
  const locked = await repo.lock(id);
  if (!locked) throw notFound(DRAFT);
  if (locked.status === 'applied') throw alreadyApplied();
  if (locked.version !== version) throw stale(locked.version, version);
  return (await repo.byId(id))!;
}

export async function updateDraft(db: Db, id: number, body: ZoneDraftUpdate, now: Date) {
  return db.transaction(async (tx) => {
    const d = await lockDraft(tx, id, body.version);
    const next = {
      name: body.name ?? d.name,
      notes: body.notes ?? d.notes,
      changes: body.changes ?? d.changes,
      locks: body.locks ?? d.locks,
      weights: body.weights ?? d.weights,
    };
    await validate(tx, next.changes, next.locks, new Date(d.baseAt));
    await zoneDraftsRepository(tx).update(id, next, now);
    return present(tx, id);
  });
}

/** One edit of a selection: the same target merged into each selected area's change (or reset). */
export async function editDraft(db: Db, id: number, e: ZoneDraftEdit, now: Date) {
  return db.transaction(async (tx) => {
    const d = await lockDraft(tx, id, e.version);
    const { areaIds, version: _v, reset, ...op } = e;
    if (!reset && !hasOp(op))
      throw invalid(
        {
          zh: '没有指定调整内容（牵头单位、协助单位或网格长）',
          en: 'nothing to change: give a lead unit, support units or a grid leader',
        },
        [{ field: 'lead', reason: { zh: '至少指定一项', en: 'at least one is needed' } }],
      );
    const selected = new Set(areaIds);
    let changes = d.changes.filter((c) => !(reset && selected.has(c.areaId)));
    if (!reset) {
      const byArea = new Map(changes.map((c) => [c.areaId, c]));
      for (const areaId of areaIds) {
        const old = byArea.get(areaId) ?? { areaId };
        const merged: ZoneChange = { ...old };
        if (op.lead !== undefined) merged.lead = op.lead;
        if (op.leader !== undefined) merged.leader = op.leader;
        if (op.supportAdd?.length) {
          merged.supportAdd = [...new Set([...(old.supportAdd ?? []), ...op.supportAdd])];
          merged.supportRemove = (old.supportRemove ?? []).filter((u) => !op.supportAdd!.includes(u));
        }
        if (op.supportRemove?.length) {
          merged.supportRemove = [...new Set([...(merged.supportRemove ?? []), ...op.supportRemove])];
          merged.supportAdd = (merged.supportAdd ?? []).filter((u) => !op.supportRemove!.includes(u));
        }
        if (!merged.supportAdd?.length) delete merged.supportAdd;
        if (!merged.supportRemove?.length) delete merged.supportRemove;
        byArea.set(areaId, merged);
      }
      changes = [...byArea.values()];
    }
    await validate(tx, changes, d.locks, new Date(d.baseAt));
    await zoneDraftsRepository(tx).update(id, { ...d, changes }, now);
    return present(tx, id);
  });
}

export async function deleteDraft(db: Db, id: number, version: number) {
  await db.transaction(async (tx) => {
    await lockDraft(tx, id, version);
    await zoneDraftsRepository(tx).remove(id);
  });
}

// ---- balance ----

interface Geometry {
  version: string;
  shapes: Map<number, GridShape>;
  nb: Neighbours;
}
const geometryCache = new WeakMap<Queryable, Geometry>();

/** Grid shapes and adjacency, cached per database until the areas change (areas_version). */
export async function gridGeometry(db: Queryable): Promise<Geometry> {
  const repo = zoneDraftsRepository(db);
  const version = await repo.areasVersion();
  const cached = geometryCache.get(db);
  if (cached?.version === version) return cached;
  const shapes = new Map((await repo.gridShapes()).map((s) => [s.id, s]));
  const g = { version, shapes, nb: neighbourMap(await repo.adjacency()) };
  geometryCache.set(db, g);
  return g;
}

/** Per grid: shape and load as of `now`, in the caller's scope. */
export async function gridStats(db: Queryable, now: Date, scope: Scope) {
  const geo = await gridGeometry(db);
  const loads = await zoneDraftsRepository(db).gridLoads(now, scope);
  const stats: GridStats[] = [];
  for (const l of loads) {
    const s = geo.shapes.get(l.id);
    if (s) stats.push({ ...l, areaKm2: s.areaKm2, perimeterKm: s.perimeterKm });
  }
  return { geo, stats };
}

/** grid → lead unit after the draft's changes, from its base. */
export const leadsAfter = (before: Map<number, number>, changes: ZoneChange[]) => {
  const after = new Map(before);
  for (const c of changes) {
    if (c.lead === null) after.delete(c.areaId);
    else if (c.lead !== undefined) after.set(c.areaId, c.lead);
  }
  return after;
};

export async function draftBalance(db: Db, id: number, now: Date, scope: Scope): Promise<ZoneBalance> {
  const d = await zoneDraftsRepository(db).byId(id);
  if (!d) throw notFound(DRAFT);
  const { geo, stats } = await gridStats(db, now, scope);
  const gridIds = new Set(stats.map((s) => s.id));
  const before = await zoneDraftsRepository(db).leads(new Date(d.baseAt), scope);
  const after = leadsAfter(
    before,
    d.changes.filter((c) => gridIds.has(c.areaId)),
  );
  const t = balanceTable(stats, geo.nb, before, after, d.weights as Weights);
  const names = await zoneDraftsRepository(db).units(t.units.map((u) => u.unitId));
  const touched = new Set<number>();
  for (const c of d.changes) {
    if (!gridIds.has(c.areaId) || c.lead === undefined) continue;
    const b = before.get(c.areaId);
    if (b !== undefined) touched.add(b);
    if (c.lead !== null) touched.add(c.lead);
  }
  return {
    at: now.toISOString(),
    weights: d.weights,
    index: t.index,
    units: t.units.map((u) => ({ ...u, name: names.get(u.unitId) ?? `#${u.unitId}`, touched: touched.has(u.unitId) })),
  };
}

// ---- apply and revert ----

const changedSince = (codes: string[], baseAt: Date) => {
  const list = codes.slice(0, 20).join('、');
  return new AppError(
    409,
    'ZonesChanged',
    {
      zh: `以下网格的分配在方案基准时间 ${formatInstant(baseAt)} 之后已被改动：${list}${codes.length > 20 ? ` 等 ${codes.length} 个` : ''}；请基于当前分配重新制定方案`,
      en: `the assignments of these grids changed after the draft's base time ${baseAt.toISOString()}: ${codes.slice(0, 20).join(', ')}${codes.length > 20 ? ` and ${codes.length - 20} more` : ''}; draft again from the current state`,
    },
    codes.map((code) => ({
      field: 'changes',
      feature: code,
      reason: { zh: '基准时间后已变更', en: 'changed since the base time' },
    })),
  );
};

const signature = (s: AreaState | undefined) =>
  JSON.stringify([
    s?.lead?.id ?? null,
    (s?.support ?? []).map((x) => x.id).sort((a, b) => a - b),
    s?.leader?.id ?? null,
  ]);

/**
 * Applies a draft at `effectiveAt` (now or later, not before its base) in one transaction through
 * the versioned assignment writes. The touched areas are locked first (id order), so of two
 * overlapping applies the second waits and then finds the grids changed since its base: 409.
 */
export async function applyDraft(
  db: Db,
  id: number,
  body: { version: number; effectiveAt?: string },
  actor: Author,
  now: Date,
): Promise<ZoneDraft> {
  const written: Proposed[] = [];
  return writeAssignments(
    db,
    () => written,
    async (tx) => {
      const d = await lockDraft(tx, id, body.version);
      const baseAt = new Date(d.baseAt);
      const at = body.effectiveAt ? new Date(body.effectiveAt) : new Date(Math.max(now.getTime(), baseAt.getTime()));
      if (at.getTime() < now.getTime() - 60_000 || at < baseAt)
        throw invalid(
          {
            zh: '生效时间不能早于现在和方案基准时间',
            en: 'the effective time cannot be before now or the draft’s base time',
          },
          [{ field: 'effectiveAt', reason: { zh: '早于现在或基准时间', en: 'before now or the base time' } }],
        );
      if (!d.changes.length)
        throw invalid({ zh: '方案中没有任何调整', en: 'the draft changes nothing' }, [
          { field: 'changes', reason: { zh: '为空', en: 'empty' } },
        ]);
      const repo = zoneDraftsRepository(tx);
      const ids = [...new Set(d.changes.map((c) => c.areaId))].sort((a, b) => a - b);
      await repo.lockAreas(ids);
      await validate(tx, d.changes, d.locks, baseAt);
      const areas = new Map((await repo.areas(ids)).map((a) => [a.id, a]));
      const base = groupState(await repo.stateAt(ids, baseAt));
      const current = groupState(await repo.stateAt(ids, at));
      const later = await repo.laterRows(ids, baseAt);
      const changed = ids.filter((a) => later.has(a) || signature(base.get(a)) !== signature(current.get(a)));
      if (changed.length)
        throw changedSince(
          changed.map((a) => areas.get(a)!.code),
          baseAt,
        );

      for (const c of [...d.changes].sort((a, b) => a.areaId - b.areaId)) {
        const rows = current.get(c.areaId)?.rows ?? [];
        const row = (role: string, holder?: number) =>
          rows.find((r) => r.role === role && (holder === undefined || r.holder === holder));
        const open = async (role: 'lead' | 'support' | 'leader', holder: number) => {
          const unit = role !== 'leader';
          const p: Proposed = {
            i: written.length,
            areaId: c.areaId,
            role,
            unitId: unit ? holder : null,
            personId: unit ? null : holder,
            from: at,
            to: null,
          };
          written.push(p);
          await createIn(tx, p);
        };
        const replace = async (role: 'lead' | 'leader', next: number | null | undefined) => {
          if (next === undefined) return;
          const cur = row(role);
          if (cur?.holder === next) return;
          if (role === 'lead' && next !== null) {
            const asSupport = row('support', next);
            if (asSupport) await closeIn(tx, asSupport.id, at);
          }
          if (cur && next !== null) {
            const ref: { row: Proposed | null } = { row: null };
            await reassignIn(tx, cur.id, at, role === 'lead' ? { unitId: next } : { personId: next }, ref);
            if (ref.row) written.push({ ...ref.row, i: written.length });
          } else if (cur) await closeIn(tx, cur.id, at);
          else if (next !== null) await open(role, next);
        };
        await replace('lead', c.lead);
        for (const u of c.supportRemove ?? []) {
          const r = row('support', u);
          if (r && c.lead !== u) await closeIn(tx, r.id, at);
        }
        for (const u of c.supportAdd ?? []) if (!row('support', u)) await open('support', u);
        await replace('leader', c.leader);
      }
      const previous: Record<string, StateEntry[]> = {};
      for (const a of ids) previous[a] = current.get(a)?.rows ?? [];
      await repo.markApplied(id, now, actor.id, at, previous);
      return present(tx, id);
    },
  );
}

/** A new draft that restores, for every area an applied draft changed, what it replaced. */
export async function revertDraft(db: Db, id: number, actor: Author, now: Date): Promise<ZoneDraft> {
  const d = await zoneDraftsRepository(db).byId(id);
  if (!d) throw notFound(DRAFT);
  if (d.status !== 'applied' || !d.previous || !d.effectiveAt)
    throw new AppError(409, 'NotApplied', {
      zh: '只有已实施的方案可以撤销',
      en: 'only an applied draft can be reverted',
    });
  const changes: ZoneChange[] = [];
  for (const c of d.changes) {
    const prev = groupState(d.previous[String(c.areaId)] ?? []).get(c.areaId) ?? EMPTY_STATE;
    const back: ZoneChange = { areaId: c.areaId };
    if (c.lead !== undefined) back.lead = prev.lead?.id ?? null;
    if (c.leader !== undefined) back.leader = prev.leader?.id ?? null;
    const had = new Set(prev.support.map((s) => s.id));
    const add = (c.supportRemove ?? []).filter((u) => had.has(u));
    const remove = (c.supportAdd ?? []).filter((u) => !had.has(u));
    if (c.lead && had.has(c.lead)) add.push(c.lead); // the new lead had been a support unit
    if (add.length) back.supportAdd = [...new Set(add)];
    if (remove.length) back.supportRemove = remove;
    if (hasOp(back)) changes.push(back);
  }
  // its base is when the reverted plan is in force, so "changed since" compares with the plan
  const baseAt = new Date(Math.max(now.getTime(), new Date(d.effectiveAt).getTime()));
  return createDraft(
    db,
    actor,
    { name: `撤销：${d.name}`.slice(0, 100), notes: `撤销方案 #${d.id}`, changes, locks: d.locks, weights: d.weights },
    now,
    d.id,
    baseAt,
  );
}

// ---- export ----

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
