-- Every area containing a point, county first. One GiST lookup per level; this is also the
-- lookup that routing will use at write time (DESIGN.md "Routing is done once").
CREATE OR REPLACE FUNCTION areas_at_point(lon float8, lat float8)
RETURNS TABLE (id integer, level area_level, code text, name text, parent_id integer)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT a.id, a.level, a.code, a.name, a.parent_id
  FROM areas a
  WHERE ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326))
  ORDER BY a.level, a.code
$$;
