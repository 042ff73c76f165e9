import { describe, expect, it } from 'vitest';
import {
  balanceIndex,
  balanceTable,
  dissolvedPerimeter,
  gridValues,
  neighbourMap,
  parts,
  polsbyPopper,
  type Adjacent,
  type GridStats,
} from '../../api/domain/zone-balance';
import { autoBalance } from '../../api/domain/zone-autobalance';

/** A w×h lattice of 1 km squares: id = y·w + x + 1, 4 km perimeter each, 1 km shared per edge. */
function lattice(w: number, h: number, f: (x: number, y: number) => Partial<GridStats> = () => ({})) {
  const grids: GridStats[] = [];
  const adjacency: Adjacent[] = [];
  const id = (x: number, y: number) => y * w + x + 1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      grids.push({
        id: id(x, y),
        areaKm2: 1,
        perimeterKm: 4,
        open: 0,
        recent: 0,
        undercover: 0,
        overdue: 0,
        patrols: 0,
        ...f(x, y),
      });
      if (x + 1 < w) adjacency.push({ a: id(x, y), b: id(x + 1, y), sharedKm: 1 });
      if (y + 1 < h) adjacency.push({ a: id(x, y), b: id(x, y + 1), sharedKm: 1 });
    }
  return { grids, adjacency, id };
}

describe('balance formulas on worked numbers (docs/ZONES.md)', () => {
  it('balance index = 100 · (1 − min(1, σ/μ))', () => {
    expect(balanceIndex([10, 10, 10])).toBe(100);
    // loads 6, 10, 14: μ = 10, σ = √(32/3) = 3.266, CV = 0.3266 → 67.34
    expect(balanceIndex([6, 10, 14])).toBeCloseTo(67.34, 2);
    // loads 0, 20: μ = 10, σ = 10 → CV 1 → 0; more spread is clipped at 0
    expect(balanceIndex([0, 20])).toBe(0);
    expect(balanceIndex([0, 0, 30])).toBe(0);
    expect(balanceIndex([5])).toBe(100);
  });

  it('Polsby–Popper 4πA/P²: a square is π/4, a 2×1 rectangle 2π/9', () => {
    expect(polsbyPopper(1, 4)).toBeCloseTo(Math.PI / 4, 10);
    expect(polsbyPopper(2, 6)).toBeCloseTo((2 * Math.PI) / 9, 10); // 0.698
    expect(polsbyPopper(1, 0)).toBe(0);
  });

  it('dissolved perimeter and parts from shared boundaries', () => {
    const { grids, adjacency, id } = lattice(3, 3);
    const nb = neighbourMap(adjacency);
    const per = (g: number) => grids[g - 1]!.perimeterKm;
    // a 2×2 block: 4·4 − 2·4 shared = 8
    expect(dissolvedPerimeter([id(0, 0), id(1, 0), id(0, 1), id(1, 1)], per, nb)).toBe(8);
    expect(parts([id(0, 0), id(1, 0)], nb)).toBe(1);
    expect(parts([id(0, 0), id(2, 2)], nb)).toBe(2);
    expect(parts([id(0, 0), id(1, 1)], nb)).toBe(2); // a corner touch is no neighbour
  });

  it('weighted variable divides each variable by its mean', () => {
    const { grids } = lattice(2, 1, (x) => ({ recent: x === 0 ? 3 : 1 }));
    // recent mean 2: grid 1 → 1 + 3/2 = 2.5, grid 2 → 1 + 1/2 = 1.5
    const v = gridValues(grids, { grids: 1, recent: 1 });
    expect(v.get(1)).toBe(2.5);
    expect(v.get(2)).toBe(1.5);
  });

  it('the table: before → after per unit, with index, compactness and contiguity', () => {
    // 4×1 strip, problems 1,1,1,5; A holds 1–3, B holds 4. Move grid 3 to B.
    const { grids, adjacency } = lattice(4, 1, (x) => ({ open: x === 3 ? 5 : 1, overdue: x === 3 ? 1 : 0 }));
    const before = new Map([
      [1, 10],
      [2, 10],
      [3, 10],
      [4, 20],
    ]);
    const after = new Map(before).set(3, 20);
    const t = balanceTable(grids, adjacency, before, after, { open: 1 });
    const a = t.units.find((u) => u.unitId === 10)!;
    const b = t.units.find((u) => u.unitId === 20)!;
    expect(a.before).toMatchObject({ grids: 3, areaKm2: 3, open: 3, parts: 1 });
    expect(b.after).toMatchObject({ grids: 2, open: 6, overdue: 1, parts: 1 });
    expect(b.after.overdueShare).toBeCloseTo(1 / 6, 10);
    // open mean 2: loads before 1.5 vs 2.5 → CV 0.25 → 75; after 1 vs 3 → CV 0.5 → 50
    expect(t.index.before).toBeCloseTo(75, 10);
    expect(t.index.after).toBeCloseTo(50, 10);
    // A before: a 3×1 strip, P = 8, PP = 4π·3/64 = 0.589
    expect(a.before.compactness).toBeCloseTo((4 * Math.PI * 3) / 64, 10);
    // giving B grid 1 instead would split A's neighbour… B = {1, 4}: two parts
    const split = balanceTable(grids, adjacency, before, new Map(before).set(1, 20), { open: 1 });
    expect(split.units.find((u) => u.unitId === 20)!.after.parts).toBe(2);
  });

  it('with a memo, the edits of a draft give the tables computed from scratch', () => {
    // 3×3, three units by column; each edit moves other grids; then the leads themselves change
    const { grids, adjacency } = lattice(3, 3, (x, y) => ({ open: x + 2 * y, recent: (x * y) % 3 }));
    const nb = neighbourMap(adjacency);
    const before = new Map(grids.map((g) => [g.id, 10 * (((g.id - 1) % 3) + 1)]));
    const memo = {};
    const edits = [new Map(before).set(2, 10), new Map(before).set(5, 30).set(9, 10), new Map(before)];
    for (const after of edits)
      expect(balanceTable(grids, nb, before, after, { open: 1, recent: 2 }, memo)).toEqual(
        balanceTable(grids, nb, before, after, { open: 1, recent: 2 }),
      );
    const moved = new Map(before).set(1, 20); // an apply elsewhere changed the base leads
    const after = new Map(moved).set(3, 10);
    expect(balanceTable(grids, nb, moved, after, { open: 1, recent: 2 }, memo)).toEqual(
      balanceTable(grids, nb, moved, after, { open: 1, recent: 2 }),
    );
  });
});

