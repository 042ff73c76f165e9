import { between, type Rng } from './random';
import { crossingOf, type Road, type RoadFamily, type Wave } from './roads';

export interface NetworkPlan {
  /** distance between neighbouring arterials of one family, metres */
  spacing: number;
  /** radius of the disc the network must cover */
  reach: number;
  /** wanted across-offset of the river from the centre (negative: south) */
  riverBase: number;
  /** direction of the east–west family (and of the river), radians */
  angle: number;
}

export interface Crossing {
  a: number;
  b: number;
  ua: number;
  ub: number;
  x: number;
  y: number;
}

// Bend amplitudes as fractions of the spacing. Their sum (≤ 0.17 for the river, ≤ 0.12 for roads)
// with the base jitter (±0.15) keeps neighbours of a family ≥ 0.4 spacing apart, so they never
// meet; wavelengths of kilometres keep slopes under ~0.45 (river) and ~0.3 (roads), so two
// families, ≥ 40° apart, cross at most once (see crossingOf).
function makeWaves(rng: Rng, spacing: number, scale: number): Wave[] {
  const wave = (ampFrac: number, lambdaLo: number, lambdaHi: number): Wave => ({
    amp: between(rng, 0.3, 1) * ampFrac * spacing * scale,
    k: (2 * Math.PI) / between(rng, lambdaLo, lambdaHi),
    phase: between(rng, 0, 2 * Math.PI),
  });
  return [wave(0.07, 4000, 9000), wave(0.04, 2000, 4000), wave(0.012, 1000, 1600)];
}

const familyOf = (r: Road): RoadFamily => (r.family === 'river' ? 'ew' : r.family);

/**
 * Arterials in three families (roughly east–west, north–south and one sparse diagonal family),
 * the river taking the place of one east–west arterial south of the centre. Some arterials end
 * in a T on a through road, as real ones do.
 */
export function makeRoads(rng: Rng, plan: NetworkPlan): Road[] {
  const ew = plan.angle;
  const families: { family: RoadFamily; angle: number; spacing: number; scale: number }[] = [
    { family: 'ew', angle: ew, spacing: plan.spacing, scale: 1 },
    {
      family: 'ns',
      angle: ew + Math.PI / 2 + between(rng, -0.12, 0.12),
      spacing: plan.spacing * between(rng, 0.9, 1.1),
      scale: 1,
    },
    {
      family: 'diag',
      angle: ew + (rng() < 0.5 ? 1 : 3) * (Math.PI / 4) + between(rng, -0.08, 0.08),
      spacing: plan.spacing * 3.5,
      scale: 0.5,
    },
  ];
  const roads: Road[] = [];
  const index = new Map<Road, number>();
  for (const f of families) {
    const offset = between(rng, -0.25, 0.25) * f.spacing;
    const count = Math.ceil(plan.reach / f.spacing);
    for (let k = -count; k <= count; k++) {
      const base = offset + (k + between(rng, -0.15, 0.15)) * f.spacing;
      const waves = makeWaves(rng, plan.spacing, f.scale);
      const half = Math.sqrt(plan.reach * plan.reach - base * base);
      if (!(half > plan.spacing)) continue;
      const road: Road = {
        id: 0,
        family: f.family,
        cos: Math.cos(f.angle),
        sin: Math.sin(f.angle),
        base,
        waves,
        u0: -half,
        u1: half,
      };
      index.set(road, k);
      roads.push(road);
    }
  }
  const ewRoads = roads.filter((r) => r.family === 'ew');
  const river = ewRoads.reduce((best, r) =>
    Math.abs(r.base - plan.riverBase) < Math.abs(best.base - plan.riverBase) ? r : best,
  );
  river.family = 'river';
  river.waves = makeWaves(rng, plan.spacing, 1.4);
  cutSomeRoads(rng, roads, index);
  roads.forEach((r, i) => (r.id = i));
  return roads;
}

// Odd-numbered arterials away from the centre may stop at a crossing with an even-numbered one
// of the other family; even ones are never cut, so every T-junction lands on a road that exists.
function cutSomeRoads(rng: Rng, roads: Road[], index: Map<Road, number>): void {
  for (const road of roads) {
    const k = index.get(road) ?? 0;
    const cut = rng() < 0.45;
    const target = between(rng, 0.25, 0.75);
    const keepLow = rng() < 0.5;
    if (!cut || Math.abs(k) < 2 || Math.abs(k) % 2 === 0 || (road.family !== 'ew' && road.family !== 'ns')) continue;
    const other = road.family === 'ew' ? 'ns' : 'ew';
    const want = road.u0 + target * (road.u1 - road.u0);
    let best: number | null = null;
    for (const b of roads) {
      if (b.family !== other || (index.get(b) ?? 0) % 2 !== 0) continue;
      const c = crossingOf(road, b);
      if (c && (best === null || Math.abs(c.ua - want) < Math.abs(best - want))) best = c.ua;
    }
    if (best === null) continue;
    if (keepLow) road.u1 = best;
    else road.u0 = best;
  }
}

/** Every crossing between roads of different families, the river included. */
export function findCrossings(roads: Road[]): Crossing[] {
  const out: Crossing[] = [];
  for (let i = 0; i < roads.length; i++) {
    for (let j = i + 1; j < roads.length; j++) {
      const a = roads[i]!;
      const b = roads[j]!;
      if (familyOf(a) === familyOf(b)) continue;
      const c = crossingOf(a, b);
      if (c) out.push({ a: i, b: j, ...c });
    }
  }
  return out;
}
