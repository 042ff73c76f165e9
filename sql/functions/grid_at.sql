-- The grid containing a point: one GiST probe. A point on a shared edge belongs to the grid
-- with the lowest code, so the answer is the same every time. NULL outside every grid.
-- responsibility_at routes through it; the API's responsibility cache looks a point up with it
-- before its per-grid answer (api/services/assignments-responsibility.ts). PL/pgSQL so that
-- the plan is kept per session (as responsibility_at's).
CREATE OR REPLACE FUNCTION grid_at(lon float8, lat float8)
RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN (
    SELECT ga.id FROM areas ga
    WHERE ga.level = 'grid' AND ST_Intersects(ga.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326))
    ORDER BY ga.code LIMIT 1);
END $$;

COMMENT ON FUNCTION grid_at(float8, float8) IS
  'The grid containing a point (lowest code on a shared edge), NULL outside every grid';
