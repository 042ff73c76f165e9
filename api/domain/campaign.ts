/**
 * Campaign targets (seed 002: 整改达标率 ≥ 90 % by the end of May, ≥ 95 % June, ≥ 98 % July,
 * ≈ 100 % August), pure. A target "by 31 May" is due at the end of that Beijing day. On any day
 * the target in force is the last one already due (it must be met now); the next one is what the
 * entity works towards. Behind = below the target in force; at risk = meets it, not yet the next.
 */
import type { Msg } from '../errors';

export interface Target {
  indicator: string;
  /** YYYY-MM-DD, a Beijing calendar day */
  dueOn: string;
  comparison: 'at_least' | 'approximately';
  target: number;
  tolerance: number;
  label: string | null;
}

export type CampaignStatus = 'behind' | 'at_risk' | 'on_track' | 'no_data';

const DAY_MS = 86400_000;
const OFFSET_MS = 8 * 3600_000;

/** The instant a target falls due: the next Beijing midnight after its day. */
export function dueInstant(dueOn: string): Date {
  const [y, m, d] = dueOn.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - OFFSET_MS + DAY_MS);
}

/** The Beijing calendar day of an instant, YYYY-MM-DD. */
export const beijingDay = (at: Date) => new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);

export function targetsAt(
  targets: Target[],
  indicator: string,
  at: Date,
): { current: Target | null; next: Target | null } {
  const mine = targets.filter((t) => t.indicator === indicator).sort((a, b) => a.dueOn.localeCompare(b.dueOn));
  const t = at.getTime();
  const passed = mine.filter((x) => dueInstant(x.dueOn).getTime() <= t);
  return {
    current: passed[passed.length - 1] ?? null,
    next: mine.find((x) => dueInstant(x.dueOn).getTime() > t) ?? null,
  };
}

/** "接近100%" is met within the tolerance below the target. */
export const threshold = (t: Target) => (t.comparison === 'approximately' ? t.target - t.tolerance : t.target);
export const meets = (t: Target, value: number) => value >= threshold(t) - 1e-9;

export function statusOf(value: number | null, current: Target | null, next: Target | null): CampaignStatus {
  if (value === null) return 'no_data';
  if (current && !meets(current, value)) return 'behind';
  if (next && !meets(next, value)) return 'at_risk';
  return 'on_track';
}

/** Points short of the target in force (behind) or of the next one (at risk); 0 when met. */
export function gapOf(value: number | null, current: Target | null, next: Target | null): number | null {
  if (value === null) return null;
  const t = current && !meets(current, value) ? current : next;
  return t ? Math.max(0, Math.round((threshold(t) - value) * 100) / 100) : 0;
}

export const TARGET_TEXT = (t: Target): Msg => ({
  zh: t.label ?? `${t.dueOn} 前${t.comparison === 'approximately' ? '接近' : '≥'}${t.target}%`,
  en: `${t.comparison === 'approximately' ? '≈' : '≥'} ${t.target} % by ${t.dueOn}`,
});
