import type { Indicator } from './api';

/** Names are data in both languages: Chinese unless the UI is English. */
export function textOf(t: { zh: string; en: string } | null | undefined, locale: string): string {
  if (!t) return '';
  return locale.startsWith('en') ? t.en : t.zh;
}

/** A figure's number alone: percent with up to two decimals, hours with one, counts whole. */
export function formatNumber(value: number, unit: Indicator['unit'], locale: string): string {
  const digits = unit === 'problems' ? 0 : unit === 'hours' ? 1 : 2;
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
}

/** A figure as shown: "93.72%", "12.5 小时", "37"; null → the "no data" text given. */
export function formatFigure(
  value: number | null | undefined,
  unit: Indicator['unit'],
  locale: string,
  t: (key: string, p?: Record<string, unknown>) => string,
): string {
  if (value === null || value === undefined) return t('figures.value.none');
  const v = formatNumber(value, unit, locale);
  if (unit === 'percent') return `${v}%`;
  if (unit === 'hours') return t('figures.value.hours', { v });
  return v;
}

/** A class's range in the legend: "40% – 60%", or one number when the class holds one value. */
export function formatRange(min: number, max: number, unit: Indicator['unit'], locale: string): string {
  const f = (v: number) => formatNumber(v, unit, locale) + (unit === 'percent' ? '%' : '');
  return min === max ? f(min) : `${f(min)} – ${f(max)}`;
}

/** A Beijing day (YYYY-MM-DD) for people: "11月25日" / "Nov 25". */
export function formatDay(day: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'short', day: 'numeric' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}
