/**
 * The zone editor's balance figures (issue 13, docs/ZONES.md): per lead unit, the workload its
 * grids carry, before and after a draft, a balance index over the units, the compactness of
 * each unit's dissolved zone and whether that zone falls apart. Pure: the per-grid figures and
 * the grid adjacency (with shared boundary lengths, from PostGIS) come in as data.
 */

/** What one grid carries, as of the balance's instant. */
export interface GridStats {
  id: number;
  areaKm2: number;
  /** the grid's own (geodesic) perimeter */
  perimeterKm: number;
  /** problems not closed by the instant (all reported before it; 不予立案/duplicates excluded) */
  open: number;
  /** problems reported in the 90 days before the instant */
  recent: number;
  /** 暗访 (undercover) findings among those */
  undercover: number;
  /** problems past their deadline and not fixed at the instant */
  overdue: number;
  /** patrol visits started in the 90 days before the instant */
  patrols: number;
}

/** Two grids that share a boundary of `sharedKm` (> 0; a corner touch is no neighbour). */
export interface Adjacent {
  a: number;
  b: number;
  sharedKm: number;
}

/** The variables a balance can weigh; `grids` counts each grid as 1. */
export const BALANCE_VARIABLES = ['grids', 'areaKm2', 'open', 'recent', 'undercover', 'overdue', 'patrols'] as const;
export type BalanceVariable = (typeof BALANCE_VARIABLES)[number];
export type Weights = Partial<Record<BalanceVariable, number>>;

/** The default workload: grid count, area and problems of the last 90 days, equally weighted. */
export const DEFAULT_WEIGHTS: Weights = { grids: 1, areaKm2: 1, recent: 1 };

const raw = (g: GridStats, v: BalanceVariable): number => (v === 'grids' ? 1 : g[v]);

/**
 * The weighted variable of each grid: Σ_k w_k · x_gk / mean_k(x), each variable divided by its
 * mean over the grids given so that the weights compare unitless shares (a variable whose mean
 * is 0 contributes nothing). Returns grid id → value.
 */
export function gridValues(grids: GridStats[], weights: Weights): Map<number, number> {
  const means = new Map<BalanceVariable, number>();
  for (const v of BALANCE_VARIABLES) {
    if (!weights[v]) continue;
    const sum = grids.reduce((s, g) => s + raw(g, v), 0);
    means.set(v, grids.length ? sum / grids.length : 0);
  }
  const out = new Map<number, number>();
  for (const g of grids) {
    let value = 0;
    for (const [v, mean] of means) if (mean > 0) value += (weights[v] ?? 0) * (raw(g, v) / mean);
    out.set(g.id, value);
  }
  return out;
}

/**
 * Balance index of unit loads, 0–100: 100 · (1 − min(1, CV)), CV = σ/μ (population standard
 * deviation over the mean). Equal loads give 100; a spread as large as the mean (or larger) 0.
 * Fewer than two units, or a zero mean, are perfectly balanced (100).
 */
export function balanceIndex(loads: number[]): number {
  if (loads.length < 2) return 100;
  const mean = loads.reduce((s, x) => s + x, 0) / loads.length;
  if (mean <= 0) return 100;
  const variance = loads.reduce((s, x) => s + (x - mean) ** 2, 0) / loads.length;
  const cv = Math.sqrt(variance) / mean;
  return 100 * (1 - Math.min(1, cv));
}

/** Polsby–Popper compactness 4πA/P² (1 for a disc, π/4 ≈ 0.785 for a square); 0 without a perimeter. */
export function polsbyPopper(areaKm2: number, perimeterKm: number): number {
  return perimeterKm > 0 ? (4 * Math.PI * areaKm2) / perimeterKm ** 2 : 0;
}

export type Neighbours = Map<number, { id: number; sharedKm: number }[]>;

export function neighbourMap(adjacency: Adjacent[]): Neighbours {
  const n: Neighbours = new Map();
  const add = (x: number, y: number, s: number) => {
    let l = n.get(x);
    if (!l) n.set(x, (l = []));
    l.push({ id: y, sharedKm: s });
  };
  for (const e of adjacency) {
    if (!(e.sharedKm > 0)) continue;
    add(e.a, e.b, e.sharedKm);
    add(e.b, e.a, e.sharedKm);
  }
  return n;
}

/**
 * The perimeter of the union of a set of grids of a planar partition: every boundary shared by
 * two grids of the set is interior, so P(∪) = Σ P_g − 2 · Σ shared(g, h) over pairs inside it.
 */
export function dissolvedPerimeter(ids: Iterable<number>, perimeter: (id: number) => number, nb: Neighbours): number {
  const set = new Set(ids);
  let p = 0;
  for (const g of set) {
    p += perimeter(g);
    for (const e of nb.get(g) ?? []) if (set.has(e.id)) p -= e.sharedKm; // each pair seen twice: −2·shared in all
  }
  return Math.max(0, p);
}

