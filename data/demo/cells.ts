import type { VoronoiMesh } from './mesh';
import type { CellGraph } from './partition';
import type { Ring } from './union';

/** The grid cells: which seeds they are, their rings, and who borders whom along which edge. */
export interface Cells {
  /** seed index of each cell, ascending */
  seed: number[];
  ring: Ring[];
  graph: CellGraph;
  /** shared edges between neighbouring cells i < j: [i, j, vertex, vertex] */
  edges: [number, number, number, number][];
}

/**
 * Keeps the `target` seeds with the smallest outline-relative radius, then drops any piece not
 * edge-connected to the main body and fills any enclosed pocket, so that the county is one
 * polygon without holes.
 */
export function keepCells(mesh: VoronoiMesh, rho: Float64Array, target: number): Cells {
  const order = Array.from({ length: mesh.n }, (_, i) => i).sort((a, b) => rho[a]! - rho[b]! || a - b);
  const kept = new Uint8Array(mesh.n);
  for (let k = 0; k < target; k++) kept[order[k]!] = 1;
  const cutoff = rho[order[target - 1]!]!;

  // Largest edge-connected piece.
  const piece = new Int32Array(mesh.n).fill(-1);
  let best = -1,
    bestSize = 0;
  for (const s of order.slice(0, target)) {
    if (piece[s] !== -1) continue;
    const size = flood(
      s,
      (i) => kept[i] === 1 && piece[i] === -1,
      (i) => (piece[i] = s),
      mesh,
      true,
    );
    if (size > bestSize) [best, bestSize] = [s, size];
  }
  for (let i = 0; i < mesh.n; i++) if (kept[i] && piece[i] !== best) kept[i] = 0;

  // Pockets: dropped seeds not reachable from well outside the outline.
  const outside = new Uint8Array(mesh.n);
  for (let i = 0; i < mesh.n; i++) {
    if (!kept[i] && !outside[i] && rho[i]! > cutoff * 1.1) {
      flood(
        i,
        (j) => !kept[j] && !outside[j],
        (j) => (outside[j] = 1),
        mesh,
        false,
      );
    }
  }
  for (let i = 0; i < mesh.n; i++) if (!kept[i] && !outside[i]) kept[i] = 1;

  const seed: number[] = [];
  const local = new Int32Array(mesh.n).fill(-1);
  for (let i = 0; i < mesh.n; i++) if (kept[i]) local[i] = seed.push(i) - 1;
  const n = seed.length;
  const graph: CellGraph = { n, x: new Float64Array(n), y: new Float64Array(n), adj: [] };
  const ring: Ring[] = [];
  const edges: [number, number, number, number][] = [];
  seed.forEach((s, c) => {
    graph.x[c] = mesh.px[s]!;
    graph.y[c] = mesh.py[s]!;
    const r = mesh.cellRing(s);
    if (!r) throw new Error('demo city: a kept cell is unbounded; the seed margin is too thin');
    ring.push(r);
    const adj: number[] = [];
    for (const e of mesh.spokes(s)!) {
      const other = local[mesh.triangles[e]!]!;
      const [a, b] = mesh.edgeOf(e);
      if (other < 0 || a === b) continue;
      adj.push(other);
      if (c < other) edges.push([c, other, a, b]);
    }
    graph.adj.push(adj);
  });
  return { seed, ring, graph, edges };
}

/**
 * Breadth-first flood over Delaunay neighbours; with `realEdges` only across Voronoi edges of
 * non-zero length (cells touching at a point are not connected).
 */
function flood(
  start: number,
  open: (i: number) => boolean,
  mark: (i: number) => void,
  mesh: VoronoiMesh,
  realEdges: boolean,
): number {
  const queue = [start];
  mark(start);
  let count = 0;
  while (count < queue.length) {
    const i = queue[count++]!;
    const spokes = mesh.spokes(i);
    if (!spokes) continue; // hull seeds lie far outside; nothing kept is reached through them
    for (const e of spokes) {
      const j = mesh.triangles[e]!;
      if (!open(j)) continue;
      if (realEdges) {
        const [a, b] = mesh.edgeOf(e);
        if (a === b) continue;
      }
      mark(j);
      queue.push(j);
    }
  }
  return count;
}
