/**
 * Periods of the figure view as Beijing calendar days, whatever the browser's zone (the campaign
 * counts in Beijing days and weeks start on Monday, as the weekly ranking's). A period is the
 * problems *reported* in [from, to); `to` is the midnight after its last day, so "this week"
 * includes today. Pure (tests/unit/figure-period.test.ts).
 */
import { beijingToday, isDay } from '../../shared/beijing-day';

export const PERIOD_KINDS = ['week', 'month', '90d', 'custom'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

export interface FigurePeriod {
  kind: PeriodKind;
  /** first and last day (inclusive, YYYY-MM-DD); only read for 'custom' */
  first: string;
  last: string;
}

const DAY_MS = 86400_000;

/** YYYY-MM-DD `n` days after (negative: before) a day. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday of the week holding a day (ISO weeks). */
export function mondayOf(day: string): string {
  const dow = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -dow);
}

/** The first and last day a period covers, with today as given. */
export function periodDays(p: FigurePeriod, today: string = beijingToday()): { first: string; last: string } {
  switch (p.kind) {
    case 'week':
      return { first: mondayOf(today), last: today };
    case 'month':
      return { first: `${today.slice(0, 8)}01`, last: today };
    case '90d':
      return { first: addDays(today, -89), last: today };
    case 'custom': {
      const first = isDay(p.first) ? p.first : today;
      const last = isDay(p.last) && p.last >= first ? p.last : first;
      return { first, last };
    }
  }
}

/** The instants the API takes: from the first day's midnight to the midnight after the last, Beijing time. */
export function periodRange(p: FigurePeriod, today: string = beijingToday()): { from: string; to: string } {
  const { first, last } = periodDays(p, today);
  return { from: `${first}T00:00:00+08:00`, to: `${addDays(last, 1)}T00:00:00+08:00` };
}
