import { substream } from '../random';
import { between, ms, round7 } from './draw';
import { bboxOf, inPolygons, polysArea } from './geometry';
import { DEFAULT_GROUP, type Group } from './group';
import { ENVIRONMENT_GROUPS } from './texts-environment';
import { STREET_ORDER_GROUPS } from './texts-street-order';
import type { PlanCategory, PlanCity, PlanOptions, PlanPolygon } from './types';

/**
 * Preparing a plan once per city: the window checked, the grids sorted with their weights
 * (denser near the centre), each category matched to its kind of problem and weighted, the road
 * segments bucketed for a quick nearest road, and a few points inside the county but in no grid
 * (coverage gaps). Also the random stream each problem draws from, so problem i is the same
 * whatever the count.
 */

// The kinds of problem in search order: a category takes the first kind one of whose keywords
// its name (then its 小类, 大类) contains.
const GROUPS: Group[] = [...STREET_ORDER_GROUPS, ...ENVIRONMENT_GROUPS];

/** The city prepared once: grid weights, a bucket index of road segments, gap points. */
export interface PlanContext {
  seed: number;
  from: number;
  to: number;
  grids: { code: string; polygons: PlanPolygon[]; bbox: [number, number, number, number] }[];
  gridByCode: Map<string, { code: string; polygons: PlanPolygon[] }>;
  /** cumulative grid weights (denser near the centre) */
  cumulative: Float64Array;
  categories: { cat: PlanCategory; group: Group }[];
  categoryCumulative: Float64Array;
  /** points inside the county and outside every grid (empty when the grids cover it) */
  gaps: [number, number][];
  nearestRoad: (lon: number, lat: number) => { name: string | null; metres: number } | null;
}

