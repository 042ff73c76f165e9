-- Does an area lie inside a scope (scope NULL = city-wide)? Unlike area_visible, an ancestor of a
-- scope area is NOT within it: a street's figures sum problems beyond a grid leader's grid, so
-- figures, rankings and gaps are shown only for areas inside the caller's scope.
-- Inlinable (no sub-SELECT), like area_visible.
CREATE OR REPLACE FUNCTION area_within(area_code text, scope text[])
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT scope IS NULL OR ARRAY[left(area_code, 6), left(area_code, 9), left(area_code, 12), area_code] && scope
$$;
COMMENT ON FUNCTION area_within(text, text[]) IS 'area inside a scope (not its ancestors); NULL scope = city-wide';
