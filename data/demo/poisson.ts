import type { RoadIndex } from './road-index';
import type { Rng } from './random';

/** Seed points with their spacing radius, bucketed for "anything too close?" queries. */
export class PointGrid {
  readonly xs: number[] = [];
  readonly ys: number[] = [];
  readonly rs: number[] = [];
  private readonly next: number[] = [];
  private readonly head: Int32Array;
  private readonly size: number;

  constructor(
    private readonly reach: number,
    private readonly cell: number,
    private readonly rMax: number,
  ) {
    this.size = Math.ceil((2 * reach) / cell) + 1;
    this.head = new Int32Array(this.size * this.size).fill(-1);
  }

  get count(): number {
    return this.xs.length;
  }

  private cellOf(v: number): number {
    return Math.min(this.size - 1, Math.max(0, Math.floor((v + this.reach) / this.cell)));
  }

  add(x: number, y: number, r: number): void {
    const i = this.xs.length;
    this.xs.push(x);
    this.ys.push(y);
    this.rs.push(r);
    const c = this.cellOf(y) * this.size + this.cellOf(x);
    this.next.push(this.head[c]!);
    this.head[c] = i;
  }

  /** Is some point closer than factor·½(r + its own radius)? */
  crowded(x: number, y: number, r: number, factor: number): boolean {
    const span = Math.ceil((factor * 0.5 * (r + this.rMax)) / this.cell);
    const cx = this.cellOf(x);
    const cy = this.cellOf(y);
    for (let gy = Math.max(0, cy - span); gy <= Math.min(this.size - 1, cy + span); gy++) {
      for (let gx = Math.max(0, cx - span); gx <= Math.min(this.size - 1, cx + span); gx++) {
        for (let i = this.head[gy * this.size + gx]!; i !== -1; i = this.next[i]!) {
          const need = factor * 0.5 * (r + this.rs[i]!);
          const dx = this.xs[i]! - x;
          const dy = this.ys[i]! - y;
          if (dx * dx + dy * dy < need * need) return true;
        }
      }
    }
    return false;
  }
}

/**
 * Bridson's Poisson-disc sampling with a spacing that varies over the city, grown outward from
 * the points already placed along the roads. Blue noise gives irregular but well-shaped Voronoi
 * cells (no slivers), which a jittered lattice would not. Points keep clear of road lines, where
 * the mirrored pairs alone should decide the cell edges.
 */
export function fillPoisson(
  rng: Rng,
  grid: PointGrid,
  radiusAt: (x: number, y: number) => number,
  inRegion: (x: number, y: number) => boolean,
  roads: RoadIndex,
): void {
  const tries = 12;
  const active: number[] = [];
  for (let i = 0; i < grid.count; i++) active.push(i);
  if (active.length === 0) {
    grid.add(0, 0, radiusAt(0, 0));
    active.push(0);
  }
  while (active.length > 0) {
    const slot = Math.floor(rng() * active.length);
    const p = active[slot]!;
    const px = grid.xs[p]!;
    const py = grid.ys[p]!;
    const pr = grid.rs[p]!;
    let placed = false;
    for (let t = 0; t < tries && !placed; t++) {
      const angle = 2 * Math.PI * rng();
      const dist = pr * (1 + rng());
      const x = px + dist * Math.cos(angle);
      const y = py + dist * Math.sin(angle);
      if (!inRegion(x, y)) continue;
      const r = radiusAt(x, y);
      if (grid.crowded(x, y, r, 1) || roads.closeToRoad(x, y, 0.45 * r)) continue;
      active.push(grid.count);
      grid.add(x, y, r);
      placed = true;
    }
    if (!placed) {
      active[slot] = active[active.length - 1]!;
      active.pop();
    }
  }
}
