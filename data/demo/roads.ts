/**
 * A road (or the river's centre line) is a gently curving graph v = f(u) in its own rotated frame,
 * u along the road and v across it, over an extent u0..u1. Being a graph over a straight axis, it
 * can never loop back on itself, and roads of one family (same axis) never meet when the bends
 * stay smaller than half their spacing: the only crossings are between families.
 */
export type RoadFamily = 'ew' | 'ns' | 'diag' | 'river';

export interface Wave {
  amp: number;
  k: number;
  phase: number;
}

export interface Road {
  id: number;
  family: RoadFamily;
  /** direction of the frame's u axis */
  cos: number;
  sin: number;
  base: number;
  waves: Wave[];
  u0: number;
  u1: number;
}

export const alongOf = (r: Road, x: number, y: number): number => x * r.cos + y * r.sin;
export const acrossOf = (r: Road, x: number, y: number): number => -x * r.sin + y * r.cos;

export function offsetAt(r: Road, u: number): number {
  let v = r.base;
  for (const w of r.waves) v += w.amp * Math.sin(w.k * u + w.phase);
  return v;
}

export function slopeAt(r: Road, u: number): number {
  let s = 0;
  for (const w of r.waves) s += w.amp * w.k * Math.cos(w.k * u + w.phase);
  return s;
}

export function pointAt(r: Road, u: number): [number, number] {
  const v = offsetAt(r, u);
  return [u * r.cos - v * r.sin, u * r.sin + v * r.cos];
}

/** Unit tangent (direction of increasing u) at u. */
export function tangentAt(r: Road, u: number): [number, number] {
  const s = slopeAt(r, u);
  const len = Math.hypot(1, s);
  return [(r.cos - s * r.sin) / len, (r.sin + s * r.cos) / len];
}

/**
 * Signed distance from the road's line, positive on its left. First-order (vertical offset times
 * the cosine of the slope): exact enough for bends whose radius is kilometres.
 */
export function sideDistance(r: Road, x: number, y: number): number {
  const u = alongOf(r, x, y);
  return (acrossOf(r, x, y) - offsetAt(r, u)) / Math.hypot(1, slopeAt(r, u));
}

export const covers = (r: Road, u: number, margin = 0): boolean => u >= r.u0 - margin && u <= r.u1 + margin;

/** Where road a crosses road b, by bisection along a; null when they do not meet. */
export function crossingOf(a: Road, b: Road): { ua: number; ub: number; x: number; y: number } | null {
  const gap = (u: number) => {
    const [x, y] = pointAt(a, u);
    return acrossOf(b, x, y) - offsetAt(b, alongOf(b, x, y));
  };
  // One metre of slack so that a road cut to end exactly on another still meets it.
  let lo = a.u0 - 1;
  let hi = a.u1 + 1;
  let glo = gap(lo);
  if (glo * gap(hi) > 0) return null;
  // The tangents of two families never align (see makeWaves), so the gap is monotone: one root.
  for (let i = 0; i < 48; i++) {
    const mid = (lo + hi) / 2;
    const g = gap(mid);
    if (g < 0 === glo < 0) {
      lo = mid;
      glo = g;
    } else hi = mid;
  }
  const ua = (lo + hi) / 2;
  const [x, y] = pointAt(a, ua);
  const ub = alongOf(b, x, y);
  return covers(b, ub, 1) ? { ua, ub, x, y } : null;
}
