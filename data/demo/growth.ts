/** A graph of areas with a position and a weight each (cells, or communities weighted by size). */
export interface WeightedGraph {
  n: number;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  w: ArrayLike<number>;
  adj: readonly (readonly number[])[];
}

/**
 * Splits a connected graph into k connected regions of about equal weight: regions grow from
 * spread-out seeds, the lightest region always taking its nearest free neighbour next (growth
 * keeps regions connected; lightest-first keeps them balanced). A few Lloyd rounds then move each
 * seed to its region's centre, which makes regions compact, as real districts are.
 */
export function balancedRegions(g: WeightedGraph, k: number, rounds = 3): Int32Array {
  if (k <= 1 || g.n <= 1) return new Int32Array(g.n);
  let seeds = spreadSeeds(g, Math.min(k, g.n));
  let region = grow(g, seeds);
  for (let r = 0; r < rounds; r++) {
    seeds = recentre(g, region, seeds.length);
    region = grow(g, seeds);
  }
  return region;
}

const dist2 = (g: WeightedGraph, i: number, x: number, y: number) => (g.x[i]! - x) ** 2 + (g.y[i]! - y) ** 2;

// Farthest-point sampling, starting from the node farthest from the weighted centre.
function spreadSeeds(g: WeightedGraph, k: number): number[] {
  let sx = 0,
    sy = 0,
    sw = 0;
  for (let i = 0; i < g.n; i++) {
    sx += g.x[i]! * g.w[i]!;
    sy += g.y[i]! * g.w[i]!;
    sw += g.w[i]!;
  }
  const near = new Float64Array(g.n).fill(Infinity);
  let pick = 0;
  for (let i = 0; i < g.n; i++) if (dist2(g, i, sx / sw, sy / sw) > dist2(g, pick, sx / sw, sy / sw)) pick = i;
  const seeds: number[] = [];
  while (seeds.length < k) {
    seeds.push(pick);
    let far = -1;
    for (let i = 0; i < g.n; i++) {
      near[i] = Math.min(near[i]!, dist2(g, i, g.x[pick]!, g.y[pick]!));
      if (far < 0 || near[i]! > near[far]!) far = i;
    }
    pick = far;
  }
  return seeds;
}

function recentre(g: WeightedGraph, region: Int32Array, k: number): number[] {
  const sx = new Float64Array(k),
    sy = new Float64Array(k),
    sw = new Float64Array(k);
  for (let i = 0; i < g.n; i++) {
    const r = region[i]!;
    sx[r] = sx[r]! + g.x[i]! * g.w[i]!;
    sy[r] = sy[r]! + g.y[i]! * g.w[i]!;
    sw[r] = sw[r]! + g.w[i]!;
  }
  const best = new Int32Array(k).fill(-1);
  for (let i = 0; i < g.n; i++) {
    const r = region[i]!;
    const cx = sx[r]! / sw[r]!,
      cy = sy[r]! / sw[r]!;
    if (best[r]! < 0 || dist2(g, i, cx, cy) < dist2(g, best[r]!, cx, cy)) best[r] = i;
  }
  return Array.from(best);
}

function grow(g: WeightedGraph, seeds: readonly number[]): Int32Array {
  const k = seeds.length;
  const region = new Int32Array(g.n).fill(-1);
  const weight = new Float64Array(k);
  const heaps = seeds.map(() => new MinHeap());
  const done = new Uint8Array(k);
  const take = (i: number, r: number) => {
    region[i] = r;
    weight[r] = weight[r]! + g.w[i]!;
    const s = seeds[r]!;
    for (const j of g.adj[i]!) if (region[j] === -1) heaps[r]!.push(dist2(g, j, g.x[s]!, g.y[s]!), j);
  };
  seeds.forEach((s, r) => take(s, r));
  for (;;) {
    let r = -1;
    for (let q = 0; q < k; q++) if (!done[q] && (r < 0 || weight[q]! < weight[r]!)) r = q;
    if (r < 0) break;
    const heap = heaps[r]!;
    let next = -1;
    while (heap.size > 0 && next < 0) {
      const j = heap.pop();
      if (region[j] === -1) next = j;
    }
    if (next < 0)
      done[r] = 1; // boxed in for good: its free frontier can only shrink
    else take(next, r);
  }
  // The graph is connected, so nothing is left over; this guards the invariant anyway.
  if (region.includes(-1)) throw new Error('demo city: disconnected area graph');
  return region;
}

/** Binary min-heap of (key, node). */
class MinHeap {
  private keys: number[] = [];
  private vals: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  push(key: number, val: number): void {
    let i = this.keys.length;
    this.keys.push(key);
    this.vals.push(val);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.keys[p]! <= key) break;
      this.keys[i] = this.keys[p]!;
      this.vals[i] = this.vals[p]!;
      i = p;
    }
    this.keys[i] = key;
    this.vals[i] = val;
  }
  pop(): number {
    const top = this.vals[0]!;
    const key = this.keys.pop()!;
    const val = this.vals.pop()!;
    const n = this.keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && this.keys[c + 1]! < this.keys[c]!) c++;
        if (this.keys[c]! >= key) break;
        this.keys[i] = this.keys[c]!;
        this.vals[i] = this.vals[c]!;
        i = c;
      }
      this.keys[i] = key;
      this.vals[i] = val;
    }
    return top;
  }
}
