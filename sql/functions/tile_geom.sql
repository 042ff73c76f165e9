-- Clip, scale and snap a Web Mercator geometry into MVT tile coordinates (extent × extent,
-- y pointing down), like ST_AsMVTGeom. Written in plain SQL because the PGlite build of PostGIS
-- lacks protobuf-c, so ST_AsMVTGeom fails there: with this one function both backends produce
-- the same tile geometry. Exterior rings come out with positive surveyor's area in tile
-- coordinates, as the MVT spec requires (ST_ForcePolygonCCW in a y-down frame).
CREATE OR REPLACE FUNCTION tile_geom(
  g geometry, z integer, x integer, y integer,
  extent integer DEFAULT 4096, buffer integer DEFAULT 64
) RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  WITH env AS (
    SELECT ST_TileEnvelope(z, x, y) AS e
  ), frame AS (
    SELECT e, extent / (ST_XMax(e) - ST_XMin(e)) AS k FROM env
  ), snapped AS (
    SELECT ST_RemoveRepeatedPoints(ST_SnapToGrid(ST_Affine(
             CASE WHEN ST_Dimension(g) = 0 THEN g
                  ELSE ST_ClipByBox2D(g, ST_TileEnvelope(z, x, y, margin => buffer::float8 / extent)) END,
             k, 0, 0, -k, -ST_XMin(e) * k, ST_YMax(e) * k), 1)) AS s
    FROM frame
  ), fixed AS (
    SELECT CASE
             WHEN s IS NULL OR ST_IsEmpty(s) THEN NULL
             WHEN ST_Dimension(s) < 2 THEN s
             WHEN ST_IsValid(s) THEN ST_ForcePolygonCCW(s)
             ELSE ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(s), 3))
           END AS t
    FROM snapped
  )
  SELECT CASE WHEN t IS NULL OR ST_IsEmpty(t) THEN NULL ELSE t END FROM fixed
$$;

COMMENT ON FUNCTION tile_geom(geometry, integer, integer, integer, integer, integer) IS
  'ST_AsMVTGeom equivalent that runs on PGlite (no protobuf-c) and native PostGIS alike';
