import type { Db } from '../db/types';
import { AppError, notFound } from '../errors';
import { formatInstant } from '../domain/instant';
import type { Proposed } from '../repositories/assignments';
import { zoneDraftsRepository, type StateEntry } from '../repositories/zone-drafts';
import type { AreaState, ZoneChange, ZoneDraft } from '../schemas/zones';
import { closeIn, createIn, reassignIn, writeAssignments } from './assignments';
import { DRAFT, EMPTY_STATE, groupState, hasOp, invalid, validate, type Author } from './zone-draft-rules';
import { createDraft, lockDraft, present } from './zone-drafts';

// Applying a zone draft at an effective time, and reverting an applied one (issue 13,
// docs/ZONES.md "Apply and revert").

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
