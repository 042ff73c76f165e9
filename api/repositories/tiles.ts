import type { Queryable } from '../db/types';

/** How tiles are encoded: ST_AsMVT in PostGIS, or rows encoded in JS (tiles/mvt.ts). */
export type MvtEncoder = 'postgis' | 'js';

/**
 * Tilesets served under /tiles/{name}/{z}/{x}/{y}.mvt. Each is a SQL function returning
 * (layer, id, …properties, geom) with geom already in tile coordinates (tile_geom). Identifiers
 * come only from this allow-list; z/x/y are always bound parameters.
 */
export const TILESETS = {
  // scoped: the function takes the caller's scope as a 4th argument and drops what lies outside
  areas: {
    fn: 'area_tile_features',
    scoped: true,
    layers: ['areas', 'area_labels'],
    properties: ['level', 'code', 'name', 'parent_id'],
  },
  basemap: { fn: 'basemap_tile_features', scoped: false, layers: ['basemap'], properties: ['kind', 'name'] },
  // timed: the function also takes the instant (?at=) whose assignments it draws, as a 5th argument
  zones: {
    fn: 'zone_tile_features',
    scoped: true,
    timed: true,
    layers: ['zones'],
    properties: ['level', 'code', 'name', 'lead_unit_id', 'lead_unit_name', 'unit_count', 'has_leader'],
  },
  // problems: takes the caller's role (the undercover rule), the app clock's now (overdue) and the
  // filters (ProblemTileFilters); its two layers carry different properties, named per layer
  // (tile property → function column) since `overdue` is a count in one and a flag in the other
  problems: {
    fn: 'problem_tile_features',
    scoped: true,
    problems: true,
    layers: ['problem_clusters', 'problems'],
    properties: [
      'cluster_count',
      'cluster_overdue',
      'cluster_urgent',
      'cluster_open',
      'state',
      'category',
      'source',
      'overdue',
      'urgent',
      'deadline',
    ],
    layerColumns: {
      problem_clusters: {
        count: 'cluster_count',
        overdue: 'cluster_overdue',
        urgent: 'cluster_urgent',
        open: 'cluster_open',
      },
      problems: {
        state: 'state',
        category: 'category',
        source: 'source',
        overdue: 'overdue',
        urgent: 'urgent',
        deadline: 'deadline',
      },
    },
  },
} as const;
export type TilesetName = keyof typeof TILESETS;
export const EXTENT = 4096;

/** Filters of the problems tileset (NULL or absent: not filtered). Reported: from ≤ t < to. */
export interface ProblemTileFilters {
  states?: string[] | null;
  /** category code prefix: 2, 4 or 6 digits */
  category?: string | null;
  /** one category by id */
  categoryId?: number | null;
  sources?: string[] | null;
  from?: Date | null;
  to?: Date | null;
  overdue?: boolean | null;
  /** area code prefix: the problems routed into that street, community or grid */
  area?: string | null;
}
/** What the problems tileset needs besides z/x/y, scope and now. */
export interface TileContext {
  role?: string | null;
  filters?: ProblemTileFilters;
}

const timed = (name: TilesetName) => 'timed' in TILESETS[name];
const isProblems = (name: TilesetName) => 'problems' in TILESETS[name];
const args = (name: TilesetName) => {
  if (isProblems(name))
    return '$1, $2, $3, $4::text[], $5::text, $6::timestamptz, $7::text[], $8::text, $9::integer, $10::text[], $11::timestamptz, $12::timestamptz, $13::boolean, $14::text';
  return (TILESETS[name].scoped ? '$1, $2, $3, $4::text[]' : '$1, $2, $3') + (timed(name) ? ', $5::timestamptz' : '');
};
/** tile property → function column, per layer */
export const layerColumns = (name: TilesetName, layer: string): [string, string][] => {
  const t = TILESETS[name];
  const map = 'layerColumns' in t ? (t.layerColumns as Record<string, Record<string, string>>)[layer] : undefined;
  return map ? Object.entries(map) : t.properties.map((p) => [p, p]);
};

/** The parameters of a tile query, in the order of tileSql's placeholders. */
export function tileParams(
  name: TilesetName,
  z: number,
  x: number,
  y: number,
  scope: string[] | null,
  at: Date,
  ctx: TileContext = {},
): unknown[] {
  if (isProblems(name)) {
    const f = ctx.filters ?? {};
    const list = (v: string[] | null | undefined) => (v && v.length ? v : null);
    return [
      z,
      x,
      y,
      scope,
      ctx.role ?? null,
      at,
      list(f.states),
      f.category ?? null,
      f.categoryId ?? null,
      list(f.sources),
      f.from ?? null,
      f.to ?? null,
      f.overdue ?? null,
      f.area ?? null,
    ];
  }
  const params: unknown[] = TILESETS[name].scoped ? [z, x, y, scope] : [z, x, y];
  if (timed(name)) params.push(at);
  return params;
}

function postgisSql(name: TilesetName): string {
  const t = TILESETS[name];
  const cols = (l: string) =>
    ['id', ...layerColumns(name, l).map(([p, c]) => (p === c ? p : `${c} AS "${p}"`)), 'geom'].join(', ');
  const parts = t.layers.map(
    (l) =>
      `coalesce((SELECT ST_AsMVT(q, '${l}', ${EXTENT}, 'geom', 'id') FROM (SELECT ${cols(l)} FROM f WHERE layer = '${l}') q), ''::bytea)`,
  );
  return `WITH f AS MATERIALIZED (SELECT * FROM ${t.fn}(${args(name)})) SELECT ${parts.join(' || ')} AS mvt`;
}

function jsSql(name: TilesetName): string {
  const t = TILESETS[name];
  return `SELECT layer, id, ${t.properties.join(', ')}, ST_AsGeoJSON(geom) AS g FROM ${t.fn}(${args(name)})`;
}

/** The one query behind a tile of this tileset with this encoder (parameters: z, x, y). */
export const tileSql = (name: TilesetName, encoder: MvtEncoder) =>
  encoder === 'postgis' ? postgisSql(name) : jsSql(name);

/** A feature row of the JS encoder: geometry as GeoJSON text in tile coordinates. */
export type TileRow = Record<string, unknown> & { layer: string; id: number; g: string };

/** The tile queries, prepared once per encoder. */
export function tilesRepository(db: Queryable, encoder: MvtEncoder) {
  const sql = new Map<TilesetName, string>();
  for (const name of Object.keys(TILESETS) as TilesetName[]) sql.set(name, tileSql(name, encoder));
  return {
    /** The tile as ST_AsMVT wrote it (encoder 'postgis'). */
    async mvt(name: TilesetName, params: unknown[]) {
      const { rows } = await db.query<{ mvt: Uint8Array }>(sql.get(name)!, params, { name: `wangge_tile_${name}` });
      return rows[0]?.mvt ?? new Uint8Array();
    },
    /** The tile's features, for the JS encoder (encoder 'js'). */
    async rows(name: TilesetName, params: unknown[]) {
      return (await db.query<TileRow>(sql.get(name)!, params)).rows;
    },
  };
}

/** Whether the database encodes MVT itself: PGlite's PostGIS has no protobuf-c. */
export async function postgisEncodesMvt(db: Queryable): Promise<boolean> {
  try {
    await db.query(`SELECT ST_AsMVT(t) FROM (SELECT 1 AS id, ST_MakePoint(0, 0) AS geom) t`);
    return true;
  } catch {
    return false;
  }
}
