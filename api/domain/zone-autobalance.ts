import { mulberry32 } from './random';
import { balanceIndex, type Neighbours } from './zone-balance';

/**
 * Auto-balance (issue 13, docs/ZONES.md "Auto-balance"): seeded region growing followed by
 * local boundary swaps, the two phases of the classic districting heuristics (Vickrey 1961's
 * growing, Kernighan–Lin/Bozkaya-style single-unit moves restricted to the boundary). Chosen
 * because both keep every zone connected by construction, are deterministic for a seed, respect
 * locks trivially (locked grids and locked units' grids never enter the moves) and run in
 * O(n · passes) on 10,000 grids. Pure: the weighted value of each grid, its label point and the
 * adjacency come in as data.
 */
export interface BalanceGrid {
  id: number;
  /** the weighted variable of the grid (zone-balance.ts gridValues) */
  value: number;
  /** label point, for distances (degrees are fine: only comparisons) */
  x: number;
  y: number;
}

export interface AutoBalanceInput {
  grids: BalanceGrid[];
  nb: Neighbours;
  /** the units to balance among (ascending ids are used; order does not matter) */
  units: number[];
  /** grid → lead unit now (grids of the units above; a grid with no lead is free to take) */
  current: Map<number, number>;
  lockedGrids: Set<number>;
  lockedUnits: Set<number>;
  seed: number;
  /** boundary-swap passes at most (default 100) */
  maxPasses?: number;
  onProgress?: (p: { phase: 'grow' | 'swap'; done: number; total: number; index: number }) => void;
}

export interface AutoBalanceResult {
  assignment: Map<number, number>;
  indexBefore: number;
  indexAfter: number;
  moves: number;
  passes: number;
}

/** The seeded generator of the auto-balance: the code base's one (domain/random.ts). */
export const prng = mulberry32;

const loadsOf = (assignment: Map<number, number>, units: number[], value: Map<number, number>) => {
  const loads = new Map(units.map((u) => [u, 0]));
  for (const [g, u] of assignment) if (loads.has(u)) loads.set(u, loads.get(u)! + (value.get(g) ?? 0));
  return loads;
};

/** Is `members` minus `without` still one connected piece? */
function staysConnected(members: Set<number>, without: number, nb: Neighbours): boolean {
  if (members.size <= 1) return false;
  const start = (nb.get(without) ?? []).find((e) => members.has(e.id))?.id;
  if (start === undefined) return false;
  const seen = new Set([without, start]);
  const stack = [start];
  while (stack.length) {
    const g = stack.pop()!;
    for (const e of nb.get(g) ?? []) {
      if (members.has(e.id) && !seen.has(e.id)) {
        seen.add(e.id);
        stack.push(e.id);
      }
    }
  }
  return seen.size === members.size;
}

