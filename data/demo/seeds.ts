import type { Crossing } from './road-network';
import type { RoadIndex } from './road-index';
import { pointAt, slopeAt, tangentAt, type Road } from './roads';
import type { PointGrid } from './poisson';

interface Block {
  u: number;
  clear: number;
  left: boolean;
  right: boolean;
}

const cross = (ax: number, ay: number, bx: number, by: number) => ax * by - ay * bx;

/**
 * Mirrored seed pairs on both sides of every road: the Voronoi edge between the two points of a
 * pair is their perpendicular bisector, i.e. the road itself, so cell edges follow the roads.
 * Near a crossing the pairs give way to one point per corner, on the corner's bisector, at the
 * same distance from both roads, so the corner cells meet on both road lines.
 */
export function placeRoadSeeds(
  grid: PointGrid,
  roads: readonly Road[],
  crossings: readonly Crossing[],
  index: RoadIndex,
  radiusAt: (x: number, y: number) => number,
  inRegion: (x: number, y: number) => boolean,
): void {
  const blocks: Block[][] = roads.map(() => []);
  const tryAdd = (x: number, y: number, r: number, factor: number) => {
    if (inRegion(x, y) && !grid.crowded(x, y, r, factor)) grid.add(x, y, r);
  };

  for (const c of crossings) {
    const a = roads[c.a]!;
    const b = roads[c.b]!;
    const r = radiusAt(c.x, c.y);
    const d = 0.5 * r;
    const ta = tangentAt(a, c.ua);
    const tb = tangentAt(b, c.ub);
    const raysA = rays(a, c.ua, ta);
    const raysB = rays(b, c.ub, tb);
    const all = [...raysA, ...raysB].sort((p, q) => Math.atan2(p[1], p[0]) - Math.atan2(q[1], q[0]));
    for (let i = 0; i < all.length; i++) {
      const p = all[i]!;
      const q = all[(i + 1) % all.length]!;
      let phi = Math.atan2(q[1], q[0]) - Math.atan2(p[1], p[0]);
      if (phi <= 0) phi += 2 * Math.PI;
      if (phi < 0.2 || phi > (175 * Math.PI) / 180) continue; // a straight-through side keeps its pairs
      const bx = p[0] + q[0];
      const by = p[1] + q[1];
      const len = Math.hypot(bx, by);
      const dist = Math.min(d / Math.sin(phi / 2), 2.5 * r);
      tryAdd(c.x + (dist * bx) / len, c.y + (dist * by) / len, r, 0.35);
    }
    const sinTheta = Math.max(0.2, Math.abs(cross(ta[0], ta[1], tb[0], tb[1])));
    const clear = Math.min(d / sinTheta + 0.5 * r, 3 * r);
    blocks[c.a]!.push(block(c.ua, clear, ta, raysB));
    blocks[c.b]!.push(block(c.ub, clear, tb, raysA));
  }

  for (const road of roads) {
    const mine = blocks[road.id]!;
    for (let u = road.u0; u <= road.u1;) {
      const [x, y] = pointAt(road, u);
      const r = radiusAt(x, y);
      const [tx, ty] = tangentAt(road, u);
      const d = 0.5 * r;
      for (const side of [1, -1]) {
        if (mine.some((b) => Math.abs(u - b.u) < b.clear && (side > 0 ? b.left : b.right))) continue;
        const px = x - side * d * ty;
        const py = y + side * d * tx;
        // A pair point that lands on another road (two roads running close) would sit on the
        // wrong side of it; dropping it only makes the neighbouring cell a little larger.
        if (index.closeToRoad(px, py, 0.6 * d, road.id)) continue;
        tryAdd(px, py, r, 0.35);
      }
      u += r / Math.hypot(1, slopeAt(road, u));
    }
  }
}

/** Directions in which the road leaves the crossing (one for a T-junction's stem). */
function rays(road: Road, u: number, t: [number, number]): [number, number][] {
  const out: [number, number][] = [];
  if (u < road.u1 - 1) out.push(t);
  if (u > road.u0 + 1) out.push([-t[0], -t[1]]);
  return out;
}

function block(u: number, clear: number, t: [number, number], otherRays: [number, number][]): Block {
  return {
    u,
    clear,
    left: otherRays.some((r) => cross(t[0], t[1], r[0], r[1]) > 0),
    right: otherRays.some((r) => cross(t[0], t[1], r[0], r[1]) < 0),
  };
}
