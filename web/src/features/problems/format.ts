import type { Category, TimelineEvent } from './api';

/** The campaign runs on Beijing time whatever the viewer's clock. */
const ZONE = 'Asia/Shanghai';

export function formatTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

export function formatDate(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: ZONE, year: 'numeric', month: 'long', day: 'numeric' }).format(
    new Date(iso),
  );
}

export interface Countdown {
  overdue: boolean;
  days: number;
  hours: number;
  minutes: number;
}

/** Time left to a deadline (or past it), in whole minutes. */
export function countdown(deadline: string, now: number): Countdown {
  const diff = Date.parse(deadline) - now;
  const mins = Math.floor(Math.abs(diff) / 60_000);
  return {
    overdue: diff < 0,
    days: Math.floor(mins / 1440),
    hours: Math.floor((mins % 1440) / 60),
    minutes: mins % 60,
  };
}

/** A category's name in the UI language (names are data: Chinese unless the UI is English). */
export function categoryName(c: Pick<Category, 'nameZh' | 'nameEn'> | undefined, locale: string): string {
  if (!c) return '';
  return locale.startsWith('en') ? c.nameEn : c.nameZh;
}

/** Accepted by the server (it re-encodes them); HEIC from iPhones arrives as JPEG through <input>. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
/** api/services/photos.ts MAX_PHOTO_BYTES and MAX_PHOTOS (the server checks again). */
export const MAX_PHOTO_MB = 8;
export const MAX_PHOTOS = 6;

type Translate = (key: string, values?: Record<string, unknown>) => string;
/**
 * A fix's proof in words (issue 14, docs/FIELD.md): flagged with its reasons for whoever accepts
 * (验收), or the distance checked; null for any other event.
 */
export function fixProofText(
  e: TimelineEvent,
  t: Translate,
  te: (key: string) => boolean,
): { flagged: boolean; text: string } | null {
  const p = e.data?.proof as
    { flagged: boolean; reasons: string[]; distanceM: number | null; accuracyM: number | null } | undefined;
  if (e.action !== 'fix' || !p) return null;
  const m = p.distanceM === null ? t('field.proof.unknown') : t('field.proof.meters', { m: Math.round(p.distanceM) });
  if (!p.flagged) return { flagged: false, text: t('field.proof.ok', { m, acc: Math.round(p.accuracyM ?? 0) }) };
  const reasons = p.reasons.map((r) => (te(`field.proof.reasons.${r}`) ? t(`field.proof.reasons.${r}`) : r));
  return { flagged: true, text: t('field.proof.flagged', { m, reasons: reasons.join('、') }) };
}
