-- Clip, scale and snap a Web Mercator geometry into MVT tile coordinates (extent × extent,
-- y pointing down), like ST_AsMVTGeom. Written here because the PGlite build of PostGIS lacks
-- protobuf-c, so ST_AsMVTGeom fails there: with this one function both backends produce the
-- same tile geometry. Exterior rings come out with positive surveyor's area in tile
-- coordinates, as the MVT spec requires (ST_ForcePolygonCCW in a y-down frame).
-- PL/pgSQL rather than SQL: a non-inlinable SQL function is planned again on every call
-- (PostgreSQL < 18), which made a z10 tile with ~1,300 features take 2 s; PL/pgSQL caches.
CREATE OR REPLACE FUNCTION tile_geom(
  g geometry, z integer, x integer, y integer,
  extent integer DEFAULT 4096, buffer integer DEFAULT 64
) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  e geometry := ST_TileEnvelope(z, x, y);
  k float8 := extent / (ST_XMax(e) - ST_XMin(e));
  s geometry;
BEGIN
  IF g IS NULL THEN
    RETURN NULL;
  END IF;
  IF ST_Dimension(g) > 0 THEN
    g := ST_ClipByBox2D(g, ST_Expand(e, buffer / k));
  END IF;
  s := ST_RemoveRepeatedPoints(ST_SnapToGrid(ST_Affine(g, k, 0, 0, -k, -ST_XMin(e) * k, ST_YMax(e) * k), 1));
  IF s IS NULL OR ST_IsEmpty(s) THEN
    RETURN NULL;
  END IF;
  IF ST_Dimension(s) = 2 THEN
    IF NOT ST_IsValid(s) THEN
      s := ST_CollectionExtract(ST_MakeValid(s), 3);
    END IF;
    s := ST_ForcePolygonCCW(s);
    IF ST_IsEmpty(s) THEN
      RETURN NULL;
    END IF;
  END IF;
  RETURN s;
END $$;

COMMENT ON FUNCTION tile_geom(geometry, integer, integer, integer, integer, integer) IS
  'ST_AsMVTGeom equivalent that runs on PGlite (no protobuf-c) and native PostGIS alike';
