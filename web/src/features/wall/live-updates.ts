import { ref, shallowRef, type ComputedRef } from 'vue';
import type { LiveProblemEvent } from '@schemas/events';
import { noteServerTime, serverNow } from '../../api/server-time';
import { onLive } from '../../shared/event-stream';
import { beijingMidnight } from './config';
import { wallApi } from './api';
import { inside, type Latest, type PanelData, type WallArea } from './panel-data';

/** A live event as the feed shows it. */
export type FeedItem = LiveProblemEvent;
/** What the wall's alert shows: an urgent report, or a new 督办/问责 notice, and where it is. */
export interface WallAlert {
  kind: 'urgent' | 'supervision' | 'accountability';
  event: LiveProblemEvent;
  address: string | null;
  description: string | null;
  lon: number | null;
  lat: number | null;
}

const FLASH_MS = 6000;
const FEED_MAX = 40;
/** how long an alert stays up (then the next one, if any) */
export const ALERT_MS = 12_000;
/** at most this many alerts wait behind the one shown (a burst of notices after an outage) */
const ALERT_QUEUE_MAX = 5;
/** events older than this (replayed after a long outage) are not alerted */
const ALERT_MAX_AGE_MS = 10 * 60_000;

const RANK: Record<WallAlert['kind'], number> = { supervision: 0, accountability: 1, urgent: 2 };

/** The alert an event deserves, if any: a new 督办/问责 notice, or a report marked urgent (or a mark). */
export function alertKindOf(e: LiveProblemEvent): WallAlert['kind'] | null {
  if (e.notice) return e.notice.kind;
  if (e.urgent && (e.action === 'report' || e.action === 'mark_urgent')) return 'urgent';
  return null;
}

/**
 * The wall's live updates (issue 12): events from the stream, never polling. The feed, the KPI
 * tiles (applied from the event at once), the map's new pins and flashes, a burst of events as one
 * reconciling refresh, and the alert for an urgent report or a new notice.
 */
