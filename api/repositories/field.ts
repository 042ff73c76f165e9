import type { Queryable } from '../db/types';
import type { Scope } from '../domain/scope';
import type { GridPatrolCoverage } from '../schemas/field';

/** The field workspace's reads (issue 14): patrol coverage of the grids in a scope. */
export function fieldRepository(db: Queryable) {
  return {
    /**
     * Per grid inside the scope (area_within: a grid leader's own grids), the patrols started in
     * [from, to): how many, how far, and patrol_coverage (share of the grid within reachM of a track).
     */
    async coverage(scope: Scope, from: Date, to: Date, reachM: number, limit: number): Promise<GridPatrolCoverage[]> {
      const { rows } = await db.query<GridPatrolCoverage>(
        `SELECT g.id AS "gridId", g.code AS "gridCode", g.name AS "gridName",
                coalesce(s.visits, 0)::int AS visits, coalesce(s.length_m, 0)::float8 AS "lengthM",
                s.last_at AS "lastAt",
                CASE WHEN s.tracks > 0 THEN patrol_coverage(g.id, $2, $3, $4) ELSE 0 END::float8 AS coverage
         FROM areas g
         LEFT JOIN LATERAL (
           SELECT count(*) AS visits, count(v.track) AS tracks, max(v.started_at) AS last_at,
                  round(sum(ST_Length(v.track::geography))::numeric, 1) AS length_m
           FROM patrol_visits v WHERE v.grid_id = g.id AND v.started_at >= $2 AND v.started_at < $3
         ) s ON TRUE
         WHERE g.level = 'grid' AND area_within(g.code, $1::text[])
         ORDER BY g.code LIMIT $5`,
        [scope, from, to, reachM, limit],
      );
      return rows;
    },
  };
}
export type FieldRepository = ReturnType<typeof fieldRepository>;
