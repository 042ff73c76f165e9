import { ref, type ComputedRef, type Ref } from 'vue';
import type { LiveProblemEvent } from '@schemas/events';
import { serverNow } from '../../api/server-time';
import { beijingDay, beijingMidnight } from './config';
import { wallApi, type FiguresResult, type ProblemItem } from './api';
import {
  areaCodeOf,
  OPEN_STATES,
  type Kpis,
  type Latest,
  type Rate,
  type ReadyPart,
  type TrendPoint,
  type WallArea,
} from './panel-data';

/**
 * The cohort of "open" and "overdue" on the wall: problems reported in the last three years (the
 * longest period the figures API takes); older open problems are a matter for the office.
 */
const since = () => new Date(serverNow() - 3 * 365 * 24 * 3600_000).toISOString();

/**
 * The wall's panels fed by the figures API (issue 12): the KPI tiles, the campaign rates and the
 * 30-day trend (one series request). Each loader reads the selection once, when it starts.
 */
export function useFigurePanels(o: {
  latest: Latest;
  selected: ComputedRef<WallArea | undefined>;
  done: (part: ReadyPart) => void;
  /** the overdue list (a listed problem leaving `assigned` leaves the overdue tile) */
  overdue: Ref<ProblemItem[]>;
}) {
  const { latest, selected, done, overdue } = o;
  const kpis = ref<Kpis | null>(null);
  const rates = ref<Rate[]>([]);
  const campaignName = ref<{ zh: string; en: string } | null>(null);
  const trend = ref<TrendPoint[]>([]);

  const levelOf = (s: WallArea | undefined) => s?.level ?? 'county';
  /** the figures API narrowed to the selection (one row) */
  const withinOf = (s: WallArea | undefined) => areaCodeOf(s) ?? undefined;
  const row = (r: FiguresResult | undefined, s: WallArea | undefined) =>
    r && (s ? r.rows.find((x) => x.code === s.code) : r.rows[0]);
  const num = (r: FiguresResult | undefined, id: string, s: WallArea | undefined) => row(r, s)?.figures[id]?.value ?? 0;

  /**
   * The KPI tiles follow a live event at once, from the event itself (applyToKpis); a reload then
   * reconciles them with the figures API. An answer replaces the tiles only when no event was
   * applied since its request left (`kpiEpoch`): an older answer cannot undo a newer event, and
   * every applied event schedules the reload that brings the exact counts.
   */
  let kpiEpoch = 0;
  /** the Beijing midnight the tiles' "today" starts at */
  let kpiDay: string | null = null;

  /** today's reports, open, overdue, and closed today (= closed now − closed at 00:00: net closures) */
  const loadKpis = () => {
    const epoch = kpiEpoch;
    return latest(
      'kpis',
      async (signal) => {
        const sel = selected.value;
        const level = levelOf(sel);
        const within = withinOf(sel);
        // periods end at tomorrow 00:00, not at the browser's estimate of the server's now (it may
        // lag a report that just happened); the server judges them as of its own now
        const now = beijingMidnight(serverNow(), -1);
        const midnight = beijingMidnight(serverNow());
        const [today, all, before] = await Promise.all([
          wallApi.figures({ level, within, from: midnight, to: now, indicators: ['found'] }, signal),
          wallApi.figures({ level, within, from: since(), to: now, indicators: ['open', 'overdue', 'closed'] }, signal),
          wallApi.figures({ level, within, from: since(), to: now, asOf: midnight, indicators: ['closed'] }, signal),
        ]);
        const tiles: Kpis = {
          today: num(today, 'found', sel),
          open: num(all, 'open', sel),
          overdue: num(all, 'overdue', sel),
          closedToday: Math.max(0, num(all, 'closed', sel) - num(before, 'closed', sel)),
        };
        return { day: midnight, tiles };
      },
      (v) => {
        done('kpi');
        if (epoch !== kpiEpoch) return; // an event came since: the reload it scheduled answers
        kpiDay = v.day;
        kpis.value = v.tiles;
      },
    );
  };

  /**
   * One event on the tiles, before any reload: a report → today +1, open +1; a step into or out
   * of an open state → open ±1; a closure (or a reopening) → closed today ±1; a 督办 (raised
   * once the problem passed its deadline) → overdue +1; a listed overdue problem leaving
   * `assigned` or given more time → overdue −1. The problems' three-year cohort and steps the
   * tiles cannot judge from an event are left to the reload.
   */
  function applyToKpis(e: LiveProblemEvent): void {
    const k = kpis.value;
    if (!k) return;
    kpiEpoch += 1;
    const next = { ...k };
    const day = beijingMidnight(Date.parse(e.at));
    if (kpiDay && day > kpiDay) {
      // the event is the first of a new day: today's tiles start again at its midnight
      kpiDay = day;
      next.today = 0;
      next.closedToday = 0;
    }
    const isToday = day === kpiDay;
    const open = (s: string | null) => (s && OPEN_STATES.includes(s) ? 1 : 0);
    if (e.action === 'report' && isToday) next.today += 1;
    next.open = Math.max(0, next.open + open(e.toState) - open(e.fromState));
    if (isToday && e.toState === 'closed' && e.fromState !== 'closed') next.closedToday += 1;
    if (isToday && e.fromState === 'closed' && e.toState !== 'closed') {
      next.closedToday = Math.max(0, next.closedToday - 1);
    }
    const listed = overdue.value.some((p) => p.id === e.problemId);
    if (e.action === 'supervision_notice' && !listed) next.overdue += 1;
    else if (listed && ((e.fromState === 'assigned' && e.toState !== 'assigned') || e.action === 'approve_extension')) {
      next.overdue = Math.max(0, next.overdue - 1);
    }
    kpis.value = next;
  }

  /**
   * 整改达标率 and 按期结案率 of the campaign running today, against its target in force today.
   * A grid has no campaign progress of its own: its rates are the figures over the campaign's
   * period (the same definitions), against the target in force, without a status.
   */
  const loadRates = () =>
    latest(
      'rates',
      async (signal) => {
        const s = selected.value;
        const today = beijingDay(serverNow());
        const campaign = (await wallApi.campaigns(signal)).find((c) => c.startsOn <= today && today <= c.endsOn);
        const ids = ['rectification_rate', 'on_time_rate'] as const;
        if (!campaign) {
          const now = new Date(serverNow()).toISOString();
          const r = await wallApi.figures(
            {
              level: levelOf(s),
              within: withinOf(s),
              from: beijingMidnight(serverNow(), 29),
              to: now,
              indicators: [...ids],
            },
            signal,
          );
          return {
            name: null,
            rates: ids.map((id): Rate => ({ id, value: num(r, id, s) || null, target: null, status: null })),
          };
        }
        const kind = s?.level === 'community' || s?.level === 'grid' ? 'community' : 'street';
        const answers = await Promise.all(ids.map((id) => wallApi.progress(campaign.id, kind, id, signal)));
        const name = { zh: campaign.nameZh, en: campaign.nameEn };
        const first = answers[0];
        if (s?.level === 'grid' && first) {
          const r = await wallApi.figures(
            { level: 'grid', within: s.code, from: first.from, to: first.to, asOf: first.at, indicators: [...ids] },
            signal,
          );
          const rates = ids.map((id, i): Rate => ({
            id,
            value: row(r, s)?.figures[id]?.value ?? null,
            target: answers[i]!.current?.target ?? null,
            status: null,
          }));
          return { name, rates };
        }
        return {
          name,
          rates: answers.map((p, i): Rate => {
            const r = s && s.level !== 'county' ? p.rows.find((x) => x.code === s.code) : undefined;
            const v = r ?? p.overall;
            return { id: ids[i]!, value: v.value, target: p.current?.target ?? null, status: v.status };
          }),
        };
      },
      (v) => {
        done('rates');
        campaignName.value = v.name;
        rates.value = v.rates;
      },
    );

  /** reports per day over 30 days, and how many of them are closed now: one series request */
  const trendOf = async (back: number, signal: AbortSignal): Promise<TrendPoint[]> => {
    const now = serverNow();
    const r = await wallApi.series(
      {
        from: beijingDay(now - back * 86400_000),
        to: beijingDay(now),
        area: areaCodeOf(selected.value),
        indicators: ['found', 'closed'],
      },
      signal,
    );
    return r.days.map((d) => ({
      day: d.day.slice(5),
      found: d.figures.found?.value ?? 0,
      closed: d.figures.closed?.value ?? 0,
    }));
  };
  const loadTrend = () =>
    latest(
      'trend',
      (signal) => trendOf(29, signal),
      (v) => {
        done('trend');
        trend.value = v;
      },
    );

  /** after a live change only today's point of the trend (the days before do not change by a report) */
  const loadTrendToday = () =>
    latest(
      'trendToday',
      (signal) => trendOf(0, signal),
      ([p]) => {
        const t = trend.value;
        if (p && t.at(-1)?.day === p.day) trend.value = [...t.slice(0, -1), p];
        else void loadTrend(); // a new day began
      },
    );

  return { kpis, rates, campaignName, trend, applyToKpis, loadKpis, loadRates, loadTrend, loadTrendToday };
}