describe('auto-balance on a lattice', () => {
  // 8×8, load concentrated in the west: unit 1 holds columns 0–5, unit 2 column 6, unit 3 column 7
  const { grids, adjacency, id } = lattice(8, 8, (x) => ({ recent: x < 3 ? 4 : 1 }));
  const nb = neighbourMap(adjacency);
  const values = gridValues(grids, { recent: 1 });
  const bg = grids.map((g) => ({
    id: g.id,
    value: values.get(g.id)!,
    x: (g.id - 1) % 8,
    y: Math.floor((g.id - 1) / 8),
  }));
  const current = new Map(grids.map((g) => [g.id, (g.id - 1) % 8 < 6 ? 1 : (g.id - 1) % 8 === 6 ? 2 : 3]));
  const run = (seed: number, lockedGrids = new Set<number>(), lockedUnits = new Set<number>()) =>
    autoBalance({ grids: bg, nb, units: [1, 2, 3], current, lockedGrids, lockedUnits, seed });

  it('improves the index and keeps every zone in one part', () => {
    const r = run(7);
    expect(r.indexAfter).toBeGreaterThan(r.indexBefore + 20);
    for (const u of [1, 2, 3]) {
      const own = [...r.assignment].filter(([, x]) => x === u).map(([g]) => g);
      expect(own.length).toBeGreaterThan(0);
      expect(parts(own, nb), `unit ${u}`).toBe(1);
    }
    expect(r.assignment.size).toBe(64);
  });

  it('is deterministic for a seed', () => {
    expect([...run(42).assignment]).toEqual([...run(42).assignment]);
  });

  it('never moves a locked grid or a locked unit', () => {
    const lockedGrid = id(0, 0);
    const r = run(3, new Set([lockedGrid]), new Set([3]));
    expect(r.assignment.get(lockedGrid)).toBe(1);
    const col7 = grids.filter((g) => (g.id - 1) % 8 === 7).map((g) => g.id);
    expect(col7.every((g) => r.assignment.get(g) === 3)).toBe(true);
    expect([...r.assignment].filter(([, u]) => u === 3)).toHaveLength(8);
    expect(r.indexAfter).toBeGreaterThan(r.indexBefore);
  });
});
