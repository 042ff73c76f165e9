import type { Queryable } from '../db/types';

// How far, and over how much area, each child would still stick out of its parent if it were
// moved by (dx, dy) degrees, for both signs of the move: how the importer recognises two
// coordinate systems (GCJ-02 vs WGS84) in a refused containment. NULL max = it would fit.
const SQL_SHIFTED = `
  SELECT s.sign::int AS sign, c.id, coalesce(m.max_m, 0) AS max_m, ST_Area(d.diff::geography) AS m2
  FROM unnest($1::int[]) AS o(id)
  JOIN areas c ON c.id = o.id
  JOIN areas p ON p.id = c.parent_id
  CROSS JOIN (VALUES (1), (-1)) s(sign)
  CROSS JOIN LATERAL (SELECT ST_Difference(ST_Translate(c.geom, s.sign * $2::float8, s.sign * $3::float8), p.geom) AS diff) d
  CROSS JOIN LATERAL (SELECT max(ST_Distance(v.geom::geography, p.geom::geography)) AS max_m FROM ST_DumpPoints(d.diff) v) m`;

const SQL_CENTRE = `SELECT ST_X(pt) AS lon, ST_Y(pt) AS lat FROM (SELECT ST_PointOnSurface(geom) AS pt FROM areas WHERE id = $1) x`;

export async function areaCentre(tx: Queryable, id: number): Promise<[number, number] | null> {
  const r = (await tx.query<{ lon: number; lat: number }>(SQL_CENTRE, [id])).rows[0];
  return r ? [r.lon, r.lat] : null;
}

export async function shiftedContainment(tx: Queryable, ids: number[], dx: number, dy: number) {
  return (await tx.query<{ sign: number; id: number; max_m: number; m2: number }>(SQL_SHIFTED, [ids, dx, dy])).rows;
}
