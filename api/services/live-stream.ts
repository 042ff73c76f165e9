import type { EventsRepository, StreamCaller } from '../repositories/events';
import type { Viewer } from '../repositories/problems';
import type { LiveControl, LiveProblemEvent } from '../schemas/events';
import type { EventHub, Subscriber } from './event-hub';
import type { SseConnection } from './sse';

export interface StreamOptions {
  /** heartbeat comment interval (15 s) */
  heartbeatMs: number;
  /** how often the session behind a stream is checked again (30 s: an ended one closes within a minute) */
  sessionCheckMs: number;
  /** bytes a client may leave unread before it is dropped */
  maxBufferedBytes: number;
  /** at most this many missed events are replayed; more → `reload` */
  replayLimit: number;
  /** a Last-Event-ID older than this (by the event's time) → `reload` */
  replayWindowMs: number;
  /**
   * a stream ends after this long and the client resumes at once from its Last-Event-ID: long
   * streams spread over the processes again after a deploy. 0: end right after `ready` (the
   * request/answer tests, which inject requests and wait for the end of the answer).
   */
  lifetimeMs: number;
}

export const STREAM_DEFAULTS: StreamOptions = {
  heartbeatMs: 15_000,
  sessionCheckMs: 30_000,
  maxBufferedBytes: 256 * 1024,
  replayLimit: 1000,
  replayWindowMs: 24 * 3600_000,
  lifetimeMs: 3600_000,
};

const NOTICE_ACTIONS = new Set(['supervision_notice', 'accountability_notice']);

/**
 * One caller's stream: replays what a reconnecting client missed (bounded), then live events
 * from the hub, each at most once; a `figures` hint after each batch that touched the caller's
 * scope; heartbeats; the session checked again periodically (scope and role follow it; a session
 * that ended closes the stream with `end`). The SSE `id:` never goes backwards (a late-committed
 * event keeps the cursor), so a reconnect never replays what was sent.
 */
export function liveStream(ctx: {
  hub: EventHub;
  repo: EventsRepository;
  conn: SseConnection;
  viewer: Viewer;
  sessionHash: string;
  /** Last-Event-ID, or null on a first connect */
  lastEventId: number | null;
  now: () => Date;
  options: StreamOptions;
}) {
  const { hub, repo, conn, options } = ctx;
  let viewer = ctx.viewer;
  let cursor = 0;
  let ready = false;
  const queued: LiveProblemEvent[] = [];
  const sent = new Set<number>();
  const timers: NodeJS.Timeout[] = [];

  const control = (event: 'ready' | 'reload' | 'end', data: LiveControl, withId = true) => {
    if (withId) conn.send(event, data, cursor);
    else conn.send(event, data);
  };
  const sendEvents = (events: LiveProblemEvent[]) => {
    let any = false;
    for (const e of events) {
      if (sent.has(e.id)) continue;
      cursor = Math.max(cursor, e.id);
      if (!conn.send(NOTICE_ACTIONS.has(e.action) ? 'notice' : 'problem', e, cursor)) return;
      any = true;
    }
    if (any) conn.send('figures', {});
  };

  const subscriber: Subscriber = {
    viewer: () => viewer,
    deliver(events) {
      if (ready) sendEvents(events);
      else queued.push(...events);
    },
    reload(reason) {
      void repo.maxId().then(
        (max) => {
          cursor = Math.max(cursor, max);
          control('reload', { reason, lastId: cursor });
        },
        () => control('reload', { reason }, false),
      );
    },
    zones(events) {
      // no id: a hint to refetch, never replayed (a reconnect reloads the zone view's lists)
      if (ready) for (const e of events) conn.send('zones', e);
    },
    close: () => stop(),
  };
  const unsubscribe = hub.subscribe(subscriber);

  function stop(last?: { event: string; data: unknown }): void {
    for (const t of timers) clearTimeout(t);
    unsubscribe();
    conn.end(last);
  }

  /** What the client missed since `last`, or why it must reload instead. */
  async function catchUp(last: number, max: number): Promise<NonNullable<LiveControl['reason']> | null> {
    if (last > max) return 'unknown-id';
    if (last === max) return null;
    if ((await repo.countAfter(last, max, options.replayLimit + 1)) > options.replayLimit) return 'too-many';
    if (last > 0) {
      const at = await repo.atOf(last);
      if (!at) return 'unknown-id';
      if (at.getTime() < ctx.now().getTime() - options.replayWindowMs) return 'too-old';
    }
    const missed = await repo.replay(last, max, viewer);
    sendEvents(missed);
    for (const e of missed) sent.add(e.id);
    return null;
  }

  return {
    /** Replays, then goes live. The hub is subscribed first, so nothing committed meanwhile is lost. */
    async start(): Promise<void> {
      const max = await repo.maxId();
      cursor = ctx.lastEventId ?? max;
      const reason = ctx.lastEventId === null ? null : await catchUp(ctx.lastEventId, max);
      // after a reload the client starts over from now (an unknown id may lie beyond the table's
      // end, e.g. after a restore: keeping it would make every reconnect a reload)
      cursor = reason ? max : Math.max(cursor, max);
      if (reason) control('reload', { reason, lastId: cursor });
      control('ready', { lastId: cursor });
      ready = true;
      sendEvents(queued.splice(0));
      sent.clear();
      if (options.lifetimeMs === 0) return stop();
      timers.push(setTimeout(() => stop(), options.lifetimeMs));
      timers.push(setInterval(() => conn.heartbeat() || stop(), options.heartbeatMs));
      timers.push(setInterval(() => void recheck(), options.sessionCheckMs));
      for (const t of timers) t.unref();
    },
    /** The client went away. */
    stop: () => stop(),
  };

  async function recheck(): Promise<void> {
    let caller: StreamCaller | null;
    try {
      caller = await repo.caller(ctx.sessionHash, ctx.now());
    } catch {
      return; // the database is briefly away: check again next time
    }
    if (!caller) return stop({ event: 'end', data: { reason: 'session' } satisfies LiveControl });
    viewer = { scope: caller.scope, role: caller.role, unitId: caller.role === 'unit_staff' ? caller.unitId : null };
  }
}
