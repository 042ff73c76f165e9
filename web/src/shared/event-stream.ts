import { reactive, readonly } from 'vue';
import type { LiveProblemEvent, LiveZoneEvent } from '@schemas/events';

/**
 * The live event stream (GET /api/events, docs/ARCHITECTURE.md "Live events"): one EventSource
 * per login, started and closed by the session store (app/session.ts). Stores subscribe to the
 * kinds they follow instead of polling. While the stream is down the header shows
 * "重新连接中…"; the browser resumes by itself after a network drop (Last-Event-ID); when the
 * server refused or went away for good (a restart, 429, 503) this module reconnects with
 * back-off and `?since=` the last id it saw, so nothing in between is lost.
 */
export type LiveKind = 'problem' | 'notice' | 'figures' | 'reload';
export type LiveStatus = 'idle' | 'connecting' | 'open' | 'reconnecting';
type Handler = (kind: LiveKind, event: LiveProblemEvent | null) => void;

const KINDS: LiveKind[] = ['problem', 'notice', 'figures', 'reload'];
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15_000, 30_000];

const state = reactive({ status: 'idle' as LiveStatus });
/** connected: `status === 'open'`; the header shows a badge while `reconnecting` */
export const liveState = readonly(state);

const handlers = new Set<{ kinds: Set<LiveKind>; fn: Handler }>();

/** Calls `fn` for each message of these kinds; returns the unsubscribe function. */
export function onLive(kinds: LiveKind | LiveKind[], fn: Handler): () => void {
  const entry = { kinds: new Set(Array.isArray(kinds) ? kinds : [kinds]), fn };
  handlers.add(entry);
  return () => handlers.delete(entry);
}

function emit(kind: LiveKind, event: LiveProblemEvent | null): void {
  for (const h of handlers) {
    if (!h.kinds.has(kind)) continue;
    try {
      h.fn(kind, event);
    } catch (e) {
      console.error('live event handler failed', e);
    }
  }
}

const zoneHandlers = new Set<(e: LiveZoneEvent) => void>();

/** Calls `fn` for each `zones` message (a zone draft written; docs/ZONES.md "Live updates"). */
export function onLiveZones(fn: (e: LiveZoneEvent) => void): () => void {
  zoneHandlers.add(fn);
  return () => zoneHandlers.delete(fn);
}

export interface LiveOptions {
  /** the server ended the stream because the session ended */
  onSessionEnded: () => void;
  /**
   * After the server refused a connect: is the session still good? (asking /api/auth/me ends an
   * expired one through the API client); false stops reconnecting.
   */
  stillLoggedIn: () => Promise<boolean>;
}

let source: EventSource | null = null;
let lastId: number | null = null;
let attempt = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
let options: LiveOptions | null = null;

function connect(): void {
  const url = lastId === null ? '/api/events' : `/api/events?since=${lastId}`;
  const es = new EventSource(url);
  source = es;
  const noteId = (e: MessageEvent) => {
    const id = Number(e.lastEventId);
    if (e.lastEventId !== '' && Number.isFinite(id)) lastId = id;
  };
  es.addEventListener('ready', (e) => {
    noteId(e as MessageEvent);
    attempt = 0;
    state.status = 'open';
  });
  for (const kind of KINDS) {
    es.addEventListener(kind, (e) => {
      const m = e as MessageEvent<string>;
      noteId(m);
      emit(kind, kind === 'problem' || kind === 'notice' ? (JSON.parse(m.data) as LiveProblemEvent) : null);
    });
  }
  es.addEventListener('zones', (e) => {
    const data = JSON.parse((e as MessageEvent<string>).data) as LiveZoneEvent;
    for (const fn of zoneHandlers) {
      try {
        fn(data);
      } catch (err) {
        console.error('live event handler failed', err);
      }
    }
  });
  es.addEventListener('end', () => {
    const o = options;
    stopLive();
    o?.onSessionEnded();
  });
  es.onerror = () => {
    if (source !== es) return;
    // CONNECTING: the browser retries by itself with Last-Event-ID; CLOSED: it gave up (a
    // refusal, or the server is away): we try again later, after asking whether we are logged in
    state.status = 'reconnecting';
    if (es.readyState === EventSource.CLOSED) retry();
  };
}

function retry(): void {
  source?.close();
  source = null;
  const wait = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]! * (0.75 + Math.random() / 2);
  attempt += 1;
  clearTimeout(timer);
  timer = setTimeout(() => {
    const o = options;
    if (!o) return;
    void o.stillLoggedIn().then((ok) => {
      if (ok && options === o) connect();
    });
  }, wait);
}

/** After login (and once the password need not be changed). */
export function startLive(o: LiveOptions): void {
  stopLive();
  options = o;
  lastId = null;
  attempt = 0;
  state.status = 'connecting';
  connect();
}

/** At logout or when the session ended. */
export function stopLive(): void {
  options = null;
  clearTimeout(timer);
  source?.close();
  source = null;
  state.status = 'idle';
}
