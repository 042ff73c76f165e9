import { serverNow } from '../../api/server-time';
import type zonesZhCN from './i18n/zh-CN';

/**
 * Dates of assignments as offices read them: Beijing calendar days (the campaign is run in
 * Beijing time whatever the viewer's clock), with the hour only when a period does not start
 * at midnight (a reshuffle at 09:00 shows "09:00").
 */
const ZONE = 'Asia/Shanghai';

export function formatDay(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(iso),
  );
}

export function formatInstant(iso: string, locale: string): string {
  const d = new Date(iso);
  const midnight = (d.getTime() + 8 * 3600_000) % 86400_000 === 0;
  if (midnight) return formatDay(iso, locale);
  return new Intl.DateTimeFormat(locale, {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);
}

/** Is the period [from, to) in force at `at` (an ISO instant; null = now)? */
export function inForce(from: string, to: string | null, at: string | null): boolean {
  const t = at ? Date.parse(at) : serverNow();
  return Date.parse(from) <= t && (to === null || t < Date.parse(to));
}

/** tel: links dial what is written; a landline "0570-5444162" dials without the dash. */
export const telHref = (phone: string): string => `tel:${phone.replace(/[^\d+]/g, '')}`;

/**
 * The i18n key of a unit type. The schema's type is a plain string to TypeScript (its union is
 * built from a list), so the key is named here once; a type the UI does not know shows its key.
 */
export const unitTypeKey = (type: string) => `unitType.${type as keyof (typeof zonesZhCN)['unitType']}` as const;
