-- The offline basemap: roads and water from basemap_features. Minor roads from z13.
CREATE OR REPLACE FUNCTION basemap_tile_features(z integer, x integer, y integer)
RETURNS TABLE (layer text, id integer, kind text, name text, geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM (
    SELECT 'basemap'::text, b.id, b.kind, b.name, tile_geom(b.geom_3857, z, x, y) AS geom
    FROM basemap_features b
    WHERE b.geom_3857 && ST_TileEnvelope(z, x, y, margin => 64.0 / 4096)
      AND (b.kind <> 'road_minor' OR z >= 13)
    OFFSET 0 -- keeps tile_geom from running twice (see area_tile_features)
  ) f
  WHERE f.geom IS NOT NULL
$$;
