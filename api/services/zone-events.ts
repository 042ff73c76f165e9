import type { Queryable } from '../db/types';
import type { Role } from '../auth/roles';
import type { Viewer } from '../repositories/problems';
import { zoneDraftsRepository } from '../repositories/zone-drafts';
import type { LiveZoneEvent } from '../schemas/events';

// Live zone events (issue 13, docs/ZONES.md "Live updates"): sql/migrations/023 NOTIFYs each
// write of a zone draft; the event hub hands the notes of a batch here, once per batch, and
// delivers to each viewer what `zoneEventsFor` says.

/** Who works with drafts (the routes' access rule and who gets every draft event). */
export const ZONE_DRAFT_ROLES: readonly Role[] = ['admin', 'planner'];

export interface ZoneNote {
  draftId: number;
  action: LiveZoneEvent['action'];
}

const PAYLOAD = /^zone_drafts:(\d+):(created|updated|applied|deleted)$/;

export const parseZoneNote = (payload: string): ZoneNote | null => {
  const m = PAYLOAD.exec(payload);
  return m ? { draftId: Number(m[1]), action: m[2] as ZoneNote['action'] } : null;
};

interface Read {
  note: ZoneNote;
  version: number | null;
  effectiveAt: string | null;
  /** units the draft gives or takes grids from (applied only) */
  units: Set<number>;
}

/**
 * The events of a batch per viewer (same order as `viewers`). Planners and admins get every note
 * with its draft; any other viewer only an applied plan that changed an area its scope sees
 * (area_visible) or gave/took grids of its unit, with no draft data — its client refetches the
 * assignments and tiles of its own scope. One read of the drafts, one query per other scope.
 */
export async function zoneEventsFor(db: Queryable, notes: ZoneNote[], viewers: Viewer[]): Promise<LiveZoneEvent[][]> {
  const repo = zoneDraftsRepository(db);
  const rows = new Map((await repo.live([...new Set(notes.map((n) => n.draftId))])).map((r) => [r.id, r]));
  const read: Read[] = notes.map((note) => {
    const r = note.action === 'deleted' ? undefined : rows.get(note.draftId);
    const units = new Set<number>();
    if (r && note.action === 'applied') {
      for (const c of r.changes)
        for (const u of [c.lead ?? 0, ...(c.supportAdd ?? []), ...(c.supportRemove ?? [])]) units.add(u);
      for (const entries of Object.values(r.previous ?? {}))
        for (const e of entries) if (e.role !== 'leader') units.add(e.holder);
    }
    return { note, version: r?.version ?? null, effectiveAt: r?.effectiveAt ?? null, units };
  });
  const applied = read.filter((x) => x.note.action === 'applied').map((x) => x.note.draftId);
  const byScope = new Map<string, Set<number>>();
  const out: LiveZoneEvent[][] = [];
  for (const v of viewers) {
    if (ZONE_DRAFT_ROLES.includes(v.role)) {
      out.push(
        read.map((x) => ({
          action: x.note.action,
          draftId: x.note.draftId,
          version: x.version,
          effectiveAt: x.effectiveAt,
        })),
      );
      continue;
    }
    if (!applied.length) {
      out.push([]);
      continue;
    }
    const key = JSON.stringify(v.scope);
    let seen = byScope.get(key);
    if (!seen) byScope.set(key, (seen = await repo.touchingScope(applied, v.scope)));
    out.push(
      read
        .filter(
          (x) =>
            x.note.action === 'applied' && (seen.has(x.note.draftId) || (v.unitId !== null && x.units.has(v.unitId))),
        )
        .map((x) => ({ action: 'applied', draftId: null, version: null, effectiveAt: x.effectiveAt })),
    );
  }
  return out;
}
