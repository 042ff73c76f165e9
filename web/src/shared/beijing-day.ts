/**
 * Days of the contracting time control. Assignments are made in Beijing office hours, so a day
 * is a Beijing calendar day (UTC+8, no daylight saving) whatever the browser's time zone, and
 * "the assignment on 2026-08-01" is the one in force at the end of that day: a reassignment
 * made that morning is already shown.
 */
import { serverNow } from '../api/server-time';

const BEIJING_MS = 8 * 3600_000;

/** Today in Beijing as YYYY-MM-DD, by the server's clock. */
export function beijingToday(now: number = serverNow()): string {
  return new Date(now + BEIJING_MS).toISOString().slice(0, 10);
}

/** The same day `n` calendar months earlier (the 31st falls back to the month's last day). */
export function monthsBefore(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 - n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

export const isDay = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/** The instant the map and panels ask for on a day: its last second, Beijing time. */
export function endOfDay(day: string): string {
  return `${day}T23:59:59+08:00`;
}
