-- Contracting units (挂联/包保单位), grid staff (网格长/网格员) and who was responsible when.
-- History is kept exactly: an assignment is never edited into another one, it is closed
-- (valid_to set) and a new one opened. Periods are half-open [valid_from, valid_to): at the
-- instant of a reassignment the new holder is in force, the old one no longer.

-- EXCLUDE constraints mixing "=" on integers with "&&" on ranges need btree_gist (contrib on
-- native PostgreSQL; @electric-sql/pglite/contrib/btree_gist on PGlite, loaded in api/db/pglite.ts).
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TYPE unit_type AS ENUM (
  'prefecture',          -- 市直单位
  'county',              -- 县直单位
  'central_provincial_local', -- 中央、省属驻县单位
  'township',            -- 乡镇（街道）
  'enterprise',          -- 国有企业、金融机构
  'other'                -- 其他（学校、医院等事业单位也可归此）
);

-- Phones are stored normalised (api/domain/phone.ts): a mainland mobile of 11 digits or a
-- landline 0AA[A]-NNNNNNN[N]. The CHECK repeats the rule so no other writer can bypass it.
CREATE FUNCTION phone_is_valid(p text) RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT p ~ '^(1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8})$'
$$;

CREATE TABLE units (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code          text NOT NULL,
  name          text NOT NULL,
  type          unit_type NOT NULL,
  leader_name   text,
  contact_name  text,
  contact_phone text,
  -- 门前四包: the unit's own premises, whose frontage it keeps clean, orderly, green and safe
  premises      geometry(Geometry, 4326),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT units_code_unique UNIQUE (code),
  CONSTRAINT units_name_unique UNIQUE (name),
  CONSTRAINT units_code_format CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
  CONSTRAINT units_name_present CHECK (btrim(name) <> '' AND length(name) <= 100),
  CONSTRAINT units_phone_valid CHECK (contact_phone IS NULL OR phone_is_valid(contact_phone)),
  CONSTRAINT units_premises_kind CHECK (premises IS NULL OR (
    GeometryType(premises) IN ('POINT', 'POLYGON', 'MULTIPOLYGON') AND ST_IsValid(premises)))
);

CREATE TABLE people (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL,
  phone      text NOT NULL,
  -- the login of this person, when they have one (a grid leader using the phone app)
  user_id    integer REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT people_phone_unique UNIQUE (phone),
  CONSTRAINT people_user_unique UNIQUE (user_id),
  CONSTRAINT people_name_present CHECK (btrim(name) <> '' AND length(name) <= 40),
  CONSTRAINT people_phone_valid CHECK (phone_is_valid(phone))
);

-- Lets assignments reference (id, level) so the database itself knows a leader sits on a grid.
ALTER TABLE areas ADD CONSTRAINT areas_id_level_unique UNIQUE (id, level);

CREATE TYPE assignment_role AS ENUM (
  'lead',     -- 牵头单位 (one per grid or community at a time)
  'support',  -- 协助单位
  'leader',   -- 网格长 (one per grid at a time)
  'member'    -- 网格员
);

-- One table for grid ↔ unit, grid ↔ person and community ↔ unit: one id space, one history,
-- one lookup. Exactly one of unit_id / person_id is set, as the role says.
CREATE TABLE assignments (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  area_id     integer NOT NULL,
  area_level  area_level NOT NULL,
  role        assignment_role NOT NULL,
  unit_id     integer REFERENCES units (id) ON DELETE RESTRICT,
  person_id   integer REFERENCES people (id) ON DELETE RESTRICT,
  valid_from  timestamptz NOT NULL,
  valid_to    timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT assignments_area_fk FOREIGN KEY (area_id, area_level) REFERENCES areas (id, level) ON DELETE RESTRICT,
  CONSTRAINT assignments_period CHECK (valid_to IS NULL OR valid_to > valid_from),
  CONSTRAINT assignments_holder CHECK (
    CASE WHEN role IN ('lead', 'support') THEN unit_id IS NOT NULL AND person_id IS NULL
         ELSE person_id IS NOT NULL AND unit_id IS NULL END),
  CONSTRAINT assignments_area_kind CHECK (
    area_level = 'grid' OR (area_level = 'community' AND role IN ('lead', 'support'))),
  -- The history may not contradict itself: one lead unit and one leader per area at a time,
  -- and the same unit or person never twice on one area in overlapping periods.
  CONSTRAINT assignments_one_lead EXCLUDE USING gist (
    area_id WITH =, tstzrange(valid_from, valid_to) WITH &&) WHERE (role = 'lead'),
  CONSTRAINT assignments_one_leader EXCLUDE USING gist (
    area_id WITH =, tstzrange(valid_from, valid_to) WITH &&) WHERE (role = 'leader'),
  CONSTRAINT assignments_unit_once EXCLUDE USING gist (
    area_id WITH =, unit_id WITH =, tstzrange(valid_from, valid_to) WITH &&) WHERE (unit_id IS NOT NULL),
  CONSTRAINT assignments_person_once EXCLUDE USING gist (
    area_id WITH =, person_id WITH =, tstzrange(valid_from, valid_to) WITH &&) WHERE (person_id IS NOT NULL)
);
-- The lookups: an area's holders at an instant (a handful of rows per area), a unit's or a
-- person's areas.
CREATE INDEX assignments_area ON assignments (area_id, valid_from);
CREATE INDEX assignments_unit ON assignments (unit_id, valid_from) WHERE unit_id IS NOT NULL;
CREATE INDEX assignments_person ON assignments (person_id, valid_from) WHERE person_id IS NOT NULL;

COMMENT ON TABLE assignments IS 'Who is responsible for a grid or community, versioned in time: [valid_from, valid_to), NULL = open';
