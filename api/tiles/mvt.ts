import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { Db } from '../db/types';
import {
  EXTENT,
  layerColumns,
  postgisEncodesMvt,
  TILESETS,
  tileParams,
  tilesRepository,
  type MvtEncoder,
  type TileContext,
  type TilesetName,
} from '../repositories/tiles';

// The tilesets and their SQL live in repositories/tiles.ts; here: choosing the encoder and, on
// PGlite, encoding the rows to MVT in JS. Re-exported for the routes, tests and benchmarks.
export {
  EXTENT,
  TILESETS,
  tileParams,
  tileSql,
  type MvtEncoder,
  type ProblemTileFilters,
  type TileContext,
  type TilesetName,
} from '../repositories/tiles';

/** Native PostGIS encodes with ST_AsMVT; PGlite's PostGIS has no protobuf-c, so JS encodes there. */
export async function detectMvtEncoder(db: Db): Promise<MvtEncoder> {
  return (await postgisEncodesMvt(db)) ? 'postgis' : 'js';
}

type Ring = [number, number][];
interface VtFeature {
  id: number;
  type: 1 | 2 | 3;
  geometry: Ring | Ring[];
  tags: Record<string, string | number | boolean>;
}

/** GeoJSON in tile coordinates → the geojson-vt feature shape that vt-pbf serialises. */
export function toVtFeature(id: number, g: GeoJSON.Geometry, tags: Record<string, unknown>): VtFeature | null {
  const clean: VtFeature['tags'] = {};
  for (const [k, v] of Object.entries(tags))
    if (v !== null && v !== undefined) clean[k] = v as string | number | boolean;
  switch (g.type) {
    case 'Point':
      return { id, type: 1, geometry: [g.coordinates as [number, number]], tags: clean };
    case 'MultiPoint':
      return { id, type: 1, geometry: g.coordinates as Ring, tags: clean };
    case 'LineString':
      return { id, type: 2, geometry: [g.coordinates as Ring], tags: clean };
    case 'MultiLineString':
      return { id, type: 2, geometry: g.coordinates as Ring[], tags: clean };
    case 'Polygon':
      return { id, type: 3, geometry: g.coordinates as Ring[], tags: clean };
    case 'MultiPolygon':
      return { id, type: 3, geometry: (g.coordinates as Ring[][]).flat(), tags: clean };
    default:
      return null;
  }
}

export function tileEncoder(db: Db, encoder: MvtEncoder) {
  const repo = tilesRepository(db, encoder);

  /**
   * scope: null = the whole city; otherwise area codes (see area_visible). at: the instant of
   * timed tilesets, and "now" for overdue problems. ctx: the problems tileset's role and filters.
   */
  return async function tile(
    name: TilesetName,
    z: number,
    x: number,
    y: number,
    scope: string[] | null,
    at: Date = new Date(),
    ctx: TileContext = {},
  ): Promise<Uint8Array> {
    const params = tileParams(name, z, x, y, scope, at, ctx);
    if (encoder === 'postgis') return repo.mvt(name, params);
    const rows = await repo.rows(name, params);
    const layers: Record<string, { features: VtFeature[] }> = {};
    for (const l of TILESETS[name].layers) layers[l] = { features: [] };
    for (const { layer, id, g, ...row } of rows) {
      const props = Object.fromEntries(layerColumns(name, layer).map(([p, c]) => [p, row[c]]));
      // bigint ids (problems) arrive as text from pg
      const f = toVtFeature(Number(id), JSON.parse(g) as GeoJSON.Geometry, props);
      if (f) layers[layer]!.features.push(f);
    }
    for (const l of Object.keys(layers)) if (layers[l]!.features.length === 0) delete layers[l];
    if (Object.keys(layers).length === 0) return new Uint8Array();
    // vt-pbf's types name geojson-vt's internal tile; our features have exactly its shape.
    return fromGeojsonVt(layers as never, { version: 2, extent: EXTENT });
  };
}
