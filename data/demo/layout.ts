import { keepCells, type Cells } from './cells';
import { VoronoiMesh } from './mesh';
import { makeOutline, type Outline } from './outline';
import { fillPoisson, PointGrid } from './poisson';
import { between, substream } from './random';
import { findCrossings, makeRoads } from './road-network';
import { RoadIndex } from './road-index';
import type { Road } from './roads';
import { placeRoadSeeds } from './seeds';

/** Mean grid area wanted, m² (real 创文 grids are 0.05–0.1 km²). */
export const GRID_AREA = 70_000;
// Poisson spacing that yields GRID_AREA per cell on average, measured over many seeds and sizes.
const BASE_SPACING = 230;
// Arterials every ~1 km, so a road block holds 15–25 grids: one community, as in real towns.
const ROAD_SPACING = 4.6 * BASE_SPACING;

/** The city's geometry before any naming: outline, roads, seeds and the kept Voronoi cells. */
export interface Layout {
  outline: Outline;
  roads: Road[];
  index: RoadIndex;
  mesh: VoronoiMesh;
  cells: Cells;
  /** outline-relative radius of the outermost kept seed */
  cutoff: number;
}

/** The layout for `grids` cells, or null when the seeded area turned out too small for them. */
export function buildLayout(seed: number, grids: number, areaScale: number): Layout | null {
  const angle = between(substream(seed, 'angle'), -0.15, 0.15);
  // The `grids` seeds nearest the centre (relative to the outline) are kept, wherever that puts
  // the edge; sized for the expected cell area, the edge lands near rho = 1 (0.97–1.04 in
  // practice), inside the seeded region (rho ≤ 1.1 plus a margin), so a retry is rare.
  const outline = makeOutline(substream(seed, 'outline'), grids * GRID_AREA * areaScale, angle);
  const rMax = 1.2 * BASE_SPACING;
  // Smaller grids in the old centre, larger towards the edge, as population density goes.
  const radiusAt = (x: number, y: number) =>
    BASE_SPACING * (0.8 + 0.4 * Math.min(1, Math.hypot(x, y) / outline.radius));
  // Seeds fill a margin of several cells beyond the outline, so that every kept cell is bounded
  // and shaped by neighbours on all sides, never by the edge of the seeded area.
  const margin = 3.5 * rMax;
  const inRegion = (x: number, y: number) => Math.hypot(x, y) <= outline.radiusAt(Math.atan2(y, x)) * 1.1 + margin;
  const reach = outline.maxRadius * 1.1 + margin + ROAD_SPACING;

  const roads = makeRoads(substream(seed, 'roads'), {
    spacing: ROAD_SPACING,
    reach,
    riverBase: -0.3 * outline.radius,
    angle,
  });
  const crossings = findCrossings(roads);
  const index = new RoadIndex(roads, Math.max(ROAD_SPACING / 2, 2 * rMax));
  const points = new PointGrid(reach, rMax / 2, rMax);
  placeRoadSeeds(points, roads, crossings, index, radiusAt, inRegion);
  fillPoisson(substream(seed, 'fill'), points, radiusAt, inRegion, index);

  const mesh = new VoronoiMesh(Float64Array.from(points.xs), Float64Array.from(points.ys));
  const rho = new Float64Array(mesh.n);
  let inside = 0;
  for (let i = 0; i < mesh.n; i++) {
    rho[i] = outline.rho(mesh.px[i]!, mesh.py[i]!);
    if (rho[i]! <= 1.1) inside++;
  }
  if (inside < grids) return null;
  const cells = keepCells(mesh, rho, grids);
  let cutoff = 0;
  for (const s of cells.seed) cutoff = Math.max(cutoff, rho[s]!);
  return { outline, roads, index, mesh, cells, cutoff };
}
