import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError, isAuthFailure } from '../../api/client';
import { serverNow } from '../../api/server-time';
import { onLive } from '../../shared/event-stream';
import { useSessionStore } from '../../app/session';
import { authApi } from '../../app/auth-api';
import { problemsApi, type ProblemDetail, type ProblemListItem, type ProblemReport, type Queue } from '../problems/api';
import { useProblemsStore } from '../problems/store';
import { fieldApi, type AreaDetail, type Patrol, type PatrolCoverage } from './api';
import { newKey, outbox, type OutboxItem, type OutboxKind } from './outbox';
import { diffConflict } from './conflict';

/** Where the phone is: GPS (or a pin placed by hand), accuracy in metres, when (server time, ISO). */
export interface Fix {
  lon: number;
  lat: number;
  accuracyM: number;
  at: string;
  manual?: boolean;
}
export type GeoState = 'pending' | 'ok' | 'denied' | 'unavailable';
interface Sample {
  lon: number;
  lat: number;
  acc: number;
  t: string;
}
interface RunningPatrol {
  gridId: number;
  startedAt: string;
  samples: Sample[];
}

const PATROL_KEY = 'wangge-field-patrol';
const RECENT_KEY = 'wangge-field-recent-categories';
/** a new track point only once the walker moved this far (GPS jitter is not walking) */
const SAMPLE_MIN_M = 5;
const M_PER_DEG = 111_320;
/** worse than this is said as poor (the server flags a fix with poor_accuracy past it: fix-proof.ts) */
export const POOR_M = 50;
/**
 * Coarser than this a position does not say where I am (a 2 km cell-tower fix): said as too
 * coarse, and the report and the fix take a pin placed by hand instead.
 */
export const COARSE_M = 500;

const near = (a: { lon: number; lat: number }, b: { lon: number; lat: number }, m: number) =>
  Math.hypot((a.lon - b.lon) * M_PER_DEG * Math.cos((a.lat * Math.PI) / 180), (a.lat - b.lat) * M_PER_DEG) < m;
const iso = () => new Date(serverNow()).toISOString();

function readJson<T>(key: string, fallback: T): T {
  try {
    const v = localStorage.getItem(key);
    return v ? (JSON.parse(v) as T) : fallback;
  } catch {
    return fallback;
  }
}

/**
 * The field workspace (issue 14): my grids, my position, my to-do, my patrol and my outbox.
 * Writes go to the outbox first and are sent from there (outbox.ts); what the server answered
 * replaces what was shown (no read-back); live events reload the to-do.
 */
