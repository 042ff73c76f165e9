import type { Rng } from '../random';

/**
 * Small helpers of the planner: drawing from a list, between two numbers and along cumulative
 * weights, rounding to 7 decimals (what the database keeps of a coordinate), and Beijing time
 * (hour of the day, midnight) for the instants of a life. Pure.
 */

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
export const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
export const ms = (t: Date | number) => (typeof t === 'number' ? t : t.getTime());
/** hour of the day in Beijing (UTC+8, no DST) */
export const bjHour = (t: number) => ((((t + 8 * HOUR) % DAY) + DAY) % DAY) / HOUR;
export const bjMidnight = (t: number) => Math.floor((t + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
export const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
export function search(cum: Float64Array, r: number): number {
  const target = r * cum[cum.length - 1]!;
  let lo = 0,
    hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
