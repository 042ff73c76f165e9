-- The geometric coverage gaps of the whole area tree, in one statement (one snapshot, so the
-- areas version returned is the one the overlay saw; the cache in coverage_cache keys on it).
--  pieces:   what of each area its children do not cover — a community not filled by its grids,
--            a street by its communities, the county by its streets — parts ≥ min_m2 only (float
--            noise along shared edges is not a gap). Together: the county minus every grid.
--  overlaps: pairs of grids whose interiors overlap by more than min_m2. Searched only inside
--            communities whose grids' areas add up to more than their union: a clean partition
--            (the usual case) costs no pairwise test at all. Grids of different communities
--            cannot overlap beyond the import's containment and sibling tolerances.
-- Inputs are stored, CHECK-validated geometries (no GEOS exception can empty the answer on PGlite).
CREATE OR REPLACE FUNCTION coverage_geometry(min_m2 float8)
RETURNS jsonb LANGUAGE sql STABLE AS $$
  WITH v AS (SELECT version FROM areas_version),
  kids AS (
    SELECT c.parent_id, ST_Union(c.geom) AS u, sum(c.area_m2) AS sum_m2, bool_and(c.level = 'grid') AS grids
    FROM areas c WHERE c.parent_id IS NOT NULL GROUP BY c.parent_id
  ),
  diff AS (
    SELECT p.id, p.code, p.name, p.level::text AS level,
           -- ST_Covers is a fifth of ST_Difference's cost, and a filled area (the usual case) needs no more
           CASE WHEN k.u IS NULL THEN p.geom WHEN ST_Covers(k.u, p.geom) THEN NULL ELSE ST_Difference(p.geom, k.u) END AS d,
           CASE WHEN k.grids THEN k.sum_m2 - ST_Area(k.u::geography) ELSE 0 END AS excess_m2
    FROM areas p LEFT JOIN kids k ON k.parent_id = p.id
    WHERE p.level <> 'grid'
  ),
  parts AS (
    SELECT d.code, d.name, d.level, x.geom, ST_Area(x.geom::geography) AS m2
    FROM diff d CROSS JOIN LATERAL ST_Dump(d.d) x
    WHERE d.d IS NOT NULL AND NOT ST_IsEmpty(d.d) AND ST_Dimension(x.geom) = 2
  ),
  pieces AS (
    SELECT code, name, level, sum(m2) AS m2, ST_Multi(ST_Collect(geom)) AS geom
    FROM parts WHERE m2 >= min_m2 GROUP BY code, name, level
  ),
  pairs AS (
    SELECT a.id AS a_id, a.code AS a_code, a.name AS a_name, b.id AS b_id, b.code AS b_code, b.name AS b_name, o.geom, ST_Area(o.geom::geography) AS m2
    FROM diff d
    JOIN areas a ON a.parent_id = d.id
    JOIN areas b ON b.parent_id = d.id AND b.id > a.id AND b.geom && a.geom
    CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS geom) o
    WHERE d.excess_m2 > min_m2 AND ST_Relate(a.geom, b.geom, '2********')
  )
  SELECT jsonb_build_object(
    'areasVersion', (SELECT version FROM v),
    'pieces', coalesce((SELECT jsonb_agg(jsonb_build_object('areaCode', code, 'areaName', name, 'level', level, 'areaM2', round(m2::numeric, 2),
                 'geometry', ST_AsGeoJSON(geom, 7)::jsonb) ORDER BY code) FROM pieces), '[]'::jsonb),
    'overlaps', coalesce((SELECT jsonb_agg(jsonb_build_object('a', jsonb_build_object('id', a_id, 'code', a_code, 'name', a_name),
                 'b', jsonb_build_object('id', b_id, 'code', b_code, 'name', b_name), 'areaM2', round(m2::numeric, 2),
                 'geometry', ST_AsGeoJSON(geom, 7)::jsonb) ORDER BY a_code, b_code) FROM pairs WHERE m2 > min_m2), '[]'::jsonb))
$$;
COMMENT ON FUNCTION coverage_geometry(float8) IS 'Uncovered pieces per area and overlapping grids, with the areas version they were computed on';
