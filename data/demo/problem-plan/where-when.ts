import type { Rng } from '../random';
import type { PlanContext } from './context';
import { between, bjHour, bjMidnight, DAY, HOUR, pick, round7, search } from './draw';
import { inPolygons } from './geometry';
import { P, SOURCE_HOURS } from './shares';
import { PLACES } from './texts-replies';
import type { PlanSource } from './types';

/**
 * Where and when a problem happens: the instant of a report (weekdays, the campaign's growth,
 * the source's hours, 暗访 in waves), office hours for people's steps, the place (a grid by
 * weight, near a road, or now and then a coverage gap) and the description filled from a text
 * template. Each draws from the problem's own stream, in a fixed order.
 */

/** A report instant: more on weekdays and as the campaign goes on, at the source's hours. */
export function reportInstant(rng: Rng, ctx: PlanContext, source: PlanSource): number {
  const days = Math.max(1, Math.ceil((ctx.to - ctx.from) / DAY));
  const [h0, h1] = SOURCE_HOURS[source];
  for (let tries = 0; ; tries++) {
    const dayStart = bjMidnight(ctx.from) + Math.floor(rng() * (days + 1)) * DAY;
    const t = dayStart + between(rng, h0, h1) * HOUR;
    if (t < ctx.from || t > ctx.to) {
      if (tries < 50) continue;
      return ctx.from + rng() * (ctx.to - ctx.from);
    }
    const weekday = new Date(t + 8 * HOUR).getUTCDay();
    const weight = (weekday === 0 || weekday === 6 ? 0.6 : 1) * (0.7 + 0.3 * ((t - ctx.from) / (ctx.to - ctx.from)));
    // 暗访 comes in waves, twice a month
    const dom = new Date(t + 8 * HOUR).getUTCDate();
    if (source === 'undercover' && ![3, 4, 5, 17, 18, 19].includes(dom) && tries < 60) continue;
    if (rng() < weight || tries >= 60) return t;
  }
}

/** People act in office hours: a step falling at night moves to the next morning. */
export function office(rng: Rng, t: number): number {
  const h = bjHour(t);
  if (h >= 8 && h < 21) return t;
  return bjMidnight(t + (h >= 21 ? DAY : 0)) + (8 + rng() * 1.5) * HOUR;
}

/** A description from a template; `num` is the house number, the same as in the address. */
export function fill(rng: Rng, template: string, road: string | null, cat: string, num: number): string {
  return template
    .replaceAll('{road}', road ?? pick(rng, ['县前街', '定阳路', '人民路', '紫港路', '天马路', '文峰路']))
    .replaceAll('{place}', pick(rng, PLACES))
    .replaceAll('{num}', String(num))
    .replaceAll('{n}', String(2 + Math.floor(rng() * 18)))
    .replaceAll('{cat}', cat);
}

interface Place {
  lon: number;
  lat: number;
  gridCode: string | null;
  road: { name: string | null; metres: number } | null;
}

export function place(rng: Rng, ctx: PlanContext): Place {
  if (ctx.gaps.length && rng() < P.outside) {
    const [lon, lat] = pick(rng, ctx.gaps);
    return { lon, lat, gridCode: null, road: ctx.nearestRoad(lon, lat) };
  }
  const g = ctx.grids[search(ctx.cumulative, rng())]!;
  const [w, s, e, n] = g.bbox;
  // Denser along roads: of a few candidates in the grid, usually the one nearest a road.
  const candidates: Place[] = [];
  const want = rng() < 0.7 ? 3 : 1;
  for (let tries = 0; candidates.length < want && tries < 200; tries++) {
    const lon = round7(between(rng, w, e)),
      lat = round7(between(rng, s, n));
    if (inPolygons(lon, lat, g.polygons))
      candidates.push({ lon, lat, gridCode: g.code, road: ctx.nearestRoad(lon, lat) });
  }
  if (!candidates.length) {
    // a sliver the sampler keeps missing: its first vertex nudged towards the bbox centre
    const [x, y] = g.polygons[0]![0]![0]!;
    const lon = round7(x + ((w + e) / 2 - x) * 0.01),
      lat = round7(y + ((s + n) / 2 - y) * 0.01);
    return { lon, lat, gridCode: g.code, road: ctx.nearestRoad(lon, lat) };
  }
  return candidates.reduce((a, b) => ((b.road?.metres ?? Infinity) < (a.road?.metres ?? Infinity) ? b : a));
}
