import { position, toPosition } from './geo';
import { AVENUE_NAME, RIVER_NAME, type RoadNamer } from './names';
import { offsetAt, pointAt, type Road } from './roads';
import type { Vertices } from './union';

export interface BasemapProps {
  kind: 'road_major' | 'road_minor' | 'water';
  name: string | null;
}
export type BasemapFeature = GeoJSON.Feature<GeoJSON.LineString | GeoJSON.Polygon, BasemapProps>;

const STEP_M = 100;

/** Positions rounded to 7 decimals, consecutive duplicates dropped. */
function rounded(points: [number, number][]): GeoJSON.Position[] {
  const out: GeoJSON.Position[] = [];
  for (const [x, y] of points) {
    const p = toPosition(x, y);
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

/**
 * Arterials as lines, named by how close they pass to the centre: the central ones carry the
 * real street names of the county seat, the most central diagonal is 常山大道.
 */
export function majorRoads(
  roads: readonly Road[],
  namer: RoadNamer,
  within: (x: number, y: number) => boolean,
): BasemapFeature[] {
  const shown = roads
    .filter((r) => r.family !== 'river')
    .map((road) => ({ road, parts: splitRuns(road, within) }))
    .filter((r) => r.parts.length > 0)
    .map((r) => ({ ...r, reach: Math.min(...r.parts.flat().map(([x, y]) => Math.hypot(x, y))) }))
    .sort((a, b) => a.reach - b.reach || a.road.id - b.road.id);
  let avenue = false;
  const out: BasemapFeature[] = [];
  for (const { road, parts } of shown) {
    const diagonal = road.family === 'diag';
    const name = diagonal && !avenue ? AVENUE_NAME : namer.major(diagonal);
    avenue ||= diagonal;
    for (const part of parts) {
      const coordinates = rounded(part);
      if (coordinates.length >= 2)
        out.push({
          type: 'Feature',
          properties: { kind: 'road_major', name },
          geometry: { type: 'LineString', coordinates },
        });
    }
  }
  return out;
}

function splitRuns(road: Road, within: (x: number, y: number) => boolean): [number, number][][] {
  const runs: [number, number][][] = [];
  let run: [number, number][] = [];
  for (let u = road.u0; ; u = Math.min(u + STEP_M, road.u1)) {
    const p = pointAt(road, u);
    if (within(p[0], p[1])) run.push(p);
    else {
      if (run.length >= 2) runs.push(run);
      run = [];
    }
    if (u >= road.u1) break;
  }
  if (run.length >= 2) runs.push(run);
  return runs;
}

/**
 * 常山港 as a band of varying width about the river's centre line, over its longest stretch in
 * sight. A band between two offsets of one graph v = f(u) cannot self-intersect.
 */
export function riverFeature(
  river: Road,
  phase: number,
  within: (x: number, y: number) => boolean,
): BasemapFeature | null {
  const runs = splitRuns(river, within);
  if (runs.length === 0) return null;
  const run = runs.reduce((a, b) => (b.length > a.length ? b : a));
  const us = run.map(([x, y]) => x * river.cos + y * river.sin);
  const world = (u: number, v: number): [number, number] => [
    u * river.cos - v * river.sin,
    u * river.sin + v * river.cos,
  ];
  const half = (u: number) => 30 + 25 * (0.5 + 0.5 * Math.sin((2 * Math.PI * u) / 3000 + phase));
  // Along the right bank forwards, back along the left bank: counter-clockwise.
  const ring = rounded([
    ...us.map((u) => world(u, offsetAt(river, u) - half(u))),
    ...us
      .slice()
      .reverse()
      .map((u) => world(u, offsetAt(river, u) + half(u))),
  ]);
  ring.push(ring[0]!);
  return {
    type: 'Feature',
    properties: { kind: 'water', name: RIVER_NAME },
    geometry: { type: 'Polygon', coordinates: [ring] },
  };
}

/** Local lanes as lines along the given chains of cell edges (see lanes.ts). */
export function minorRoads(groups: [number, number][][], v: Vertices, namer: RoadNamer): BasemapFeature[] {
  const out: BasemapFeature[] = [];
  for (const edges of groups) {
    const path = longestChain(edges);
    if (path.length < 3) continue;
    const coordinates = path.map((id) => position(v.lon[id]!, v.lat[id]!));
    out.push({
      type: 'Feature',
      properties: { kind: 'road_minor', name: namer.minor() },
      geometry: { type: 'LineString', coordinates },
    });
  }
  return out;
}

/** The longest simple path through a set of edges that form chains (degree ≤ 2 mostly). */
function longestChain(edges: [number, number][]): number[] {
  const adj = new Map<number, number[]>();
  const link = (a: number, b: number) => (adj.get(a) ?? adj.set(a, []).get(a)!).push(b);
  for (const [a, b] of edges) {
    link(a, b);
    link(b, a);
  }
  let best: number[] = [];
  const seen = new Set<number>();
  const starts = [...adj.keys()].sort((a, b) => adj.get(a)!.length - adj.get(b)!.length || a - b);
  for (const s of starts) {
    if (seen.has(s)) continue;
    const path = [s];
    seen.add(s);
    for (let cur = s; ;) {
      const next = adj.get(cur)!.find((n) => !seen.has(n));
      if (next === undefined) break;
      seen.add(next);
      path.push(next);
      cur = next;
    }
    if (path.length > best.length) best = path;
  }
  return best;
}
