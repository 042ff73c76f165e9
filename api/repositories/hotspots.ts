import type { Queryable } from '../db/types';
import type { HotspotsResult } from '../schemas/figures';
import { COHORT_SQL } from './figure-sets';
import { PARAMS, UNIT_OF_USER, type FigureViewer } from './figures';
import { VISIBLE } from './visibility';

/**
 * Hotspots: places where the same category keeps coming back. ST_ClusterDBSCAN per category over
 * the problems reported in [from, to). DBSCAN runs on the stored EPSG:3857 points, where a ground
 * metre is 1 / cos(latitude) units long: eps is scaled by the county's latitude once (a constant,
 * as the window function wants; across one county the scale varies by well under 1 %).
 * Parameters: those of the figures ($1 from, $2 to, $3 asOf (unused by the cohort), $4 role,
 * $5 scope, $6 within, $7 user), then $8 category, $9 eps in metres, $10 min points, $11 limit.
 * Only problems the caller could open by id are clustered (VISIBLE, as everywhere).
 */
const SQL_HOTSPOTS = `
  ${PARAMS},
  k AS (SELECT 1.0 / cos(radians(coalesce((SELECT avg(ST_Y(label_point)) FROM areas WHERE level = 'county'), 30))) AS scale),
  pts AS (
    SELECT p.id, p.category_id, p.location_3857, p.state, p.reported_at, p.community_id
    FROM problems p
    WHERE ${COHORT_SQL} AND ${VISIBLE('$5', '$4::text', UNIT_OF_USER('$7'))}
      AND ($6::text IS NULL OR p.area_code LIKE $6::text || '%')
      AND ($8::int IS NULL OR p.category_id = $8::int)
  ),
  cl AS (
    SELECT pts.*, ST_ClusterDBSCAN(pts.location_3857, eps => $9::float8 * (SELECT scale FROM k), minpoints => $10::int) OVER (PARTITION BY pts.category_id) AS cid
    FROM pts
  ),
  groups AS (
    SELECT category_id, cid, count(*)::int AS n, count(*) FILTER (WHERE state <> 'closed')::int AS open,
           min(reported_at) AS first_at, max(reported_at) AS last_at, ST_Collect(location_3857) AS pts,
           mode() WITHIN GROUP (ORDER BY community_id) AS community_id, (array_agg(id ORDER BY reported_at DESC))[1:500] AS ids
    FROM cl WHERE cid IS NOT NULL GROUP BY category_id, cid
  )
  SELECT g.category_id AS "categoryId", c.code AS "categoryCode", c.name_zh AS "categoryName", g.n AS count, g.open,
         g.first_at AS "firstAt", g.last_at AS "lastAt",
         ARRAY[ST_X(ST_Transform(ST_Centroid(g.pts), 4326)), ST_Y(ST_Transform(ST_Centroid(g.pts), 4326))] AS centroid,
         ST_AsGeoJSON(ST_Transform(ST_Buffer(ST_ConvexHull(g.pts), $9::float8 * (SELECT scale FROM k) / 4, 4), 4326), 7)::json AS hull,
         a.code AS "communityCode", a.name AS "communityName", g.ids AS "problemIds"
  FROM groups g JOIN problem_categories c ON c.id = g.category_id LEFT JOIN areas a ON a.id = g.community_id
  ORDER BY g.n DESC, g.last_at DESC LIMIT $11`;

export interface HotspotQuery {
  from: Date;
  to: Date;
  category: number | null;
  epsM: number;
  minPoints: number;
  within: string | null;
  limit: number;
}
export type HotspotRow = HotspotsResult['hotspots'][number];

export function hotspotsRepository(db: Queryable) {
  return {
    /** Clusters of one category (or each), as asOf = to; ids as the driver returns them (int8). */
    async clusters(p: HotspotQuery, viewer: FigureViewer): Promise<HotspotRow[]> {
      return (
        await db.query<HotspotRow>(SQL_HOTSPOTS, [
          p.from,
          p.to,
          p.to,
          viewer.role,
          viewer.scope,
          p.within,
          viewer.userId,
          p.category,
          p.epsM,
          p.minPoints,
          p.limit,
        ])
      ).rows;
    },
  };
}
export type HotspotsRepository = ReturnType<typeof hotspotsRepository>;
