-- Contracting zones for one tile at an instant: grids (z >= 12, like the areas tileset) with
-- their lead unit, so the map colours grids by unit and hatches those with none; below z12
-- the communities, with the number of units contracting them or their grids.
-- scope: NULL = the whole city, else the caller's scope codes (area_visible).
CREATE OR REPLACE FUNCTION zone_tile_features(z integer, x integer, y integer, scope text[], at timestamptz)
RETURNS TABLE (layer text, id integer, level text, code text, name text,
               lead_unit_id integer, lead_unit_name text, unit_count integer, has_leader boolean, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM (
    SELECT 'zones'::text, a.id, a.level::text, a.code, a.name, l.unit_id, u.name,
           (SELECT count(*)::int FROM assignments s
             WHERE s.area_id = a.id AND s.unit_id IS NOT NULL AND assignment_in_force(s.valid_from, s.valid_to, at)),
           EXISTS (SELECT 1 FROM assignments s
             WHERE s.area_id = a.id AND s.role = 'leader' AND assignment_in_force(s.valid_from, s.valid_to, at)),
           tile_geom(a.geom_3857, z, x, y) AS geom
    FROM areas a
    LEFT JOIN assignments l ON l.area_id = a.id AND l.role = 'lead' AND assignment_in_force(l.valid_from, l.valid_to, at)
    LEFT JOIN units u ON u.id = l.unit_id
    WHERE z >= 12 AND a.level = 'grid'
      AND a.geom_3857 && ST_TileEnvelope(z, x, y, margin => 64.0 / 4096)
      AND area_visible(a.code, scope)
    UNION ALL
    SELECT 'zones'::text, a.id, a.level::text, a.code, a.name, l.unit_id, u.name,
           (SELECT count(DISTINCT s.unit_id)::int FROM assignments s
             WHERE (s.area_id = a.id OR s.area_id IN (SELECT g.id FROM areas g WHERE g.parent_id = a.id))
               AND s.unit_id IS NOT NULL AND assignment_in_force(s.valid_from, s.valid_to, at)),
           NULL::boolean,
           tile_geom(a.geom_3857, z, x, y) AS geom
    FROM areas a
    LEFT JOIN assignments l ON l.area_id = a.id AND l.role = 'lead' AND assignment_in_force(l.valid_from, l.valid_to, at)
    LEFT JOIN units u ON u.id = l.unit_id
    WHERE z < 12 AND z >= 10 AND a.level = 'community'
      AND a.geom_3857 && ST_TileEnvelope(z, x, y, margin => 64.0 / 4096)
      AND area_visible(a.code, scope)
    OFFSET 0 -- a fence: keeps tile_geom from running twice (see area_tile_features)
  ) f
  WHERE f.geom IS NOT NULL
$$;

COMMENT ON FUNCTION zone_tile_features(integer, integer, integer, text[], timestamptz) IS
  'MVT features of /tiles/zones/{z}/{x}/{y}?at=: layer zones (grids from z12, communities z10–11)';