export function useLiveUpdates(o: { latest: Latest; selected: ComputedRef<WallArea | undefined>; data: PanelData }) {
  const { data, selected } = o;
  const feed = ref<FeedItem[]>([]);
  const flashing = ref<number[]>([]);
  const alert = shallowRef<WallAlert | null>(null);
  const alertQueue: WallAlert[] = [];
  const alerted = new Set<number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };

  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let figuresDirty = false;
  let problemsDirty = false;
  /**
   * A burst of events is one refresh, 100 ms after the last. The tiles already show the events
   * (applyToKpis): the map's new pins and the tiles' reconciling reload go first, side by side,
   * then the rest (the embedded database answers one query at a time: what the wall must show
   * within 2 s of a report does not queue behind the campaign rates or the trend).
   */
  function changed(what: 'figures' | 'problems'): void {
    if (what === 'figures') figuresDirty = true;
    else problemsDirty = true;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void refresh(), 100);
  }
  async function refresh(): Promise<void> {
    const [figures, problems] = [figuresDirty, problemsDirty];
    figuresDirty = problemsDirty = false;
    const p = data.panels.value;
    await Promise.all([problems ? data.loadMap() : null, figures && p.has('kpi') ? data.loadKpis() : null]);
    if (problems && p.has('overdue')) void (data.loadOverdue(), data.loadNotices());
    if (!figures) return;
    if (p.has('rates')) void data.loadRates();
    if (p.has('trend')) void data.loadTrendToday();
    if (p.has('ranking') && weekEnded()) void data.loadRanking();
  }
  /** the ranking is of the last complete week: it changes only once another week has ended */
  function weekEnded(): boolean {
    const shown = data.rankingWeek.value;
    return !shown || serverNow() >= Date.parse(beijingMidnight(Date.parse(shown), -14));
  }

  // ---- the alert: one at a time, each for ALERT_MS, the map flies to it (WallMapLayers) ---------
  // An urgent report comes before a 问责, a 问责 before a 督办: a higher alert replaces a lower one
  // shown (which waits again, first of its rank); a sweep's burst of 督办 waits behind, at most
  // ALERT_QUEUE_MAX of them.
  let alertTimer: ReturnType<typeof setTimeout> | undefined;
  function show(a: WallAlert | null): void {
    clearTimeout(alertTimer);
    alert.value = a;
    if (!a) return;
    alertTimer = setTimeout(showNext, ALERT_MS);
    if (a.description === null) complete(a);
  }
  /**
   * The shown alert's place and text, in one request when it shows — not when it is queued: a
   * sweep's burst of 督办 would put as many detail reads ahead of the map's own reload on the
   * embedded database's one connection (the overdue pins came late, browser test).
   */
  function complete(a: WallAlert): void {
    void o.latest(
      'alert',
      (signal) => wallApi.problem(a.event.problemId, signal),
      (p) => {
        if (alert.value === a)
          alert.value = { ...a, address: p.address, description: p.description, lon: p.lon, lat: p.lat };
      },
    );
  }
  function showNext(): void {
    show(alertQueue.shift() ?? null);
  }
  function enqueue(a: WallAlert, first = false): void {
    const at = alertQueue.findIndex((q) => (first ? RANK[q.kind] <= RANK[a.kind] : RANK[q.kind] < RANK[a.kind]));
    alertQueue.splice(at < 0 ? alertQueue.length : at, 0, a);
    alertQueue.splice(ALERT_QUEUE_MAX);
  }
  function raise(a: WallAlert): void {
    const shown = alert.value;
    if (!shown) return show(a);
    if (RANK[a.kind] > RANK[shown.kind]) {
      enqueue(shown, true);
      show(a);
    } else enqueue(a);
  }
  /**
   * The alert at once, from the event (who, where, what); the problem's place and text follow in
   * one request once it shows (`complete`) — a slow answer never delays it.
   */
  function alertFor(e: LiveProblemEvent, kind: WallAlert['kind']): void {
    if (alerted.has(e.id)) return;
    alerted.add(e.id);
    if (alerted.size > 500) alerted.delete(alerted.values().next().value!);
    const onMap = data.mapProblems.value.find((p) => p.id === e.problemId);
    const first: WallAlert = {
      kind,
      event: e,
      address: onMap?.address ?? null,
      description: null,
      lon: onMap?.lon ?? null,
      lat: onMap?.lat ?? null,
    };
    raise(first);
  }
  function dismissAlert(): void {
    showNext();
  }

  function onEvent(e: LiveProblemEvent): void {
    const fresh = serverNow() - Date.parse(e.at) < ALERT_MAX_AGE_MS;
    // the event's time is the server's clock: "today" and countdowns follow it before any answer
    noteServerTime(e.at);
    if (!inside(e.areaCode, selected.value)) return;
    const seen = feed.value.some((x) => x.id === e.id);
    feed.value = [e, ...feed.value.filter((x) => x.id !== e.id)].slice(0, FEED_MAX);
    if (!seen && data.panels.value.has('kpi')) {
      data.applyToKpis(e);
      changed('figures'); // the reconciling reload (the stream's hint schedules it too)
    }
    const kind = alertKindOf(e);
    if (kind && fresh && !seen) alertFor(e, kind);
    if (e.action === 'report' && !flashing.value.includes(e.problemId)) {
      void data.loadReported(e.at);
      flashing.value = [...flashing.value, e.problemId];
      later(() => (flashing.value = flashing.value.filter((id) => id !== e.problemId)), FLASH_MS);
    }
    changed('problems');
  }
  const unsubscribe = [
    onLive(['problem', 'notice'], (_k, e) => e && onEvent(e)),
    onLive('figures', () => changed('figures')),
    onLive('reload', () => void data.loadAll()),
  ];

  /** the selection changed: the feed keeps only what lies inside it */
  function narrowFeed(): void {
    feed.value = feed.value.filter((e) => inside(e.areaCode, selected.value));
  }

  function dispose(): void {
    clearTimeout(refreshTimer);
    clearTimeout(alertTimer);
    for (const t of timers) clearTimeout(t);
    timers.clear();
    for (const u of unsubscribe) u();
  }

  return { feed, flashing, alert, dismissAlert, narrowFeed, dispose };
}
