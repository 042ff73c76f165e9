import type { Db, Queryable } from '../db/types';
import { notFound } from '../errors';
import { DEFAULT_WEIGHTS } from '../domain/zone-balance';
import { zoneDraftsRepository, type DraftRow } from '../repositories/zone-drafts';
import type { ZoneChange, ZoneDraft, ZoneDraftCreate, ZoneDraftEdit, ZoneDraftUpdate } from '../schemas/zones';
import {
  alreadyApplied,
  diffOf,
  DRAFT,
  EMPTY_LOCKS,
  hasOp,
  invalid,
  stale,
  validate,
  type Author,
} from './zone-draft-rules';

// The zone editor's drafts (issue 13, docs/ZONES.md): saved server-side, validated on every
// write (zone-draft-rules.ts). Balanced on request (zone-draft-balance.ts), applied through the
// versioned assignment writes in one transaction and reverted by a new draft
// (zone-draft-apply.ts), exported for sign-off (zone-draft-export.ts).

export const present = async (q: Queryable, id: number): Promise<ZoneDraft> => {
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
export async function lockDraft(tx: Queryable, id: number, version: number): Promise<DraftRow> {
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
