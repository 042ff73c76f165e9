-- How long the responsibility of a grid stays what it is at `at`: the half-open interval
-- [since, until) between the nearest start or end of one of its or its community's assignments
-- at or before `at` and the nearest after it (NULL: none, unbounded). Within it
-- responsibility_at answers the same for every instant (assignment_in_force is half-open), so
-- the API caches that answer per grid for the interval (api/services/assignments-responsibility.ts),
-- dropped besides on NOTIFY of any change of assignments, people, units or areas (migrations 020, 022).
CREATE OR REPLACE FUNCTION responsibility_window(grid integer, at timestamptz)
RETURNS TABLE (since timestamptz, until timestamptz) LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN QUERY
  WITH b AS (
    SELECT unnest(ARRAY[a.valid_from, a.valid_to]) AS t
    FROM areas g JOIN assignments a ON a.area_id IN (g.id, g.parent_id)
    WHERE g.id = grid)
  SELECT (SELECT max(b.t) FROM b WHERE b.t <= at), (SELECT min(b.t) FROM b WHERE b.t > at);
END $$;

COMMENT ON FUNCTION responsibility_window(integer, timestamptz) IS
  'The interval around an instant within which responsibility_at of a grid does not change';
