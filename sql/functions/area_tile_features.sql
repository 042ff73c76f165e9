-- Features of the area hierarchy for one tile, already in tile coordinates. Two layers:
-- 'areas' (polygons) and 'area_labels' (one point per area, so a label is drawn once and not
-- once per tile the polygon touches). Levels appear with zoom: county and streets always,
-- communities from z10, grids from z12, which keeps every tile well under 500 KB.
CREATE OR REPLACE FUNCTION area_min_zoom(lvl area_level) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE lvl WHEN 'grid' THEN 12 WHEN 'community' THEN 10 ELSE 0 END
$$;

-- scope: NULL = the whole city, else the caller's scope codes (area_visible).
CREATE OR REPLACE FUNCTION area_tile_features(z integer, x integer, y integer, scope text[])
RETURNS TABLE (layer text, id integer, level text, code text, name text, parent_id integer, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM (
    SELECT 'areas'::text, a.id, a.level::text, a.code, a.name, a.parent_id,
           tile_geom(a.geom_3857, z, x, y) AS geom
    FROM areas a
    WHERE a.geom_3857 && ST_TileEnvelope(z, x, y, margin => 64.0 / 4096)
      AND area_min_zoom(a.level) <= z
      AND area_visible(a.code, scope)
    UNION ALL
    SELECT 'area_labels'::text, a.id, a.level::text, a.code, a.name, a.parent_id,
           tile_geom(ST_Transform(a.label_point, 3857), z, x, y) AS geom
    FROM areas a
    WHERE a.label_point && ST_Transform(ST_TileEnvelope(z, x, y), 4326)
      AND area_min_zoom(a.level) <= z
      AND area_visible(a.code, scope)
    OFFSET 0 -- a fence: without it the planner pushes "geom IS NOT NULL" down and runs tile_geom twice
  ) f
  WHERE f.geom IS NOT NULL
$$;

COMMENT ON FUNCTION area_tile_features(integer, integer, integer, text[]) IS
  'MVT features of /tiles/areas/{z}/{x}/{y}: layers areas and area_labels';
