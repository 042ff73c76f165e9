-- The area hierarchy: county → street (街道/乡镇) → community (社区/村) → grid (网格).
-- One table for all levels: tiles, the tree and point lookups treat them alike, and the
-- 数字城管 code (6 county + 3 street + 3 community + 3 grid digits) encodes the parent chain.

CREATE TYPE area_level AS ENUM ('county', 'street', 'community', 'grid');

CREATE TABLE areas (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  level       area_level NOT NULL,
  code        text NOT NULL,
  name        text NOT NULL,
  parent_id   integer REFERENCES areas (id) ON DELETE RESTRICT,
  geom        geometry(MultiPolygon, 4326) NOT NULL,
  -- Web Mercator copy, kept by trigger: tiles are cut in EPSG:3857 and transforming every
  -- polygon on every tile request would dominate tile time.
  geom_3857   geometry(MultiPolygon, 3857) NOT NULL,
  label_point geometry(Point, 4326) NOT NULL,
  area_m2     double precision NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT areas_code_unique UNIQUE (code),
  CONSTRAINT areas_code_format CHECK (
    code ~ '^[0-9]+$' AND length(code) = CASE level
      WHEN 'county' THEN 6 WHEN 'street' THEN 9 WHEN 'community' THEN 12 ELSE 15 END),
  CONSTRAINT areas_root_is_county CHECK ((level = 'county') = (parent_id IS NULL)),
  CONSTRAINT areas_name_present CHECK (btrim(name) <> '' AND length(name) <= 100),
  CONSTRAINT areas_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
);

CREATE INDEX areas_geom_gist ON areas USING gist (geom);
CREATE INDEX areas_geom_3857_gist ON areas USING gist (geom_3857);
CREATE INDEX areas_label_point_gist ON areas USING gist (label_point);
CREATE INDEX areas_parent_id ON areas (parent_id);
CREATE INDEX areas_level ON areas (level);

COMMENT ON TABLE areas IS 'County, streets, communities and grids; geometry EPSG:4326 (CGCS2000 ≈ WGS84)';

-- Derived columns and the structural rules a constraint cannot express: the parent is one
-- level up and its code is the prefix of the child's code.
CREATE FUNCTION areas_before_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p record;
BEGIN
  IF NEW.parent_id IS NOT NULL THEN
    SELECT level, code INTO p FROM areas WHERE id = NEW.parent_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'parent % of area % does not exist', NEW.parent_id, NEW.code USING ERRCODE = '23503';
    END IF;
    IF p.level <> (enum_range(NULL::area_level))[array_position(enum_range(NULL::area_level), NEW.level) - 1] THEN
      RAISE EXCEPTION 'area % (%) cannot have a % as parent', NEW.code, NEW.level, p.level USING ERRCODE = '23514';
    END IF;
    IF left(NEW.code, length(p.code)) <> p.code THEN
      RAISE EXCEPTION 'code % does not start with its parent''s code %', NEW.code, p.code USING ERRCODE = '23514';
    END IF;
  END IF;
  IF TG_OP = 'INSERT' OR NOT ST_Equals(NEW.geom, OLD.geom) THEN
    NEW.geom_3857 := ST_Transform(NEW.geom, 3857);
    NEW.label_point := ST_PointOnSurface(NEW.geom);
    NEW.area_m2 := ST_Area(NEW.geom::geography);
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $$;

CREATE TRIGGER areas_before_write BEFORE INSERT OR UPDATE ON areas
  FOR EACH ROW EXECUTE FUNCTION areas_before_write();

-- Basemap drawn from the project's own data (no internet needed): roads, water.
CREATE TABLE basemap_features (
  id        integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind      text NOT NULL CHECK (kind IN ('road_major', 'road_minor', 'water')),
  name      text,
  geom      geometry(Geometry, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  geom_3857 geometry(Geometry, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
);
CREATE INDEX basemap_features_geom_3857_gist ON basemap_features USING gist (geom_3857);
