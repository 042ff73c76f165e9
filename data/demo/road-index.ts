import { covers, alongOf, pointAt, sideDistance, type Road } from './roads';

/**
 * Buckets roads by a coarse square lattice so that "which roads are near this point" costs a
 * hash lookup instead of a scan over hundreds of roads (the 100,000-grid city has ~250).
 */
export class RoadIndex {
  private readonly buckets = new Map<number, number[]>();
  private static readonly none: readonly number[] = [];

  /** `cell` must be at least the largest distance queries care about. */
  constructor(
    readonly roads: readonly Road[],
    private readonly cell: number,
  ) {
    for (const road of roads) {
      const step = cell / 3;
      for (let u = road.u0; ; u += step) {
        const [x, y] = pointAt(road, Math.min(u, road.u1));
        const cx = Math.floor(x / cell);
        const cy = Math.floor(y / cell);
        for (let dx = -1; dx <= 1; dx++) {
          for (let dy = -1; dy <= 1; dy++) {
            const key = this.key(cx + dx, cy + dy);
            const list = this.buckets.get(key);
            if (!list) this.buckets.set(key, [road.id]);
            else if (!list.includes(road.id)) list.push(road.id);
          }
        }
        if (u >= road.u1) break;
      }
    }
  }

  private key(cx: number, cy: number): number {
    return (cx + 0x8000) * 0x10000 + (cy + 0x8000);
  }

  /** Ids of the roads that may pass within `cell` of (x, y). */
  near(x: number, y: number): readonly number[] {
    return this.buckets.get(this.key(Math.floor(x / this.cell), Math.floor(y / this.cell))) ?? RoadIndex.none;
  }

  /** Is (x, y) closer than `dist` to a road other than `except`, within that road's extent? */
  closeToRoad(x: number, y: number, dist: number, except = -1): boolean {
    for (const id of this.near(x, y)) {
      if (id === except) continue;
      const road = this.roads[id]!;
      if (covers(road, alongOf(road, x, y), dist) && Math.abs(sideDistance(road, x, y)) < dist) return true;
    }
    return false;
  }

  /** Does the segment between two nearby points cross a road? (Road ends count by the midpoint.) */
  separates(x1: number, y1: number, x2: number, y2: number): boolean {
    const mx = (x1 + x2) / 2;
    const my = (y1 + y2) / 2;
    for (const id of this.near(mx, my)) {
      const road = this.roads[id]!;
      if (!covers(road, alongOf(road, mx, my))) continue;
      if (sideDistance(road, x1, y1) > 0 !== sideDistance(road, x2, y2) > 0) return true;
    }
    return false;
  }
}