export function autoBalance(input: AutoBalanceInput): AutoBalanceResult {
  const { nb, lockedGrids, lockedUnits, current } = input;
  const rand = prng(input.seed);
  const units = [...new Set(input.units)].sort((a, b) => a - b);
  const unitSet = new Set(units);
  const free = units.filter((u) => !lockedUnits.has(u));
  const byId = new Map(input.grids.map((g) => [g.id, g]));
  const value = new Map(input.grids.map((g) => [g.id, g.value]));
  const ids = input.grids.map((g) => g.id).sort((a, b) => a - b);
  const before = new Map([...current].filter(([g, u]) => unitSet.has(u) && byId.has(g)));
  const indexBefore = balanceIndex([...loadsOf(before, units, value).values()]);

  // 1. Fixed: grids of locked units and locked grids stay where they are.
  const result = new Map<number, number>();
  for (const g of ids) {
    const u = current.get(g);
    if (u !== undefined && unitSet.has(u) && (lockedUnits.has(u) || lockedGrids.has(g))) result.set(g, u);
  }

  // 2. Seeds: per free unit, one of its current grids near the centre of its zone (the seed picks
  //    among the closest third); a unit without grids draws one of the unassigned grids.
  const seedOf = new Map<number, number>();
  const taken = (g: number) => result.has(g) || [...seedOf.values()].includes(g);
  for (const u of free) {
    const own = ids.filter((g) => before.get(g) === u && (!result.has(g) || result.get(g) === u));
    let pick: number | undefined;
    if (own.length) {
      const cx = own.reduce((s, g) => s + byId.get(g)!.x, 0) / own.length;
      const cy = own.reduce((s, g) => s + byId.get(g)!.y, 0) / own.length;
      const ranked = own
        .map((g) => ({ g, d: (byId.get(g)!.x - cx) ** 2 + (byId.get(g)!.y - cy) ** 2 }))
        .sort((a, b) => a.d - b.d || a.g - b.g);
      pick = ranked[Math.floor(rand() * Math.ceil(ranked.length / 3))]!.g;
    } else {
      const open = ids.filter((g) => !taken(g));
      if (open.length) pick = open[Math.floor(rand() * open.length)];
    }
    if (pick !== undefined) {
      seedOf.set(u, pick);
      result.set(pick, u);
    }
  }

  // 3. Region growing: the least-loaded unit with an unassigned neighbouring grid takes the one
  //    nearest its seed (ties by id), until no unit can grow.
  const loads = loadsOf(result, units, value);
  const frontier = new Map<number, Set<number>>(free.map((u) => [u, new Set<number>()]));
  const extend = (u: number, g: number) => {
    for (const e of nb.get(g) ?? []) if (byId.has(e.id) && !result.has(e.id)) frontier.get(u)?.add(e.id);
  };
  for (const [g, u] of result) if (frontier.has(u)) extend(u, g);
  const toAssign = ids.filter((g) => !result.has(g)).length;
  let grown = 0;
  for (;;) {
    let best: number | undefined;
    for (const u of free) {
      const f = frontier.get(u)!;
      for (const g of f) if (result.has(g)) f.delete(g);
      if (!f.size) continue;
      if (best === undefined || loads.get(u)! < loads.get(best)!) best = u;
    }
    if (best === undefined) break;
    const s = byId.get(seedOf.get(best)!)!;
    let pick = -1;
    let pickD = Infinity;
    for (const g of frontier.get(best)!) {
      const p = byId.get(g)!;
      const d = (p.x - s.x) ** 2 + (p.y - s.y) ** 2;
      if (d < pickD || (d === pickD && g < pick)) {
        pick = g;
        pickD = d;
      }
    }
    result.set(pick, best);
    loads.set(best, loads.get(best)! + value.get(pick)!);
    extend(best, pick);
    grown++;
    if (grown % 500 === 0) input.onProgress?.({ phase: 'grow', done: grown, total: toAssign, index: NaN });
  }
  // Grids no seed could reach (an island without a seed) keep their unit, or go to the least loaded.
  for (const g of ids) {
    if (result.has(g)) continue;
    const keep = before.get(g);
    const u =
      keep !== undefined && !lockedUnits.has(keep)
        ? keep
        : free.reduce((a, b) => (loads.get(b)! < loads.get(a)! ? b : a), free[0]!);
    if (u === undefined) continue;
    result.set(g, u);
    loads.set(u, loads.get(u)! + value.get(g)!);
  }
  input.onProgress?.({ phase: 'grow', done: toAssign, total: toAssign, index: balanceIndex([...loads.values()]) });

  // 4. Boundary swaps on the grown zones; when they end below where the planner started (the
  //    current zones were better than any grown from seeds), the same swaps from the current zones.
  const grownRun = swaps(result, loads, ids, value, input, maxPassesOf(input));
  let best = grownRun;
  if (grownRun.index < indexBefore && ids.every((g) => before.has(g))) {
    const fromCurrent = swaps(new Map(before), loadsOf(before, units, value), ids, value, input, maxPassesOf(input));
    if (fromCurrent.index > grownRun.index) best = fromCurrent;
  }
  return { assignment: best.assignment, indexBefore, indexAfter: best.index, moves: best.moves, passes: best.passes };
}

const maxPassesOf = (i: AutoBalanceInput) => i.maxPasses ?? 100;

/**
 * Moves a boundary grid to a neighbouring unit when that lowers Σ(L − μ)² (i.e. L_from − L_to >
 * v), the giver stays connected and nothing locked moves; passes until none moves.
 */
function swaps(
  result: Map<number, number>,
  loads: Map<number, number>,
  ids: number[],
  value: Map<number, number>,
  input: AutoBalanceInput,
  maxPasses: number,
) {
  const { nb, lockedGrids, lockedUnits } = input;
  const members = new Map<number, Set<number>>([...loads.keys()].map((u) => [u, new Set<number>()]));
  for (const [g, u] of result) members.get(u)?.add(g);
  let moves = 0;
  let passes = 0;
  for (; passes < maxPasses;) {
    passes++;
    let moved = 0;
    for (const g of ids) {
      if (lockedGrids.has(g)) continue;
      const from = result.get(g);
      if (from === undefined || lockedUnits.has(from) || !loads.has(from)) continue;
      const v = value.get(g)!;
      let to: number | undefined;
      for (const e of nb.get(g) ?? []) {
        const u = result.get(e.id);
        if (u === undefined || u === from || lockedUnits.has(u) || !loads.has(u)) continue;
        if (loads.get(from)! - loads.get(u)! > v && (to === undefined || loads.get(u)! < loads.get(to)!)) to = u;
      }
      if (to === undefined || !staysConnected(members.get(from)!, g, nb)) continue;
      result.set(g, to);
      members.get(from)!.delete(g);
      members.get(to)!.add(g);
      loads.set(from, loads.get(from)! - v);
      loads.set(to, loads.get(to)! + v);
      moved++;
    }
    moves += moved;
    input.onProgress?.({ phase: 'swap', done: passes, total: maxPasses, index: balanceIndex([...loads.values()]) });
    if (!moved) break;
  }
  return { assignment: result, index: balanceIndex([...loads.values()]), moves, passes };
}
