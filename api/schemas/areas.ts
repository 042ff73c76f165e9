import { Type, type Static } from 'typebox';
import { BBox, LonLat } from './common';

/** county → street (街道/乡镇) → community (社区/村) → grid (网格) */
export const AREA_LEVELS = ['county', 'street', 'community', 'grid'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];
export const AreaLevelSchema = Type.Union([
  Type.Literal('county'),
  Type.Literal('street'),
  Type.Literal('community'),
  Type.Literal('grid'),
]);

/** Digits of the hierarchical code at each level: 6 county + 3 street + 3 community + 3 grid. */
export const CODE_LENGTH: Record<AreaLevel, number> = { county: 6, street: 9, community: 12, grid: 15 };

export const AreaSummary = Type.Object({
  id: Type.Integer(),
  level: AreaLevelSchema,
  code: Type.String({ pattern: '^[0-9]{6,15}$' }),
  name: Type.String(),
  parentId: Type.Union([Type.Integer(), Type.Null()]),
});
export type AreaSummary = Static<typeof AreaSummary>;

export const AreaDetail = Type.Object({
  ...AreaSummary.properties,
  /** geodesic area in square metres */
  areaM2: Type.Number(),
  bbox: BBox,
  /** a point inside the area, for labels and fly-to */
  labelPoint: LonLat,
  /** ancestors from the county down to the parent (excludes the area itself) */
  chain: Type.Array(AreaSummary),
  childCount: Type.Integer(),
});
export type AreaDetail = Static<typeof AreaDetail>;

/** The tree goes down to communities; a community's grids come from /api/areas/:id/children. */
const TreeNodeBase = {
  id: Type.Integer(),
  level: AreaLevelSchema,
  code: Type.String(),
  name: Type.String(),
  /** number of direct children (grids, for a community) */
  childCount: Type.Integer(),
};
const CommunityNode = Type.Object({ ...TreeNodeBase, children: Type.Array(Type.Never(), { maxItems: 0 }) });
const StreetNode = Type.Object({ ...TreeNodeBase, children: Type.Array(CommunityNode) });
const CountyNode = Type.Object({ ...TreeNodeBase, children: Type.Array(StreetNode) });
export const AreaTree = Type.Object({ roots: Type.Array(CountyNode) });
export type AreaTree = Static<typeof AreaTree>;
export type AreaTreeNode = Static<typeof CountyNode> | Static<typeof StreetNode> | Static<typeof CommunityNode>;

export const AreaSearchHit = Type.Object({
  ...AreaSummary.properties,
  /** names of the ancestors joined, e.g. "常山县 › 天马街道 › 文峰社区" */
  path: Type.String(),
});
export type AreaSearchHit = Static<typeof AreaSearchHit>;

export const AreaImportRequest = Type.Object({
  level: AreaLevelSchema,
  /** a GeoJSON FeatureCollection; each feature needs properties.code and properties.name */
  collection: Type.Any(),
  /** how far (metres) a child may stick out of its parent: data from different sources rarely match exactly */
  toleranceM: Type.Optional(Type.Number({ minimum: 0, maximum: 2000 })),
  /** sibling overlaps up to this many m² are accepted (simplified boundaries from real sources) */
  overlapToleranceM2: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })),
  /** property names of code and name in the file, when they are not "code" and "name" */
  fields: Type.Optional(
    Type.Object({
      code: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    }),
  ),
  /**
   * for features with a name but no code: a name → code table, as CSV text with a header naming
   * a name column and a code column (e.g. "code,name,county_code"), or an object { 天马街道: "330822001" }
   */
  codes: Type.Optional(
    Type.Union([
      Type.String({ minLength: 1, maxLength: 5_000_000 }),
      Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ pattern: '^[0-9]{6,15}$' }), {
        maxProperties: 100_000,
      }),
    ]),
  ),
});
export type AreaImportRequest = Static<typeof AreaImportRequest>;

export const AreaImportResult = Type.Object({
  level: AreaLevelSchema,
  imported: Type.Integer(),
  codes: Type.Array(Type.String()),
});
export type AreaImportResult = Static<typeof AreaImportResult>;

export const HealthOk = Type.Object({
  status: Type.Literal('ok'),
  database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  postgis: Type.String(),
  mvtEncoder: Type.Union([Type.Literal('postgis'), Type.Literal('js')]),
  areas: Type.Record(Type.String(), Type.Integer()),
});
/**
 * A first start prepares its database after it listens (the demo city: tens of seconds): until
 * then health says so, with the share done, and every other route answers 503 (plugins/readiness.ts).
 */
export const HealthPreparing = Type.Object(
  {
    status: Type.Literal('preparing'),
    progress: Type.Number({ minimum: 0, maximum: 1, description: 'share of the preparation done, 0…1 (0.4 = 40 %)' }),
    message: Type.Object(
      { zh: Type.String(), en: Type.String() },
      { description: '正在准备示范城市：40 % / preparing the demo city: 40 %' },
    ),
  },
  { description: 'the server listens but is still preparing its database; poll until status is ok' },
);
export const Health = Type.Union([HealthOk, HealthPreparing]);
export type Health = Static<typeof Health>;
