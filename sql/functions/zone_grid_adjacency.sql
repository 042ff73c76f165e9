-- Pairs of grids that share a boundary, with its geodesic length in metres (issue 13, the zone
-- editor's compactness and contiguity). The shared length is taken from the dissolve itself:
-- (P(a) + P(b) − P(a ∪ b)) / 2, so float noise along a common edge does not lose the pair the way
-- an exact boundary intersection would. Corner touches (shared ≈ 0) are dropped. Stored grids
-- are valid (CHECK), so ST_Union does not raise (on PGlite a GEOS error would empty the answer).
CREATE OR REPLACE FUNCTION zone_grid_adjacency()
RETURNS TABLE (a integer, b integer, shared_m double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT x.id, y.id, s.shared_m
  FROM areas x
  JOIN areas y ON y.level = 'grid' AND x.id < y.id AND x.geom && y.geom AND ST_Intersects(x.geom, y.geom)
  CROSS JOIN LATERAL (
    SELECT (ST_Perimeter(x.geom::geography) + ST_Perimeter(y.geom::geography)
            - ST_Perimeter(ST_Union(x.geom, y.geom)::geography)) / 2 AS shared_m
  ) s
  WHERE x.level = 'grid' AND s.shared_m > 1
$$;

COMMENT ON FUNCTION zone_grid_adjacency() IS
  'Grid pairs sharing a boundary, shared length in metres from the dissolve: (P(a)+P(b)-P(a∪b))/2';
