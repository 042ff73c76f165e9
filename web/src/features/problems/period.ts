/**
 * Periods of the problem filters, as Beijing calendar days whatever the browser's zone (the
 * campaign counts in Beijing days): "7 days" is today and the six before it, from midnight.
 */
import { serverNow } from '../../api/server-time';

export const PERIODS = ['all', 'today', '7d', '30d', '90d'] as const;
export type Period = (typeof PERIODS)[number];

const DAYS: Record<Exclude<Period, 'all'>, number> = { today: 1, '7d': 7, '30d': 30, '90d': 90 };
const BEIJING_MS = 8 * 3600_000;

/** `from` of a period as an instant with its zone (null: no lower bound). */
export function periodFrom(period: Period, now: number = serverNow()): string | null {
  if (period === 'all') return null;
  const today = new Date(now + BEIJING_MS).toISOString().slice(0, 10);
  const start = Date.parse(`${today}T00:00:00+08:00`) - (DAYS[period] - 1) * 86400_000;
  return `${new Date(start + BEIJING_MS).toISOString().slice(0, 10)}T00:00:00+08:00`;
}

/** A datetime-local value (read as Beijing time) as an instant with its zone. */
export function beijingInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  return `${value.length === 16 ? `${value}:00` : value}+08:00`;
}

/** An instant as a datetime-local value in Beijing time (for defaults of deadline fields). */
export function toBeijingInput(instant: string | number): string {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  return new Date(ms + BEIJING_MS).toISOString().slice(0, 16);
}
