/**
 * The wall's configuration from its address, so a wall is set up by bookmarking (issue 12):
 *   /wall?token=…&scope=330822001&panels=kpi,rates,trend,ranking,overdue,feed&tour=30&lang=en&closed=1
 * token: a display token (docs/ARCHITECTURE.md "Wall screen"); scope: the area shown first;
 * panels: which panels (default all); tour: seconds per stop of the auto-tour (0/absent: off);
 * lang: zh | en; closed: also draw closed problems. Pure: tested in tests/unit/wall-config.test.ts.
 */
export const PANELS = ['kpi', 'rates', 'trend', 'ranking', 'overdue', 'feed'] as const;
export type Panel = (typeof PANELS)[number];

export interface WallConfig {
  token: string | null;
  scope: string | null;
  panels: Panel[];
  /** seconds per stop, 0 = no tour; at least 5 when on */
  tour: number;
  lang: 'zh-CN' | 'en' | null;
  closed: boolean;
}

export function parseWallConfig(search: string): WallConfig {
  const q = new URLSearchParams(search);
  const token = q.get('token');
  const scope = q.get('scope');
  const panels = (q.get('panels') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is Panel => (PANELS as readonly string[]).includes(s));
  const tour = Number(q.get('tour') ?? 0);
  const lang = q.get('lang');
  return {
    token: token && /^[A-Za-z0-9_-]{10,100}$/.test(token) ? token : null,
    scope: scope && /^(\d{6}|\d{9}|\d{12}|\d{15})$/.test(scope) ? scope : null,
    panels: panels.length ? [...new Set(panels)] : [...PANELS],
    tour: Number.isFinite(tour) && tour > 0 ? Math.max(5, Math.min(3600, Math.round(tour))) : 0,
    lang: lang === 'en' ? 'en' : lang === 'zh' || lang === 'zh-CN' ? 'zh-CN' : null,
    closed: q.get('closed') === '1',
  };
}

/** The address with one parameter changed (the language switch keeps the bookmark in step). */
export function withParam(search: string, key: string, value: string | null): string {
  const q = new URLSearchParams(search);
  if (value === null) q.delete(key);
  else q.set(key, value);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The level of an area code in the 数字城管 scheme (6 county + 3 street + 3 community + 3 grid). */
export function levelOfCode(code: string): 'county' | 'street' | 'community' | 'grid' {
  return code.length <= 6 ? 'county' : code.length === 9 ? 'street' : code.length === 12 ? 'community' : 'grid';
}

const BEIJING_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** 00:00 Beijing of the day `now` lies in, `daysBack` days earlier, as an ISO instant. */
export function beijingMidnight(now: number, daysBack = 0): string {
  const day = Math.floor((now + BEIJING_MS) / DAY_MS) - daysBack;
  return new Date(day * DAY_MS - BEIJING_MS).toISOString();
}

/** The Beijing calendar day (YYYY-MM-DD) `now` lies in. */
export function beijingDay(now: number): string {
  return new Date(now + BEIJING_MS).toISOString().slice(0, 10);
}

/** "3小时12分" style parts of a duration, for countdowns (minutes are enough on a wall). */
export function durationParts(ms: number): { d: number; h: number; m: number } {
  const min = Math.max(0, Math.floor(Math.abs(ms) / 60_000));
  return { d: Math.floor(min / 1440), h: Math.floor((min % 1440) / 60), m: min % 60 };
}
