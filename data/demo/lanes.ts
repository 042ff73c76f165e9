import type { Cells } from './cells';
import { balancedRegions } from './growth';
import { subgraph, type Partition } from './partition';

// Communities from this many grids up get a lane through the middle.
const LANE_FROM = 14;

/**
 * Where local lanes (巷/弄) run, as groups of shared cell edges: the borders between communities
 * split from one road block, and a line through the middle of each larger community (the border
 * of its two halves). Lanes so lie on grid edges, as community and grid borders in real towns
 * follow local streets.
 */
export function laneEdges(cells: Cells, p: Partition): [number, number][][] {
  const members: number[][] = Array.from({ length: p.communities }, () => []);
  p.community.forEach((c, i) => members[c]!.push(i));
  const half = new Int8Array(cells.graph.n);
  for (const list of members) {
    if (list.length < LANE_FROM) continue;
    const region = balancedRegions(subgraph(cells.graph, list), 2);
    list.forEach((cell, k) => (half[cell] = region[k]!));
  }
  const groups = new Map<number, [number, number][]>();
  for (const [i, j, a, b] of cells.edges) {
    const ci = p.community[i]!;
    const cj = p.community[j]!;
    let key: number;
    if (ci !== cj && p.block[i] === p.block[j]) key = Math.min(ci, cj) * p.communities + Math.max(ci, cj);
    else if (ci === cj && half[i] !== half[j] && members[ci]!.length >= LANE_FROM) key = -1 - ci;
    else continue;
    const list = groups.get(key);
    if (list) list.push([a, b]);
    else groups.set(key, [[a, b]]);
  }
  return [...groups.values()];
}
