import { Delaunay } from 'd3-delaunay';
import { keyE7, latE7, lonE7 } from './geo';
import { ringArea } from './union';

// Voronoi edges shorter than this are collapsed to a point. Four nearly co-circular seeds (every
// mirrored pair next to the next one is such a quadruple) give edges of a few millimetres, which
// 7-decimal rounding could otherwise fold into a tiny bow-tie.
const COLLAPSE_M = 0.25;

/**
 * The Voronoi diagram of the seeds, built from the Delaunay triangulation: cell vertices are
 * triangle circumcentres, identified by a vertex id shared by every cell that touches them, so
 * neighbouring cells agree bit for bit and unions reduce to cancelling shared edges.
 */
export class VoronoiMesh {
  readonly n: number;
  readonly triangles: Uint32Array;
  readonly halfedges: Int32Array;
  readonly inedges: Int32Array;
  readonly hull: Uint32Array;
  /** E7 lon/lat of each vertex id */
  readonly lon: number[] = [];
  readonly lat: number[] = [];
  private readonly cx: Float64Array;
  private readonly cy: Float64Array;
  private readonly parent: Int32Array;
  private readonly vid: Int32Array;
  private readonly byKey = new Map<number, number>();

  constructor(
    readonly px: Float64Array,
    readonly py: Float64Array,
  ) {
    this.n = px.length;
    const coords = new Float64Array(2 * this.n);
    for (let i = 0; i < this.n; i++) {
      coords[2 * i] = px[i]!;
      coords[2 * i + 1] = py[i]!;
    }
    const d = new Delaunay(coords);
    this.triangles = d.triangles;
    this.halfedges = d.halfedges;
    this.inedges = d.inedges;
    this.hull = d.hull;
    const nt = this.triangles.length / 3;
    this.cx = new Float64Array(nt);
    this.cy = new Float64Array(nt);
    for (let t = 0; t < nt; t++) this.circumcentre(t);
    this.parent = new Int32Array(nt);
    for (let t = 0; t < nt; t++) this.parent[t] = t;
    for (let e = 0; e < this.halfedges.length; e++) {
      const o = this.halfedges[e]!;
      if (o < e) continue;
      const t1 = Math.floor(e / 3);
      const t2 = Math.floor(o / 3);
      if (Math.hypot(this.cx[t1]! - this.cx[t2]!, this.cy[t1]! - this.cy[t2]!) < COLLAPSE_M) this.join(t1, t2);
    }
    this.vid = new Int32Array(nt).fill(-1);
  }

  private circumcentre(t: number): void {
    const a = this.triangles[3 * t]!;
    const b = this.triangles[3 * t + 1]!;
    const c = this.triangles[3 * t + 2]!;
    const ax = this.px[a]!;
    const ay = this.py[a]!;
    const dx = this.px[b]! - ax;
    const dy = this.py[b]! - ay;
    const ex = this.px[c]! - ax;
    const ey = this.py[c]! - ay;
    const bl = dx * dx + dy * dy;
    const cl = ex * ex + ey * ey;
    const det = 2 * (dx * ey - dy * ex);
    // Degenerate (collinear) triangles exist only on the hull, far outside the kept cells.
    this.cx[t] = det === 0 ? Infinity : ax + (ey * bl - dy * cl) / det;
    this.cy[t] = det === 0 ? Infinity : ay + (dx * cl - ex * bl) / det;
  }

  private find(t: number): number {
    let r = t;
    while (this.parent[r] !== r) r = this.parent[r]!;
    while (this.parent[t] !== r) {
      const next = this.parent[t]!;
      this.parent[t] = r;
      t = next;
    }
    return r;
  }

  private join(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    // The lower index wins, so the representative (and its coordinates) never depends on order.
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }

  /** Vertex id of triangle t's circumcentre after collapsing and rounding. */
  vertexOf(t: number): number {
    const known = this.vid[t]!;
    if (known >= 0) return known;
    const root = this.find(t);
    const lon = lonE7(this.cx[root]!);
    const lat = latE7(this.cy[root]!);
    const key = keyE7(lon, lat);
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.lon.length;
      this.byKey.set(key, id);
      this.lon.push(lon);
      this.lat.push(lat);
    }
    this.vid[t] = id;
    return id;
  }

  /**
   * Halfedges pointing into seed i, in order around it (each one's triangle is a corner of the
   * cell, and its source is the neighbour across the next cell edge), or null for a hull seed.
   */
  spokes(i: number): number[] | null {
    const e0 = this.inedges[i]!;
    if (e0 === -1) return null;
    const out: number[] = [];
    let e = e0;
    do {
      out.push(e);
      e = this.halfedges[e % 3 === 2 ? e - 2 : e + 1]!;
    } while (e !== e0 && e !== -1);
    return e === -1 ? null : out;
  }

  /** The Voronoi edge between seed i and the source of spoke e, as two vertex ids (maybe equal). */
  edgeOf(e: number): [number, number] {
    return [this.vertexOf(Math.floor(e / 3)), this.vertexOf(Math.floor(this.halfedges[e]! / 3))];
  }

  /**
   * The cell of seed i as a counter-clockwise ring of vertex ids (not repeated at the end), or
   * null for an unbounded hull cell.
   */
  cellRing(i: number): number[] | null {
    const spokes = this.spokes(i);
    if (!spokes) return null;
    const ring: number[] = [];
    for (const e of spokes) {
      const v = this.vertexOf(Math.floor(e / 3));
      if (ring[ring.length - 1] !== v) ring.push(v);
    }
    while (ring.length > 1 && ring[0] === ring[ring.length - 1]) ring.pop();
    if (ring.length < 3) throw new Error(`demo city: degenerate cell ${i}`);
    if (ringArea(ring, this) < 0) ring.reverse();
    return ring;
  }
}
