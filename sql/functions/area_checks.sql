-- Rules the importer checks set-wise over what it just inserted (inside its transaction), so
-- that every offending feature is reported at once and the import is rolled back.
-- Inputs are validated (ST_IsValid) before they reach these overlays: on PGlite a GEOS
-- exception would silently return no rows instead of raising.

-- Children that stick out of their parent by more than tolerance_m metres.
CREATE OR REPLACE FUNCTION area_containment_violations(ids integer[], tolerance_m float8)
RETURNS TABLE (id integer, parent_id integer, outside_m2 float8, outside_max_m float8)
LANGUAGE sql STABLE AS $$
  SELECT c.id, p.id, ST_Area(d.diff::geography),
         (SELECT max(ST_Distance(v.geom::geography, p.geom::geography))
            FROM ST_DumpPoints(d.diff) v)
  FROM areas c
  JOIN areas p ON p.id = c.parent_id
  CROSS JOIN LATERAL (SELECT ST_Difference(c.geom, p.geom) AS diff) d
  WHERE c.id = ANY (ids)
    AND NOT ST_CoveredBy(c.geom, p.geom)
    AND NOT ST_IsEmpty(d.diff)
    AND (SELECT max(ST_Distance(v.geom::geography, p.geom::geography))
           FROM ST_DumpPoints(d.diff) v) > tolerance_m
$$;

-- Pairs of siblings (same parent) whose interiors overlap by more than min_m2 square metres.
-- Shared edges and float noise below min_m2 are not overlaps.
CREATE OR REPLACE FUNCTION area_overlap_violations(ids integer[], min_m2 float8 DEFAULT 1.0)
RETURNS TABLE (a_id integer, b_id integer, overlap_m2 float8)
LANGUAGE sql STABLE AS $$
  SELECT * FROM (
    SELECT a.id, b.id, ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS overlap_m2
    FROM areas a
    JOIN areas b ON b.parent_id = a.parent_id AND b.id <> a.id AND b.geom && a.geom
    WHERE a.id = ANY (ids)
      AND (b.id > a.id OR NOT b.id = ANY (ids))
      AND ST_Relate(a.geom, b.geom, '2********')
  ) o
  WHERE o.overlap_m2 > min_m2
$$;
