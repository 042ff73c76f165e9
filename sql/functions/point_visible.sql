-- May a caller see an inspection point (点位)? The scope rule of areas (area_visible.sql) for
-- what lies *inside* a scope area: one of the point's area-code prefixes is a scope code. Not the
-- ancestors-as-context half: an area outline is context, a point routed only to a street (outside
-- every grid) is not a grid leader's business, as with problems (problem_visible.sql).
-- Plain SQL without a sub-SELECT so that it inlines into list queries.
CREATE OR REPLACE FUNCTION point_visible(area_code text, scope text[])
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT scope IS NULL OR ARRAY[left(area_code, 6), left(area_code, 9), left(area_code, 12), area_code] && scope
$$;

COMMENT ON FUNCTION point_visible(text, text[]) IS
  'Scope of inspection points: inside a scope area (ancestors not enough); NULL scope = city-wide';
