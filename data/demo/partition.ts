import { balancedRegions, type WeightedGraph } from './growth';

/** Kept cells as a graph: seed positions and the neighbours they share a real edge with. */
export interface CellGraph {
  n: number;
  x: Float64Array;
  y: Float64Array;
  adj: number[][];
}

export interface Partition {
  /** road block (after merging the small ones) of each cell */
  block: Int32Array;
  /** community of each cell, 0..communities-1 */
  community: Int32Array;
  communities: number;
  /** street of each community, 0..streets-1 */
  street: Int32Array;
  streets: number;
}

export interface PartitionPlan {
  minCommunity: number;
  maxCommunity: number;
  targetCommunity: number;
  streets: number;
}

/**
 * Communities are road blocks (cells that can reach each other without crossing a road), small
 * blocks merged into the neighbour they share most edge with, big ones split into compact parts;
 * streets are balanced, connected groups of communities.
 */
export function partitionCity(
  g: CellGraph,
  separated: (i: number, j: number) => boolean,
  plan: PartitionPlan,
): Partition {
  const block = roadBlocks(g, separated);
  mergeSmall(g, block, plan.minCommunity);
  const community = splitLarge(g, block, plan);
  const communities = maxOf(community) + 1;
  const cg = communityGraph(g, community, communities);
  const street = balancedRegions(cg, Math.min(plan.streets, communities));
  return { block, community, communities, street, streets: maxOf(street) + 1 };
}

// Spreading 100,000 values as arguments would overflow the stack.
const maxOf = (a: Int32Array): number => a.reduce((m, v) => Math.max(m, v), -1);

function roadBlocks(g: CellGraph, separated: (i: number, j: number) => boolean): Int32Array {
  const parent = Int32Array.from({ length: g.n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let i = 0; i < g.n; i++) {
    for (const j of g.adj[i]!) {
      if (j < i || separated(i, j)) continue;
      const a = find(i),
        b = find(j);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  return relabel(Int32Array.from({ length: g.n }, (_, i) => find(i)));
}

/** Labels renumbered 0.. in order of first appearance. */
function relabel(label: Int32Array): Int32Array {
  const map = new Map<number, number>();
  return label.map((l) => {
    let m = map.get(l);
    if (m === undefined) map.set(l, (m = map.size));
    return m;
  });
}

function mergeSmall(g: CellGraph, label: Int32Array, min: number): void {
  const members = new Map<number, number[]>();
  label.forEach((l, i) => {
    const list = members.get(l);
    if (list) list.push(i);
    else members.set(l, [i]);
  });
  const small = [...members.keys()].filter((l) => members.get(l)!.length < min);
  small.sort((a, b) => members.get(a)!.length - members.get(b)!.length || a - b);
  for (const l of small) {
    const cells = members.get(l);
    if (!cells || cells.length >= min) continue;
    const shared = new Map<number, number>();
    for (const i of cells) {
      for (const j of g.adj[i]!) if (label[j] !== l) shared.set(label[j]!, (shared.get(label[j]!) ?? 0) + 1);
    }
    let into = -1;
    for (const [m, count] of shared)
      if (into < 0 || count > shared.get(into)! || (count === shared.get(into)! && m < into)) into = m;
    if (into < 0) continue;
    for (const i of cells) label[i] = into;
    members.get(into)!.push(...cells);
    members.delete(l);
  }
  label.set(relabel(label));
}

function splitLarge(g: CellGraph, block: Int32Array, plan: PartitionPlan): Int32Array {
  const members: number[][] = [];
  block.forEach((b, i) => (members[b] ??= []).push(i));
  const community = new Int32Array(g.n);
  let next = 0;
  for (const cells of members) {
    const parts = cells.length > plan.maxCommunity ? Math.max(2, Math.round(cells.length / plan.targetCommunity)) : 1;
    if (parts === 1) {
      for (const i of cells) community[i] = next;
      next++;
      continue;
    }
    const region = balancedRegions(subgraph(g, cells), parts);
    cells.forEach((c, k) => (community[c] = next + region[k]!));
    next += maxOf(region) + 1;
  }
  return community;
}

/** The cells `cells` (which must be connected) as a graph of their own, each weighing 1. */
export function subgraph(g: CellGraph, cells: readonly number[]): WeightedGraph {
  const local = new Map<number, number>(cells.map((c, k) => [c, k]));
  return {
    n: cells.length,
    x: cells.map((c) => g.x[c]!),
    y: cells.map((c) => g.y[c]!),
    w: cells.map(() => 1),
    adj: cells.map((c) => g.adj[c]!.filter((j) => local.has(j)).map((j) => local.get(j)!)),
  };
}

function communityGraph(g: CellGraph, community: Int32Array, count: number): WeightedGraph {
  const x = new Float64Array(count),
    y = new Float64Array(count),
    w = new Float64Array(count);
  const adj: Set<number>[] = Array.from({ length: count }, () => new Set());
  for (let i = 0; i < g.n; i++) {
    const c = community[i]!;
    x[c] = x[c]! + g.x[i]!;
    y[c] = y[c]! + g.y[i]!;
    w[c] = w[c]! + 1;
    for (const j of g.adj[i]!) if (community[j] !== c) adj[c]!.add(community[j]!);
  }
  for (let c = 0; c < count; c++) {
    x[c] = x[c]! / w[c]!;
    y[c] = y[c]! / w[c]!;
  }
  return { n: count, x, y, w, adj: adj.map((s) => [...s]) };
}
