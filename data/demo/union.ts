import { position } from './geo';

/** A ring of vertex ids, not repeated at the end: counter-clockwise for a shell, clockwise for a hole. */
export type Ring = number[];
/** [shell, ...holes] */
export type PolygonRings = Ring[];

/** E7 integer coordinates of the vertex ids. */
export interface Vertices {
  lon: readonly number[];
  lat: readonly number[];
}

/**
 * Union of polygons that tile without overlap and share their vertices exactly (Voronoi cells, or
 * unions of them). Every interior edge appears once in each direction and cancels; what is left is
 * the boundary, walked into rings. Exact and linear, unlike a general polygon clipper, and the
 * parent's boundary is made of the children's very edges, so containment holds to the bit.
 */
export function dissolve(rings: Iterable<Ring>, v: Vertices): PolygonRings[] {
  const m = v.lon.length;
  const edges = new Set<number>();
  for (const ring of rings) {
    for (let k = 0; k < ring.length; k++) {
      const a = ring[k]!;
      const b = ring[(k + 1) % ring.length]!;
      if (edges.delete(b * m + a)) continue;
      if (edges.has(a * m + b)) throw new Error('demo city: overlapping polygons in a union');
      edges.add(a * m + b);
    }
  }
  const out = new Map<number, number[]>();
  for (const key of edges) {
    const a = Math.floor(key / m);
    const list = out.get(a);
    if (list) list.push(key % m);
    else out.set(a, [key % m]);
  }
  const used = new Set<number>();
  const shells: { ring: Ring; area: number }[] = [];
  const holes: Ring[] = [];
  for (const start of edges) {
    if (used.has(start)) continue;
    used.add(start);
    let a = Math.floor(start / m);
    let b = start % m;
    const ring: Ring = [a];
    for (;;) {
      const outs = out.get(b)!;
      const next = outs.length === 1 ? outs[0]! : sharpestLeft(a, b, outs, v);
      const key = b * m + next;
      if (key === start) break;
      if (used.has(key)) throw new Error('demo city: union boundary does not close');
      used.add(key);
      ring.push(b);
      a = b;
      b = next;
    }
    const area = ringArea(ring, v);
    if (area > 0) shells.push({ ring, area });
    else holes.push(ring);
  }
  shells.sort((p, q) => q.area - p.area);
  const polygons: PolygonRings[] = shells.map((s) => [s.ring]);
  for (const hole of holes) {
    const owner = shells.length === 1 ? 0 : ownerOf(hole, shells, v);
    polygons[owner]!.push(hole);
  }
  return polygons;
}

/**
 * Where the boundary touches itself at a vertex, leave by the sharpest left turn: each ring then
 * stays in its own wedge, so a pinch becomes two rings meeting at a point (a shell and a hole,
 * or two shells), which is valid OGC, instead of one self-touching ring, which is not.
 */
function sharpestLeft(a: number, b: number, outs: readonly number[], v: Vertices): number {
  const back = Math.atan2(v.lat[a]! - v.lat[b]!, v.lon[a]! - v.lon[b]!);
  let best = outs[0]!;
  let bestTurn = Infinity;
  for (const c of outs) {
    let turn = back - Math.atan2(v.lat[c]! - v.lat[b]!, v.lon[c]! - v.lon[b]!);
    if (turn <= 0) turn += 2 * Math.PI; // clockwise angle from the way back to the way out
    if (turn < bestTurn) {
      bestTurn = turn;
      best = c;
    }
  }
  return best;
}

/** Twice the signed area, positive when counter-clockwise. */
export function ringArea(ring: readonly number[], v: Vertices): number {
  const x0 = v.lon[ring[0]!]!;
  const y0 = v.lat[ring[0]!]!;
  let s = 0;
  for (let k = 1; k + 1 < ring.length; k++) {
    const ax = v.lon[ring[k]!]! - x0;
    const ay = v.lat[ring[k]!]! - y0;
    s += ax * (v.lat[ring[k + 1]!]! - y0) - ay * (v.lon[ring[k + 1]!]! - x0);
  }
  return s;
}

// The smallest shell containing the midpoint of the hole's first edge (a midpoint cannot lie on
// another ring: rings share vertices, never parts of edges).
function ownerOf(hole: Ring, shells: { ring: Ring; area: number }[], v: Vertices): number {
  const px = (v.lon[hole[0]!]! + v.lon[hole[1]!]!) / 2;
  const py = (v.lat[hole[0]!]! + v.lat[hole[1]!]!) / 2;
  for (let s = shells.length - 1; s >= 0; s--) if (contains(shells[s]!.ring, px, py, v)) return s;
  throw new Error('demo city: a hole outside every shell');
}

function contains(ring: Ring, px: number, py: number, v: Vertices): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = v.lon[ring[i]!]!;
    const yi = v.lat[ring[i]!]!;
    const xj = v.lon[ring[j]!]!;
    const yj = v.lat[ring[j]!]!;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** GeoJSON geometry of a union: a MultiPolygon only when it really falls apart. */
export function toGeometry(polygons: PolygonRings[], v: Vertices): GeoJSON.Polygon | GeoJSON.MultiPolygon {
  const coords = polygons.map((poly) => poly.map((ring) => closed(ring, v)));
  return coords.length === 1
    ? { type: 'Polygon', coordinates: coords[0]! }
    : { type: 'MultiPolygon', coordinates: coords };
}

const closed = (ring: Ring, v: Vertices): GeoJSON.Position[] => {
  const pts = ring.map((id) => position(v.lon[id]!, v.lat[id]!));
  pts.push(pts[0]!);
  return pts;
};