export function preparePlan(city: PlanCity, categories: PlanCategory[], options: PlanOptions): PlanContext {
  const from = ms(options.from),
    to = ms(options.to);
  if (!(to > from)) throw new RangeError('problem plan: the window must end after it starts');
  if (city.grids.length === 0) throw new RangeError('problem plan: the city has no grids');
  if (categories.length === 0) throw new RangeError('problem plan: no leaf categories');
  const [cw, cs, ce, cn] = bboxOf(city.county.length ? city.county : city.grids.flatMap((g) => g.polygons));
  const lon0 = (cw + ce) / 2,
    lat0 = (cs + cn) / 2;
  const kx = 111320 * Math.cos((lat0 * Math.PI) / 180),
    ky = 110574;
  const radius = Math.max((ce - cw) * kx, (cn - cs) * ky) / 2;

  const grids = [...city.grids]
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((g) => ({ ...g, bbox: bboxOf(g.polygons) }));
  const cumulative = new Float64Array(grids.length);
  let sum = 0;
  grids.forEach((g, i) => {
    const [w, s, e, n] = g.bbox;
    const d = Math.hypot(((w + e) / 2 - lon0) * kx, ((s + n) / 2 - lat0) * ky);
    // More problems where more happens: bigger grids somewhat, central ones much more.
    const areaM2 = polysArea(g.polygons) * kx * ky;
    sum += Math.sqrt(Math.max(areaM2, 1)) * (0.3 + Math.exp(-((d / (0.45 * radius)) ** 2)));
    cumulative[i] = sum;
  });

  const cats = [...categories]
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((cat) => {
      const names = [cat.nameZh, ...[...cat.parentNamesZh].reverse()];
      const group =
        names.map((n) => GROUPS.find((g) => g.keys.some((k) => n.includes(k)))).find(Boolean) ?? DEFAULT_GROUP;
      return { cat, group };
    });
  const perGroup = new Map<Group, number>();
  for (const c of cats) perGroup.set(c.group, (perGroup.get(c.group) ?? 0) + 1);
  const categoryCumulative = new Float64Array(cats.length);
  let cs2 = 0;
  cats.forEach((c, i) => {
    cs2 += c.group === DEFAULT_GROUP ? DEFAULT_GROUP.weight : c.group.weight / perGroup.get(c.group)!;
    categoryCumulative[i] = cs2;
  });

  // Roads: segments bucketed in 250 m cells, so the nearest one is a few lookups away.
  const CELL = 250;
  const buckets = new Map<number, number[]>();
  const segs: number[] = []; // x1 y1 x2 y2 roadIndex
  const key = (i: number, j: number) => (i + 50_000) * 100_000 + (j + 50_000);
  city.roads.forEach((r, ri) => {
    for (let k = 1; k < r.coordinates.length; k++) {
      const [ax, ay] = r.coordinates[k - 1]!,
        [bx, by] = r.coordinates[k]!;
      const x1 = (ax - lon0) * kx,
        y1 = (ay - lat0) * ky,
        x2 = (bx - lon0) * kx,
        y2 = (by - lat0) * ky;
      const at = segs.length / 5;
      segs.push(x1, y1, x2, y2, ri);
      for (let i = Math.floor(Math.min(x1, x2) / CELL); i <= Math.floor(Math.max(x1, x2) / CELL); i++)
        for (let j = Math.floor(Math.min(y1, y2) / CELL); j <= Math.floor(Math.max(y1, y2) / CELL); j++) {
          const b = buckets.get(key(i, j));
          if (b) b.push(at);
          else buckets.set(key(i, j), [at]);
        }
    }
  });
  const nearestRoad = (lon: number, lat: number) => {
    const x = (lon - lon0) * kx,
      y = (lat - lat0) * ky;
    const ci = Math.floor(x / CELL),
      cj = Math.floor(y / CELL);
    let best = Infinity,
      road = -1;
    for (let i = ci - 1; i <= ci + 1; i++)
      for (let j = cj - 1; j <= cj + 1; j++) {
        for (const s of buckets.get(key(i, j)) ?? []) {
          const x1 = segs[s * 5]!,
            y1 = segs[s * 5 + 1]!,
            dx = segs[s * 5 + 2]! - x1,
            dy = segs[s * 5 + 3]! - y1;
          const len2 = dx * dx + dy * dy;
          const u = len2 > 0 ? Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2)) : 0;
          const d = Math.hypot(x - x1 - u * dx, y - y1 - u * dy);
          if (d < best) {
            best = d;
            road = segs[s * 5 + 4]!;
          }
        }
      }
    return road < 0 ? null : { name: city.roads[road]!.name, metres: best };
  };

  // Places inside the county but in no grid: a coverage gap, where reports must still land.
  const gaps: [number, number][] = [];
  if (city.county.length) {
    const rng = substream(options.seed, 'problem-gaps');
    const gridBuckets = new Map<number, number[]>();
    const GC = 0.01; // degrees
    grids.forEach((g, gi) => {
      for (let i = Math.floor(g.bbox[0] / GC); i <= Math.floor(g.bbox[2] / GC); i++)
        for (let j = Math.floor(g.bbox[1] / GC); j <= Math.floor(g.bbox[3] / GC); j++) {
          const b = gridBuckets.get(key(i, j));
          if (b) b.push(gi);
          else gridBuckets.set(key(i, j), [gi]);
        }
    });
    for (let tries = 0; tries < 4000 && gaps.length < 64; tries++) {
      const x = between(rng, cw, ce),
        y = between(rng, cs, cn);
      if (!inPolygons(x, y, city.county)) continue;
      const near = gridBuckets.get(key(Math.floor(x / GC), Math.floor(y / GC))) ?? [];
      // 1 m of margin from every grid, so rounding cannot put it back on an edge
      const m = 1 / ky;
      if (
        near.some((gi) =>
          [
            [0, 0],
            [m, 0],
            [-m, 0],
            [0, m],
            [0, -m],
          ].some(([dx, dy]) => inPolygons(x + dx!, y + dy!, grids[gi]!.polygons)),
        )
      )
        continue;
      gaps.push([round7(x), round7(y)]);
    }
  }
  return {
    seed: options.seed,
    from,
    to,
    grids,
    gridByCode: new Map(grids.map((g) => [g.code, g])),
    cumulative,
    categories: cats,
    categoryCumulative,
    gaps,
    nearestRoad,
  };
}

/** Is problem i planned as a duplicate? (The first draw of its stream, so others can ask cheaply.) */
export const streamOf = (ctx: PlanContext, i: number) => substream(ctx.seed, `problem:${i}`);
