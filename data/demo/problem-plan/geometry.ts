import type { PlanPolygon } from './types';

/**
 * Plane geometry for the planner: point in ring and in polygons (with holes), bounding boxes and
 * areas of lon/lat rings. Callers scale to local metres about the county's centre (the county
 * spans tens of km at most, so a flat approximation is enough). Pure.
 */

export function inRing(x: number, y: number, ring: [number, number][]): boolean {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!,
      [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}
export const inPolygons = (x: number, y: number, polys: PlanPolygon[]) =>
  polys.some(([shell, ...holes]) => inRing(x, y, shell!) && !holes.some((h) => inRing(x, y, h)));

export function bboxOf(polys: PlanPolygon[]): [number, number, number, number] {
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  for (const p of polys)
    for (const [x, y] of p[0]!) {
      w = Math.min(w, x);
      s = Math.min(s, y);
      e = Math.max(e, x);
      n = Math.max(n, y);
    }
  return [w, s, e, n];
}
export function ringArea(ring: [number, number][]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    a += (ring[j]![0] + ring[i]![0]) * (ring[j]![1] - ring[i]![1]);
  return Math.abs(a) / 2;
}
export const polysArea = (polys: PlanPolygon[]) =>
  polys.reduce((s, [shell, ...holes]) => s + ringArea(shell!) - holes.reduce((h, r) => h + ringArea(r), 0), 0);
