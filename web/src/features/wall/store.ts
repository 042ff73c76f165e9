import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { ApiError, setAuthFailureHandler } from '../../api/client';
import { startLive, stopLive, liveState } from '../../shared/event-stream';
import { useLatest } from '../../shared/use-latest';
import { setLocale } from '../../i18n/index';
import { parseWallConfig } from './config';
import { wallApi, type AreaTree } from './api';
import { useLiveUpdates } from './live-updates';
import { usePanelData, WALL_REQUESTS, type WallArea } from './panel-data';
import { useSelection } from './selection';

export type { Kpis, Rate, TrendPoint, WallArea } from './panel-data';
export type { FeedItem, WallAlert } from './live-updates';

/**
 * The wall (指挥中心大屏, issue 12): its sign-in (a display token from the address, or the
 * person's session) and start, composed of the panel data (panel-data.ts: each panel's loader
 * defined once), the live updates (live-updates.ts: events, never polling; alerts) and the
 * selection every panel follows (selection.ts: breadcrumb, auto-tour).
 */
export const useWallStore = defineStore('wall', () => {
  const config = parseWallConfig(window.location.search);
  const { latest, abortAll } = useLatest(WALL_REQUESTS);

  const auth = ref<'starting' | 'ready' | 'denied'>('starting');
  const title = ref('');
  const tree = shallowRef<AreaTree | null>(null);
  const path = ref<WallArea[]>([]);
  const selected = computed(() => path.value.at(-1));

  const data = usePanelData({ config, latest, selected });
  const live = useLiveUpdates({ latest, selected, data });
  const selection = useSelection({
    config,
    latest,
    tree,
    path,
    selected,
    onSelect: () => {
      live.narrowFeed();
      data.trend.value = []; // until the series is in, no other area's curve
      void data.loadAll();
    },
  });

  /** the map drew its problem layer (WallMapLayers) */
  const mapDrawn = ref(false);
  /**
   * First meaningful paint (the wall-paint bench reads it as `data-ready` on the wall): the map drew
   * the problems and every panel shown had its first answer.
   */
  const ready = computed(() => {
    if (!mapDrawn.value) return false;
    return [...data.panels.value].every((p) => p === 'feed' || data.loaded.value.has(p));
  });

  // ---- sign-in ----------------------------------------------------------------------------------
  /** The display token again (its session may have ended), or the person's session; false: denied. */
  async function signIn(): Promise<boolean> {
    try {
      if (config.token) title.value = (await wallApi.exchange(config.token)).name;
      else title.value = (await wallApi.me()).user.displayName;
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        auth.value = 'denied';
        stop();
      }
      return false;
    }
  }
  let resigning = false;
  async function sessionLost(): Promise<void> {
    if (resigning || auth.value === 'denied') return;
    resigning = true;
    try {
      if (await signIn()) startStream();
    } finally {
      resigning = false;
    }
  }
  function startStream(): void {
    startLive({ onSessionEnded: () => void sessionLost(), stillLoggedIn: signIn });
  }

  async function start(): Promise<void> {
    if (config.lang) setLocale(config.lang);
    setAuthFailureHandler(() => void sessionLost());
    if (!(await signIn())) return;
    auth.value = 'ready';
    startStream();
    tree.value = await wallApi.tree();
    const county = tree.value.roots[0];
    if (!county) return;
    path.value = [{ code: county.code, name: county.name, level: 'county' }];
    if (config.scope && config.scope !== county.code) selection.select(config.scope);
    else {
      void data.loadAll();
      selection.showArea(county.code);
    }
    selection.startTour();
  }

  function stop(): void {
    stopLive();
    abortAll();
    selection.stopTour();
  }

  function dispose(): void {
    stop();
    live.dispose();
  }

  return {
    config,
    panels: data.panels,
    auth,
    title,
    tree,
    path,
    selected,
    detail: selection.detail,
    kpis: data.kpis,
    rates: data.rates,
    campaignName: data.campaignName,
    trend: data.trend,
    ranking: data.ranking,
    rankingWeek: data.rankingWeek,
    overdue: data.overdue,
    overdueTotal: data.overdueTotal,
    notices: data.notices,
    feed: live.feed,
    mapProblems: data.mapProblems,
    flashing: live.flashing,
    alert: live.alert,
    showClosed: data.showClosed,
    touring: selection.touring,
    mapDrawn,
    ready,
    live: liveState,
    start,
    dispose,
    select: selection.select,
    back: selection.back,
    touched: selection.touched,
    toggleClosed: data.toggleClosed,
    dismissAlert: live.dismissAlert,
  };
});
