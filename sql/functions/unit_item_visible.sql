-- May a caller see a row that belongs to a unit and concerns an area (a ledger item 台账, a
-- unit's weekly visit to a contracted grid)? Unit staff: their own unit's rows only, wherever
-- they lie. Everyone else with a scope: the area lies inside a scope area, the rule of points
-- (point_visible.sql); NULL scope = city-wide. Plain SQL so that it inlines into lists.
CREATE OR REPLACE FUNCTION unit_item_visible(item_unit integer, area_code text, scope text[], role text, caller_unit integer)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN role = 'unit_staff' THEN caller_unit IS NOT NULL AND item_unit = caller_unit
              ELSE point_visible(area_code, scope) END
$$;

COMMENT ON FUNCTION unit_item_visible(integer, text, text[], text, integer) IS
  'Scope of unit rows (ledger items, unit visits): unit staff see their own unit''s; others those whose area is inside their scope';
