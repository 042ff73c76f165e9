/**
 * Plain-TypeScript versions of the checks PostGIS makes on import (ST_IsValid and friends), so
 * that the generator's geometry can be tested without a database. Coordinates are compared as
 * integers of 1e-7°, where every orientation test is exact.
 */
type Pt = [number, number];
interface Seg {
  a: Pt;
  b: Pt;
}

const orient = (a: Pt, b: Pt, c: Pt) => Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
const same = (p: Pt, q: Pt) => p[0] === q[0] && p[1] === q[1];
const within = (p: Pt, a: Pt, b: Pt) =>
  Math.min(a[0], b[0]) <= p[0] &&
  p[0] <= Math.max(a[0], b[0]) &&
  Math.min(a[1], b[1]) <= p[1] &&
  p[1] <= Math.max(a[1], b[1]);

/** Do two segments share more than endpoints they have in common? */
export function segmentsConflict(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  const o1 = orient(c, d, a),
    o2 = orient(c, d, b),
    o3 = orient(a, b, c),
    o4 = orient(a, b, d);
  if (o1 * o2 < 0 && o3 * o4 < 0) return true;
  if (o1 === 0 && o2 === 0) {
    // Collinear: they conflict when they overlap in more than one point.
    const axis = a[0] !== b[0] ? 0 : 1;
    const lo = Math.max(Math.min(a[axis], b[axis]), Math.min(c[axis], d[axis]));
    const hi = Math.min(Math.max(a[axis], b[axis]), Math.max(c[axis], d[axis]));
    return hi > lo;
  }
  // A vertex lying on the other segment, other than at a shared endpoint.
  const touches = (p: Pt, q1: Pt, q2: Pt, o: number) => o === 0 && within(p, q1, q2) && !same(p, q1) && !same(p, q2);
  return touches(a, c, d, o1) || touches(b, c, d, o2) || touches(c, a, b, o3) || touches(d, a, b, o4);
}

/** Twice the signed area of a closed ring (positive: counter-clockwise). */
export function ringArea2(ring: readonly Pt[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    s +=
      (ring[i]![0] - ring[0]![0]) * (ring[i + 1]![1] - ring[0]![1]) -
      (ring[i]![1] - ring[0]![1]) * (ring[i + 1]![0] - ring[0]![0]);
  return s;
}

function inside(p: Pt, ring: readonly Pt[]): boolean {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!,
      [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

/** Problems of one polygon (RFC 7946 orientation included); empty when valid. */
export function polygonProblems(coords: GeoJSON.Position[][]): string[] {
  const problems: string[] = [];
  if (coords.length === 0) return ['no rings'];
  const origin = coords[0]![0] ?? [0, 0];
  const rings = coords.map((r) =>
    r.map((p): Pt => [Math.round((p[0]! - origin[0]!) * 1e7), Math.round((p[1]! - origin[1]!) * 1e7)]),
  );
  const segs: Seg[] = [];
  rings.forEach((ring, r) => {
    const name = r === 0 ? 'shell' : `hole ${r}`;
    if (ring.length < 4) problems.push(`${name}: fewer than 4 positions`);
    if (!same(ring[0]!, ring[ring.length - 1]!)) problems.push(`${name}: not closed`);
    const seen = new Set<string>();
    for (let i = 0; i + 1 < ring.length; i++) {
      const key = ring[i]!.join(',');
      if (seen.has(key)) problems.push(`${name}: passes vertex ${key} twice`);
      seen.add(key);
      segs.push({ a: ring[i]!, b: ring[i + 1]! });
    }
    const area = ringArea2(ring);
    if (r === 0 ? area <= 0 : area >= 0) problems.push(`${name}: wrong orientation`);
    if (r > 0 && ring.length > 1 && !inside(midpoint(ring), rings[0]!)) problems.push(`${name}: outside the shell`);
  });
  // Sweep over x so that large rings stay cheap.
  segs.sort((s, t) => Math.min(s.a[0], s.b[0]) - Math.min(t.a[0], t.b[0]));
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    const sMax = Math.max(s.a[0], s.b[0]);
    for (let j = i + 1; j < segs.length && Math.min(segs[j]!.a[0], segs[j]!.b[0]) <= sMax; j++) {
      const t = segs[j]!;
      // Shared endpoints are fine (neighbouring segments, rings touching at a point); a spike
      // (there and straight back) shows up as a collinear overlap.
      if (segmentsConflict(s.a, s.b, t.a, t.b)) {
        problems.push(`segments cross or overlap near ${s.a.join(',')}`);
        if (problems.length > 10) return problems;
      }
    }
  }
  return problems;
}

const midpoint = (ring: readonly Pt[]): Pt => [(ring[0]![0] + ring[1]![0]) / 2, (ring[0]![1] + ring[1]![1]) / 2];

/** Problems of a Polygon or MultiPolygon geometry; parts of a MultiPolygon must not overlap. */
export function geometryProblems(g: GeoJSON.Polygon | GeoJSON.MultiPolygon): string[] {
  if (g.type === 'Polygon') return polygonProblems(g.coordinates);
  const problems = g.coordinates.flatMap((p, i) => polygonProblems(p).map((m) => `part ${i + 1}: ${m}`));
  if (problems.length > 0) return problems;
  // Parts may touch at points but not cross, and none may lie inside another's shell.
  if (polygonProblems(g.coordinates.flat()).some((m) => m.startsWith('segments')))
    problems.push('parts cross or overlap');
  const origin = g.coordinates[0]![0]![0]!;
  const toPts = (r: GeoJSON.Position[]) =>
    r.map((p): Pt => [Math.round((p[0]! - origin[0]!) * 1e7), Math.round((p[1]! - origin[1]!) * 1e7)]);
  g.coordinates.forEach((a, i) =>
    g.coordinates.forEach((b, j) => {
      if (i === j) return;
      const probe = midpoint(toPts(b[0]!));
      if (inside(probe, toPts(a[0]!)) && !a.slice(1).some((h) => inside(probe, toPts(h))))
        problems.push(`part ${j + 1} lies inside part ${i + 1}`);
    }),
  );
  return problems;
}
