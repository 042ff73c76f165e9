-- How much of a grid the patrols walked (巡查覆盖率, docs/FIELD.md): the share of the grid's area
-- lying within reach_m metres of a track of a patrol of that grid started in [from_at, to_at).
-- Buffers are taken on the geography (metres, not degrees) and the overlap measured geodesically,
-- like areas.area_m2. A visit without a track counts as a visit, not as coverage. 0 for no track.
CREATE OR REPLACE FUNCTION patrol_coverage(grid integer, from_at timestamptz, to_at timestamptz, reach_m float8)
RETURNS float8 LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT COALESCE(
    (SELECT LEAST(1.0, ST_Area(ST_Intersection(g.geom::geography, ST_Buffer(ST_Collect(v.track)::geography, reach_m))) / NULLIF(g.area_m2, 0))
     FROM areas g JOIN patrol_visits v ON v.grid_id = g.id
     WHERE g.id = grid AND v.track IS NOT NULL AND v.started_at >= from_at AND v.started_at < to_at
     GROUP BY g.id, g.geom, g.area_m2),
    0.0)
$$;

COMMENT ON FUNCTION patrol_coverage(integer, timestamptz, timestamptz, float8) IS
  'Share (0..1) of a grid''s area within reach_m metres of the tracks of its patrols started in [from_at, to_at)';