/** Connected parts of a set of grids (adjacency by a shared boundary). 0 for an empty set. */
export function parts(ids: Iterable<number>, nb: Neighbours): number {
  const set = new Set(ids);
  const seen = new Set<number>();
  let count = 0;
  for (const start of set) {
    if (seen.has(start)) continue;
    count++;
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const g = stack.pop()!;
      for (const e of nb.get(g) ?? []) {
        if (set.has(e.id) && !seen.has(e.id)) {
          seen.add(e.id);
          stack.push(e.id);
        }
      }
    }
  }
  return count;
}

export interface UnitFigures {
  grids: number;
  areaKm2: number;
  open: number;
  recent: number;
  undercover: number;
  overdue: number;
  /** overdue ÷ open (0 without open problems) */
  overdueShare: number;
  patrols: number;
  /** Σ of the weighted variable over the unit's grids */
  load: number;
  /** Polsby–Popper of the dissolved zone, null without grids */
  compactness: number | null;
  /** connected parts of the zone; > 1 is the contiguity warning */
  parts: number;
}

export interface UnitBalance {
  unitId: number;
  before: UnitFigures;
  after: UnitFigures;
}

export interface BalanceResult {
  units: UnitBalance[];
  index: { before: number; after: number };
}

/** The figures of one unit over its grids. */
export function unitFigures(ids: number[], stats: Map<number, GridStats>, values: Map<number, number>, nb: Neighbours) {
  const f: UnitFigures = {
    grids: 0,
    areaKm2: 0,
    open: 0,
    recent: 0,
    undercover: 0,
    overdue: 0,
    overdueShare: 0,
    patrols: 0,
    load: 0,
    compactness: null,
    parts: 0,
  };
  for (const id of ids) {
    const g = stats.get(id);
    if (!g) continue;
    f.grids++;
    f.areaKm2 += g.areaKm2;
    f.open += g.open;
    f.recent += g.recent;
    f.undercover += g.undercover;
    f.overdue += g.overdue;
    f.patrols += g.patrols;
    f.load += values.get(id) ?? 0;
  }
  f.overdueShare = f.open > 0 ? f.overdue / f.open : 0;
  if (f.grids) {
    const perimeter = dissolvedPerimeter(ids, (id) => stats.get(id)?.perimeterKm ?? 0, nb);
    f.compactness = polsbyPopper(f.areaKm2, perimeter);
    f.parts = parts(ids, nb);
  }
  return f;
}

const groupByUnit = (m: Map<number, number>) => {
  const out = new Map<number, number[]>();
  for (const [grid, unit] of m) {
    let l = out.get(unit);
    if (!l) out.set(unit, (l = []));
    l.push(grid);
  }
  return out;
};

/**
 * What a caller may keep between tables of the same grids and weights (the edits of one draft):
 * the weighted values, and the before-side figures with the leads they were computed from (used
 * again only while the leads are the same, entry by entry).
 */
export interface BalanceMemo {
  stats?: Map<number, GridStats>;
  values?: Map<number, number>;
  before?: { leads: Map<number, number>; figures: Map<number, UnitFigures> };
}

const sameMap = (x: Map<number, number>, y: Map<number, number>) => {
  if (x.size !== y.size) return false;
  for (const [k, v] of x) if (y.get(k) !== v) return false;
  return true;
};

/**
 * The balance table: every unit that leads a grid before or after (grid → lead unit maps),
 * with its figures on both sides, and the index over those units before and after. The
 * weighted variable is normalised over all grids given, so before and after share one scale.
 * With a memo (same grids and weights as the call that filled it), only the units an edit moved
 * grids to or from are computed again.
 */
export function balanceTable(
  grids: GridStats[],
  adjacency: Adjacent[] | Neighbours,
  before: Map<number, number>,
  after: Map<number, number>,
  weights: Weights = DEFAULT_WEIGHTS,
  memo: BalanceMemo = {},
): BalanceResult {
  const stats = (memo.stats ??= new Map(grids.map((g) => [g.id, g])));
  const values = (memo.values ??= gridValues(grids, weights));
  const nb = adjacency instanceof Map ? adjacency : neighbourMap(adjacency);
  const b = groupByUnit(before);
  const a = groupByUnit(after);
  const unitIds = [...new Set([...b.keys(), ...a.keys()])].sort((x, y) => x - y);
  // a unit no grid moved to or from has the same zone on both sides: its figures are computed once
  const moved = new Set<number>();
  for (const [grid, unit] of after) if (before.get(grid) !== unit) moved.add(unit);
  for (const [grid, unit] of before) if (after.get(grid) !== unit) moved.add(unit);
  if (!memo.before || !sameMap(memo.before.leads, before)) memo.before = { leads: before, figures: new Map() };
  const kept = memo.before.figures;
  const units = unitIds.map((unitId) => {
    let was = kept.get(unitId);
    if (!was) kept.set(unitId, (was = unitFigures(b.get(unitId) ?? [], stats, values, nb)));
    return {
      unitId,
      before: was,
      after: moved.has(unitId) ? unitFigures(a.get(unitId) ?? [], stats, values, nb) : { ...was },
    };
  });
  // the index is over units that hold grids on that side (a unit emptied by the draft leaves it)
  const idx = (side: 'before' | 'after') =>
    balanceIndex(units.filter((u) => u[side].grids > 0).map((u) => u[side].load));
  return { units, index: { before: idx('before'), after: idx('after') } };
}
