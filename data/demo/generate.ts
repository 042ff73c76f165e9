import { majorRoads, minorRoads, riverFeature, type BasemapFeature, type BasemapProps } from './basemap';
import { laneEdges } from './lanes';
import { buildLayout, type Layout } from './layout';
import { COUNTY, CommunityNamer, gridName, RoadNamer, streetIdentities } from './names';
import { partitionCity, type Partition } from './partition';
import { between, substream } from './random';
import { dissolve, toGeometry, type PolygonRings, type Ring } from './union';

export type { BasemapProps } from './basemap';

export interface DemoOptions {
  /** default 20261125 */
  seed?: number;
  /** target grid count, 50–300,000, default 300; met exactly unless a stray edge cell is dropped or an enclosed pocket filled */
  grids?: number;
}
export interface AreaProps {
  code: string;
  name: string;
}
export type AreaFeature = GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon, AreaProps>;
export interface DemoCity {
  county: AreaFeature;
  streets: AreaFeature[];
  communities: AreaFeature[];
  grids: AreaFeature[];
  basemap: GeoJSON.Feature<GeoJSON.LineString | GeoJSON.Polygon, BasemapProps>[];
}

export function toFeatureCollection<T>(features: T[]): GeoJSON.FeatureCollection {
  return { type: 'FeatureCollection', features: features as GeoJSON.Feature[] };
}

// Community sizes in grids, and grids per street (a 街道 of a county seat has ~20 communities).
const COMMUNITY = { minCommunity: 8, maxCommunity: 25, targetCommunity: 15 };
const GRIDS_PER_STREET = 400;

/**
 * A fictional but plausible grid map of the 常山县 county seat, deterministic in (seed, grids):
 * Voronoi grids along a curving road network, communities = road blocks, streets = groups of
 * communities; each level is the exact union of the one below.
 */
export function generateDemoCity(options: DemoOptions = {}): DemoCity {
  const seed = options.seed ?? 20261125;
  const grids = options.grids ?? 300;
  if (!Number.isInteger(grids) || grids < 50 || grids > 300_000)
    throw new RangeError('demo city: grids must be an integer from 50 to 300000');
  let layout: Layout | null = null;
  // Too few seeds inside the outline happens only if the density calibration is far off.
  for (let scale = 1; !layout; scale *= 1.25) layout = buildLayout(seed, grids, scale);
  const { cells, index, mesh } = layout;
  const { x, y } = cells.graph;
  const partition = partitionCity(cells.graph, (i, j) => index.separates(x[i]!, y[i]!, x[j]!, y[j]!), {
    ...COMMUNITY,
    streets: Math.max(3, Math.round(grids / GRIDS_PER_STREET)),
  });
  const order = orderAreas(layout, partition);

  const streetIds = streetIdentities(substream(seed, 'street-names'), order.streets.length);
  const namer = new CommunityNamer(substream(seed, 'community-names'));
  const feature = (code: string, name: string, polygons: PolygonRings[]): AreaFeature => ({
    type: 'Feature',
    properties: { code, name },
    geometry: toGeometry(polygons, mesh),
  });
  const streets: AreaFeature[] = [];
  const communities: AreaFeature[] = [];
  const gridFeatures: AreaFeature[] = [];
  const streetRings: Ring[] = [];
  order.streets.forEach((communityList, s) => {
    const street = streetIds[s]!;
    const communityRings: Ring[] = [];
    communityList.forEach((cellList, c) => {
      const code = street.code + String(c + 1).padStart(3, '0');
      const name = namer.next(street.kind);
      const polygons = dissolve(
        cellList.map((i) => cells.ring[i]!),
        mesh,
      );
      communities.push(feature(code, name, polygons));
      communityRings.push(...ringsOf(polygons));
      cellList.forEach((i, g) =>
        gridFeatures.push(feature(code + String(g + 1).padStart(3, '0'), gridName(name, g + 1), [[cells.ring[i]!]])),
      );
    });
    const polygons = dissolve(communityRings, mesh);
    streets.push(feature(street.code, street.name, polygons));
    streetRings.push(...ringsOf(polygons));
  });
  const county = feature(COUNTY.code, COUNTY.name, dissolve(streetRings, mesh));
  return { county, streets, communities, grids: gridFeatures, basemap: basemap(seed, layout, partition) };
}

const ringsOf = (polygons: PolygonRings[]): Ring[] => polygons.flat();

/** Streets → communities → cells, each list in its code order. */
function orderAreas(layout: Layout, p: Partition): { streets: number[][][] } {
  const { x, y, n } = layout.cells.graph;
  const cellsOf: number[][] = Array.from({ length: p.communities }, () => []);
  for (let i = 0; i < n; i++) cellsOf[p.community[i]!]!.push(i);
  const centre = (list: number[]) => [mean(list.map((i) => x[i]!)), mean(list.map((i) => y[i]!))] as const;
  const communitiesOf: number[][] = Array.from({ length: p.streets }, () => []);
  for (let c = 0; c < p.communities; c++) communitiesOf[p.street[c]!]!.push(c);

  // The street holding the cell nearest the centre is the old town (天马街道, code 001); the rest
  // follow outwards, so the real 乡镇 names land on the outskirts.
  let core = 0;
  for (let i = 1; i < n; i++) if (Math.hypot(x[i]!, y[i]!) < Math.hypot(x[core]!, y[core]!)) core = i;
  const coreStreet = p.street[p.community[core]!]!;
  const streetOrder = communitiesOf
    .map((list, s) => ({ s, d: s === coreStreet ? -1 : Math.hypot(...centre(list.flatMap((c) => cellsOf[c]!))) }))
    .sort((a, b) => a.d - b.d || a.s - b.s)
    .map((e) => e.s);
  // Reading order (north to south in bands, then west to east), as numbering on paper maps goes.
  const reading = <T>(items: T[], at: (t: T) => readonly [number, number], band: number) =>
    items
      .map((t) => ({ t, p: at(t) }))
      .sort((a, b) => Math.floor(-a.p[1] / band) - Math.floor(-b.p[1] / band) || a.p[0] - b.p[0])
      .map((e) => e.t);
  return {
    streets: streetOrder.map((s) =>
      reading(communitiesOf[s]!, (c) => centre(cellsOf[c]!), 1000).map((c) =>
        reading(cellsOf[c]!, (i) => [x[i]!, y[i]!], 300),
      ),
    ),
  };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

function basemap(seed: number, layout: Layout, p: Partition): BasemapFeature[] {
  const { outline, cutoff, roads, cells, mesh } = layout;
  const namer = new RoadNamer(substream(seed, 'road-names'));
  const out: BasemapFeature[] = [];
  const river = roads.find((r) => r.family === 'river');
  const water =
    river &&
    riverFeature(
      river,
      between(substream(seed, 'river'), 0, 2 * Math.PI),
      (px, py) => outline.rho(px, py) <= cutoff * 1.15,
    );
  if (water) out.push(water);
  out.push(...majorRoads(roads, namer, (px, py) => outline.rho(px, py) <= cutoff));
  out.push(...minorRoads(laneEdges(cells, p), mesh, namer));
  return out;
}
