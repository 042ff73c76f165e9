import type { Db } from '../db/types';
import type { Viewer } from '../repositories/problems';
import { eventsRepository } from '../repositories/events';
import type { LiveControl, LiveProblemEvent, LiveZoneEvent } from '../schemas/events';
import { parseZoneNote, zoneEventsFor, type ZoneNote } from './zone-events';

/** The channel sql/migrations/014-live-events.sql NOTIFYs. */
export const EVENTS_CHANNEL = 'wangge_events';

/** What the hub needs of a connected stream (api/services/live-stream.ts). */
export interface Subscriber {
  /** read at each batch: a session re-check may change it (scope, role) */
  viewer(): Viewer;
  /** the events of a batch this subscriber may see, oldest first */
  deliver(events: LiveProblemEvent[]): void;
  /** the zone draft events of a batch this subscriber may see (services/zone-events.ts) */
  zones?(events: LiveZoneEvent[]): void;
  /** too much changed at once to send one by one */
  reload(reason: NonNullable<LiveControl['reason']>): void;
  /** the server stops */
  close(): void;
}

export interface HubOptions {
  /** a batch of more events than this is not sent one by one: subscribers are told to reload */
  maxBatch: number;
}

const parse = (payload: string): [number, number] | null => {
  const m = /^problem_events:(\d+):(\d+):(\d+)$/.exec(payload);
  return m ? [Number(m[1]), Number(m[2])] : null;
};

/**
 * One per API process. LISTENs on wangge_events (a dedicated connection natively, PGlite's
 * in-process bus embedded); each NOTIFY names a range of problem_events ids that just committed.
 * Notifications are gathered and handled one batch at a time: the rows are read once, then one
 * visibility query per distinct viewer (role, scope, unit) says which subscribers get which
 * events — a hundred commanders cost one query, not a hundred.
 */
export function eventHub(db: Db, options: HubOptions) {
  const repo = eventsRepository(db);
  const subscribers = new Set<Subscriber>();
  let pending: [number, number][] = [];
  let zonePending: ZoneNote[] = [];
  let resync = false;
  let maxSeen = 0;
  let running: Promise<void> | null = null;
  let unlisten: (() => Promise<void>) | null = null;
  // ranges of concurrent statements may interleave: an id is handed out once
  const recent = new Set<number>();
  const remember = (id: number) => {
    recent.add(id);
    if (recent.size > 4 * options.maxBatch) recent.delete(recent.values().next().value!);
  };

  const broadcastReload = () => {
    for (const s of subscribers) s.reload('too-many');
  };

  /** Zone draft notes: who gets what is decided per distinct viewer (zone-events.ts). */
  async function zoneBatch(): Promise<void> {
    const notes = zonePending;
    zonePending = [];
    if (!notes.length || !subscribers.size) return;
    const subs = [...subscribers];
    const viewers = subs.map((s) => s.viewer());
    const keys = viewers.map((v) => JSON.stringify([v.role, v.scope, v.unitId]));
    const distinct = [...new Set(keys)];
    const events = await zoneEventsFor(
      db,
      notes,
      distinct.map((k) => viewers[keys.indexOf(k)]!),
    );
    subs.forEach((s, i) => {
      const mine = events[distinct.indexOf(keys[i]!)]!;
      if (mine.length && subscribers.has(s)) s.zones?.(mine);
    });
  }

  async function batch(): Promise<void> {
    await zoneBatch();
    let ranges = pending;
    pending = [];
    if (resync) {
      // the listening connection dropped: whatever committed meanwhile is read from the table
      resync = false;
      const ids = await repo.idsAfter(maxSeen, Number.MAX_SAFE_INTEGER, options.maxBatch + 1);
      if (ids.length > options.maxBatch) {
        maxSeen = await repo.maxId();
        return broadcastReload();
      }
      ranges = [...ranges, ...ids.map((id): [number, number] => [id, id])];
    }
    const total = ranges.reduce((n, [lo, hi]) => n + hi - lo + 1, 0);
    for (const [, hi] of ranges) maxSeen = Math.max(maxSeen, hi);
    if (total > options.maxBatch) return broadcastReload();
    const ids: number[] = [];
    for (const [lo, hi] of ranges) for (let id = lo; id <= hi; id++) if (!recent.has(id)) ids.push(id);
    if (!ids.length || !subscribers.size) return ids.forEach(remember);
    const events = await repo.byIds(ids);
    for (const e of events) remember(e.id);
    if (!events.length) return;
    const groups = new Map<string, { viewer: Viewer; subs: Subscriber[] }>();
    for (const s of subscribers) {
      const v = s.viewer();
      const key = JSON.stringify([v.role, v.scope, v.unitId]);
      const g = groups.get(key) ?? { viewer: v, subs: [] };
      g.subs.push(s);
      groups.set(key, g);
    }
    const all = events.map((e) => e.id);
    for (const { viewer, subs } of groups.values()) {
      const visible = await repo.visibleIds(all, viewer);
      if (!visible.size) continue;
      const theirs = events.filter((e) => visible.has(e.id));
      for (const s of subs) if (subscribers.has(s)) s.deliver(theirs);
    }
  }

  // One batch at a time; notifications that arrive meanwhile make the next one.
  function kick(): void {
    if (running) return;
    running = (async () => {
      while (pending.length || zonePending.length || resync) {
        await batch().catch(() => {
          // a failed read (database restarting) loses this batch: subscribers reload
          broadcastReload();
        });
      }
    })().finally(() => {
      running = null;
    });
  }

  function onPayload(payload: string | null): void {
    if (payload === null) resync = true;
    else if (payload.startsWith('zone_drafts:')) {
      const note = parseZoneNote(payload);
      if (!note) return;
      zonePending.push(note);
    } else {
      const range = parse(payload);
      if (!range) return;
      pending.push(range);
    }
    kick();
  }

  return {
    async start(): Promise<void> {
      if (unlisten) return;
      maxSeen = await repo.maxId();
      unlisten = await db.listen(EVENTS_CHANNEL, onPayload);
    },
    subscribe(s: Subscriber): () => void {
      subscribers.add(s);
      return () => {
        subscribers.delete(s);
      };
    },
    get size(): number {
      return subscribers.size;
    },
    /** Resolves once the notifications received so far are handled (tests). */
    async settled(): Promise<void> {
      while (running) await running;
    },
    async close(): Promise<void> {
      for (const s of [...subscribers]) s.close();
      subscribers.clear();
      const u = unlisten;
      unlisten = null;
      await u?.();
      await running;
    },
  };
}
export type EventHub = ReturnType<typeof eventHub>;