export const useFieldStore = defineStore('field', () => {
  const session = useSessionStore();
  const problems = useProblemsStore();
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
  const position = ref<Fix | null>(null);
  const geo = ref<GeoState>('pending');
  const grids = ref<AreaDetail[]>([]);
  const queue = ref<Queue | null>(null);
  const coverage = ref<PatrolCoverage | null>(null);
  const weekPatrols = ref<Patrol[]>([]);
  const patrol = ref<RunningPatrol | null>(readJson<RunningPatrol | null>(PATROL_KEY, null));
  const items = ref<OutboxItem[]>([]);
  /** 'offline' (translated by the screen) or the server's message; cleared by the next success */
  const error = ref<string | null>(null);
  const sending = ref(false);
  /** the last answers of my own writes (a report sent from the outbox, a fix) */
  const lastSent = ref<ProblemDetail | null>(null);
  const recentCategories = ref<number[]>(readJson<number[]>(RECENT_KEY, []));
  let watchId: number | null = null;
  const stops: (() => void)[] = [];

  const userId = () => session.user?.id ?? 0;

  /**
   * My to-do: overdue first (most overdue first), then by deadline, then the rest; without what
   * waits in the outbox as a fix (done here, not yet sent — e.g. after a reload offline).
   */
  const todo = computed<ProblemListItem[]>(() => {
    const q = queue.value;
    if (!q) return [];
    const queued = new Set(
      items.value.filter((i) => i.kind === 'fix' && i.state === 'waiting').map((i) => i.problemId),
    );
    const seen = new Map<number, ProblemListItem>();
    for (const p of q.overdue.items) seen.set(p.id, p);
    for (const s of q.sections) if (s.key === 'todo' || s.key === 'revisit') for (const p of s.items) seen.set(p.id, p);
    const due = (p: ProblemListItem) => (p.deadline ? Date.parse(p.deadline) : Number.POSITIVE_INFINITY);
    return [...seen.values()]
      .filter((p) => !queued.has(p.id))
      .sort((a, b) => Number(b.overdue) - Number(a.overdue) || due(a) - due(b) || a.id - b.id);
  });
  /** my position when it is good enough to place a report or a fix (else: a pin by hand) */
  const usable = computed(() => (position.value && position.value.accuracyM <= COARSE_M ? position.value : null));
  const waiting = computed(() => items.value.filter((i) => i.state === 'waiting').length);
  const failed = computed(() => items.value.filter((i) => i.state === 'failed').length);
  const todayPatrols = computed(() => {
    const day = new Date(serverNow() + 8 * 3600_000).toISOString().slice(0, 10);
    return weekPatrols.value.filter(
      (p) => new Date(Date.parse(p.startedAt) + 8 * 3600_000).toISOString().slice(0, 10) === day,
    );
  });

  /** A network failure is "offline", said in words by the screen; the server's own refusal as it is. */
  function note(e: unknown): void {
    if (isAuthFailure(e)) return;
    if (e instanceof ApiError && e.status === 0) {
      online.value = false;
      error.value = 'offline';
    } else error.value = e instanceof Error ? e.message : String(e);
  }
  async function load<T>(what: () => Promise<T>, into: (v: T) => void): Promise<void> {
    try {
      into(await what());
      if (error.value === 'offline') error.value = null;
    } catch (e) {
      note(e);
    }
  }
  const loadTodo = () =>
    load(
      () => problemsApi.queue(),
      (q) => (queue.value = q),
    );
  const loadCoverage = () =>
    load(
      () => fieldApi.coverage(),
      (c) => (coverage.value = c),
    ).then(() =>
      coverage.value
        ? load(
            () => fieldApi.patrols(coverage.value!.from),
            (p) => (weekPatrols.value = p),
          )
        : undefined,
    );
  async function loadGrids(): Promise<void> {
    const codes = (session.user?.scope ?? []).filter((a) => a.level === 'grid').map((a) => a.code);
    const got: AreaDetail[] = [];
    for (const c of codes.slice(0, 20))
      await load(
        () => fieldApi.grid(c),
        (g) => got.push(g),
      );
    grids.value = got;
  }
  async function loadCategories(): Promise<void> {
    if (!problems.categories.length)
      await load(
        () => problemsApi.categories(),
        (c) => (problems.categories = c),
      );
  }

  function savePatrol(): void {
    if (patrol.value) localStorage.setItem(PATROL_KEY, JSON.stringify(patrol.value));
    else localStorage.removeItem(PATROL_KEY);
  }
  function onPosition(p: GeolocationPosition): void {
    const fix = { lon: p.coords.longitude, lat: p.coords.latitude, accuracyM: p.coords.accuracy, at: iso() };
    position.value = fix;
    geo.value = 'ok';
    const run = patrol.value;
    if (run) {
      const last = run.samples.at(-1);
      if (!last || !near(last, fix, SAMPLE_MIN_M)) {
        run.samples.push({ lon: fix.lon, lat: fix.lat, acc: fix.accuracyM, t: fix.at });
        savePatrol();
      }
    }
  }
  function watchPosition(): void {
    if (!('geolocation' in navigator)) {
      geo.value = 'unavailable';
      return;
    }
    watchId = navigator.geolocation.watchPosition(
      onPosition,
      (err) => {
        geo.value = err.code === err.PERMISSION_DENIED ? 'denied' : 'unavailable';
      },
      { enableHighAccuracy: true, maximumAge: 5_000, timeout: 30_000 },
    );
  }

  async function start(): Promise<void> {
    const up = () => {
      online.value = true;
      void flush().then(loadTodo);
    };
    const down = () => (online.value = false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    stops.push(() => window.removeEventListener('online', up));
    stops.push(() => window.removeEventListener('offline', down));
    stops.push(onLive(['problem', 'notice', 'reload'], () => void loadTodo()));
    watchPosition();
    items.value = await outbox.all(userId()).catch(() => []);
    await Promise.all([loadGrids(), loadTodo(), loadCoverage(), loadCategories()]);
    await flush();
  }
  /**
   * Once the service worker controls the page (its first install): read again what the start read
   * before it existed — who I am, my grids, my to-do, coverage, categories — so that the worker's
   * cache holds them and a reload offline finds them (docs/FIELD.md "Offline").
   */
  async function warm(): Promise<void> {
    await Promise.all([
      authApi.me().catch(() => undefined),
      loadGrids(),
      loadTodo(),
      loadCoverage(),
      problemsApi.categories().catch(() => undefined),
    ]);
  }
  function stop(): void {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    watchId = null;
    while (stops.length) stops.pop()!();
  }

  /** Sends what waits, oldest first; stops at the first network failure (still offline). */
  async function flush(): Promise<void> {
    if (sending.value) return;
    sending.value = true;
    try {
      for (const item of [...items.value]) {
        if (item.state !== 'waiting') continue;
        try {
          const answer = await fieldApi.send<unknown>(item.url, item.body, item.key);
          await outbox.remove(item.key);
          items.value = items.value.filter((i) => i.key !== item.key);
          online.value = true;
          error.value = null;
          if (item.kind !== 'patrol') lastSent.value = answer as ProblemDetail;
        } catch (e) {
          if (isAuthFailure(e)) break;
          if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500) {
            note(e);
            break;
          }
          // refused for good: kept, visible, with why (a stale version said plainly, with what changed)
          const conflict = e.code === 'StaleVersion' || e.code === 'IllegalTransition';
          const kept: OutboxItem = {
            ...item,
            state: 'failed',
            error: e.message,
            conflict,
            ...(conflict ? await whatChanged(item) : {}),
          };
          await outbox.put(kept);
          items.value = items.value.map((i) => (i.key === item.key ? kept : i));
        }
      }
    } finally {
      sending.value = false;
    }
    if (!items.value.some((i) => i.state === 'waiting')) await Promise.all([loadTodo(), loadCoverage()]);
  }

  /** After a 409: the problem as it is now, read once, compared with what I saw when I queued. */
  async function whatChanged(item: OutboxItem): Promise<Pick<OutboxItem, 'changed'>> {
    if (!item.problemId || !item.seen || !item.action) return {};
    try {
      return { changed: diffConflict(item.seen, await problemsApi.get(item.problemId), item.action) };
    } catch {
      return {}; // gone from my reach or offline again: the server's message says enough
    }
  }
  /** A conflicted action sent again on the problem's new version: a new write, so a new key. */
  async function reapply(key: string): Promise<void> {
    const old = items.value.find((i) => i.key === key);
    const c = old?.changed;
    if (!old || !c?.reapply) return;
    const item: OutboxItem = {
      ...old,
      key: newKey(),
      body: { ...(old.body as Record<string, unknown>), version: c.version },
      seen: { state: c.toState, version: c.version, asOf: c.asOf },
      createdAt: iso(),
      state: 'waiting',
      error: undefined,
      conflict: undefined,
      changed: undefined,
    };
    await outbox.put(item);
    await outbox.remove(key);
    items.value = [...items.value.filter((i) => i.key !== key), item];
    await flush();
  }

  async function enqueue(
    kind: OutboxKind,
    url: string,
    body: unknown,
    label: string,
    about: Pick<OutboxItem, 'problemId' | 'action' | 'seen'> = {},
  ): Promise<void> {
    const item: OutboxItem = {
      ...JSON.parse(JSON.stringify(about)),
      key: newKey(),
      userId: userId(),
      kind,
      url,
      // plain data only: IndexedDB cannot store Vue's reactive proxies
      body: JSON.parse(JSON.stringify(body)) as unknown,
      label,
      createdAt: iso(),
      state: 'waiting',
    };
    await outbox.put(item);
    items.value = [...items.value, item];
    await flush();
  }
  async function discard(key: string): Promise<void> {
    await outbox.remove(key);
    items.value = items.value.filter((i) => i.key !== key);
  }

  function rememberCategory(id: number): void {
    recentCategories.value = [id, ...recentCategories.value.filter((c) => c !== id)].slice(0, 6);
    localStorage.setItem(RECENT_KEY, JSON.stringify(recentCategories.value));
  }
  async function report(body: ProblemReport, label: string): Promise<void> {
    rememberCategory(body.categoryId);
    await enqueue('report', '/api/problems', body, label);
  }
  async function fix(
    p: ProblemListItem & { version: number },
    comment: string,
    photos: ProblemReport['photos'],
    where: Fix | null,
  ) {
    const body = {
      version: p.version,
      comment,
      ...(photos?.length ? { photos } : {}),
      ...(where ? { position: where } : {}),
    };
    await enqueue('fix', `/api/problems/${p.id}/actions/fix`, body, `#${p.id}`, {
      problemId: p.id,
      action: 'fix',
      seen: { state: p.state, version: p.version, asOf: queue.value?.at ?? iso() },
    });
    queue.value = queue.value && {
      ...queue.value,
      overdue: { ...queue.value.overdue, items: queue.value.overdue.items.filter((i) => i.id !== p.id) },
      sections: queue.value.sections.map((s) => ({ ...s, items: s.items.filter((i) => i.id !== p.id) })),
    };
  }

  function startPatrol(gridId: number): void {
    const here = position.value;
    patrol.value = {
      gridId,
      startedAt: iso(),
      samples: here ? [{ lon: here.lon, lat: here.lat, acc: here.accuracyM, t: here.at }] : [],
    };
    savePatrol();
  }
  async function stopPatrol(): Promise<void> {
    const run = patrol.value;
    if (!run) return;
    const s = run.samples;
    const body = {
      gridId: run.gridId,
      startedAt: run.startedAt,
      endedAt: iso(),
      ...(s.length >= 2
        ? {
            track: { type: 'LineString' as const, coordinates: s.map((x) => [x.lon, x.lat] as [number, number]) },
            trackAccuracyM: s.map((x) => Math.round(x.acc * 10) / 10),
            trackTimes: s.map((x) => x.t),
          }
        : {}),
    };
    patrol.value = null;
    savePatrol();
    await enqueue('patrol', '/api/patrols', body, grids.value.find((g) => g.id === run.gridId)?.name ?? '');
  }

  return {
    online,
    position,
    usable,
    geo,
    grids,
    queue,
    todo,
    coverage,
    weekPatrols,
    todayPatrols,
    patrol,
    items,
    waiting,
    failed,
    error,
    sending,
    lastSent,
    recentCategories,
    start,
    warm,
    stop,
    flush,
    discard,
    reapply,
    report,
    fix,
    startPatrol,
    stopPatrol,
    loadTodo,
  };
});
