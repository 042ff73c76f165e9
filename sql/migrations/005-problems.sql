-- The problem's closed loop (问题闭环): categories as data, problems routed at write time, an
-- append-only event log, photos, and supervision/accountability notices.
-- The state machine itself lives in api/domain/problem-machine.ts (pure, unit-tested); the
-- database keeps what the machine may never violate (enums, counters ≥ 0, append-only events,
-- one notice of a kind per problem and cycle).

-- 大类 / 小类 / 细类. Only leaves (level 3) are used on problems; they carry the deadline and the
-- standards. Editable by an admin at run time (never deleted once used: `active` hides them).
CREATE TABLE problem_categories (
  id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code             text NOT NULL,
  parent_id        integer REFERENCES problem_categories (id) ON DELETE RESTRICT,
  level            smallint NOT NULL,
  name_zh          text NOT NULL,
  name_en          text NOT NULL,
  -- leaves only: hours to fix once assigned (交办), calendar hours unless working_days
  deadline_hours   integer,
  working_days     boolean NOT NULL DEFAULT false,
  filing_standard  text,   -- 立案标准
  closing_standard text,   -- 结案标准
  urgent           boolean NOT NULL DEFAULT false,
  handler          text,   -- the kind of unit that handles it (城管执法, 住建, 环卫, 市场监管…)
  revisit_days     integer NOT NULL DEFAULT 7, -- 回头看 this many days after closing
  active           boolean NOT NULL DEFAULT true,
  sort             integer NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT problem_categories_code_unique UNIQUE (code),
  CONSTRAINT problem_categories_code_format CHECK (code ~ '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$' AND length(code) = level * 2),
  CONSTRAINT problem_categories_level CHECK (level BETWEEN 1 AND 3),
  CONSTRAINT problem_categories_parent CHECK ((level = 1) = (parent_id IS NULL)),
  CONSTRAINT problem_categories_names CHECK (btrim(name_zh) <> '' AND btrim(name_en) <> ''),
  CONSTRAINT problem_categories_leaf_deadline CHECK ((level = 3) = (deadline_hours IS NOT NULL)),
  CONSTRAINT problem_categories_deadline_range CHECK (deadline_hours IS NULL OR deadline_hours BETWEEN 1 AND 8760),
  CONSTRAINT problem_categories_revisit_range CHECK (revisit_days BETWEEN 1 AND 365)
);
CREATE INDEX problem_categories_parent ON problem_categories (parent_id);

CREATE TYPE problem_source AS ENUM (
  'inspection',   -- 督查
  'undercover',   -- 暗访 (media): hidden from units and grid staff until assigned
  'patrol',       -- 网格巡查
  'citizen',      -- 群众反映
  'camera',       -- 视频/无人机
  'higher_level'  -- 上级交办
);

CREATE TYPE problem_state AS ENUM (
  'reported',   -- 上报, waiting for verification
  'invalid',    -- 不予立案 (rejected at verification, with a reason) — final
  'duplicate',  -- merged into another problem (duplicate_of) — final
  'verified',   -- 立案, waiting to be assigned (or returned as "not ours" and waiting again)
  'assigned',   -- 交办: the clock runs against `deadline`
  'suspended',  -- 挂账 (approved): no clock, out of due counts
  'fixed',      -- 整改 reported with an after-photo, waiting for acceptance
  'closed'      -- 验收通过 / 销号; revisited later (回头看), may reopen on relapse
);

CREATE TABLE problems (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- the region key (street code) for distribution by region later (ARCHITECTURE "Beyond one
  -- machine"); NULL only for a point outside every street
  street_code       text,
  category_id       integer NOT NULL REFERENCES problem_categories (id) ON DELETE RESTRICT,
  source            problem_source NOT NULL,
  description       text NOT NULL,
  address           text,
  location          geometry(Point, 4326) NOT NULL,
  location_3857     geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(location, 3857)) STORED,
  reported_by       integer REFERENCES users (id) ON DELETE SET NULL,
  reported_at       timestamptz NOT NULL,
  -- routed at write time (DESIGN.md): who was responsible for the point at reported_at
  grid_id           integer REFERENCES areas (id) ON DELETE RESTRICT,
  community_id      integer REFERENCES areas (id) ON DELETE RESTRICT,
  street_id         integer REFERENCES areas (id) ON DELETE RESTRICT,
  -- the deepest routed area's code: what scope checks compare with (area_visible)
  area_code         text,
  leader_person_id  integer REFERENCES people (id) ON DELETE RESTRICT,
  lead_unit_id      integer REFERENCES units (id) ON DELETE RESTRICT,
  -- every unit and person in force at reported_at (the responsibility_at answer, as stored)
  routing           jsonb NOT NULL DEFAULT '{}',
  outside_grid      boolean GENERATED ALWAYS AS (grid_id IS NULL) STORED,
  -- the loop
  state             problem_state NOT NULL DEFAULT 'reported',
  urgent            boolean NOT NULL DEFAULT false,
  assignee_unit_id  integer REFERENCES units (id) ON DELETE RESTRICT,
  verified_at       timestamptz,
  assigned_at       timestamptz,  -- first assignment (交办): from then on units see 暗访 problems
  deadline          timestamptz,
  fixed_at          timestamptz,
  closed_at         timestamptz,
  closed_on_time    boolean,      -- the last fix before closing came by the deadline in force
  revisit_due_at    timestamptz,
  revisited_at      timestamptz,
  suspended_at      timestamptz,
  -- a pending request (extension or suspension) waiting for a supervisor: {kind, by, at, reason, deadline?}
  pending_request   jsonb,
  duplicate_of      bigint REFERENCES problems (id) ON DELETE RESTRICT,
  rework_count      integer NOT NULL DEFAULT 0,
  relapse_count     integer NOT NULL DEFAULT 0,
  return_count      integer NOT NULL DEFAULT 0,
  extension_count   integer NOT NULL DEFAULT 0,
  supervision_count integer NOT NULL DEFAULT 0,
  accountability_count integer NOT NULL DEFAULT 0,
  -- how many times the clock was started (assign, rework, relapse): notices are per cycle
  cycle             integer NOT NULL DEFAULT 0,
  -- optimistic concurrency: a transition names the version it saw; one of two concurrent wins
  version           integer NOT NULL DEFAULT 1,
  updated_at        timestamptz NOT NULL,
  CONSTRAINT problems_description_present CHECK (btrim(description) <> '' AND length(description) <= 2000),
  CONSTRAINT problems_location_valid CHECK (ST_IsValid(location) AND NOT ST_IsEmpty(location)),
  CONSTRAINT problems_counters CHECK (rework_count >= 0 AND relapse_count >= 0 AND return_count >= 0
    AND extension_count >= 0 AND supervision_count >= 0 AND accountability_count >= 0 AND version >= 1),
  CONSTRAINT problems_deadline_when_assigned CHECK (state NOT IN ('assigned', 'fixed') OR deadline IS NOT NULL),
  CONSTRAINT problems_duplicate_link CHECK ((state = 'duplicate') = (duplicate_of IS NOT NULL) AND duplicate_of IS DISTINCT FROM id)
);
CREATE INDEX problems_location ON problems USING gist (location);
CREATE INDEX problems_location_3857 ON problems USING gist (location_3857);
CREATE INDEX problems_grid ON problems (grid_id, reported_at);
CREATE INDEX problems_community ON problems (community_id, reported_at);
CREATE INDEX problems_street ON problems (street_id, reported_at);
CREATE INDEX problems_lead_unit ON problems (lead_unit_id, reported_at);
CREATE INDEX problems_assignee_unit ON problems (assignee_unit_id, reported_at);
CREATE INDEX problems_reported_at ON problems (reported_at);
CREATE INDEX problems_open_deadline ON problems (deadline) WHERE state = 'assigned';
CREATE INDEX problems_state ON problems (state, category_id);
CREATE INDEX problems_revisit_due ON problems (revisit_due_at) WHERE state = 'closed' AND revisited_at IS NULL;

-- Every step, append-only: the timeline is rebuilt from these rows.
CREATE TABLE problem_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  problem_id  bigint NOT NULL REFERENCES problems (id) ON DELETE RESTRICT,
  seq         integer NOT NULL,          -- 1, 2, 3… per problem (= problems.version after it)
  action      text NOT NULL,             -- report, verify, assign, fix, accept, … (problem-machine.ts)
  from_state  problem_state,             -- NULL for the report itself
  to_state    problem_state NOT NULL,
  actor_id    integer REFERENCES users (id) ON DELETE SET NULL,  -- NULL: the system (overdue sweep)
  actor_name  text,                      -- as it was then
  actor_role  text,
  actor_unit_id integer REFERENCES units (id) ON DELETE SET NULL,
  at          timestamptz NOT NULL,
  comment     text,
  data        jsonb NOT NULL DEFAULT '{}', -- action details: deadline, reason, duplicateOf, notice id…
  CONSTRAINT problem_events_seq_unique UNIQUE (problem_id, seq),
  CONSTRAINT problem_events_comment_length CHECK (comment IS NULL OR length(comment) <= 2000)
);
CREATE INDEX problem_events_at ON problem_events (at);

CREATE FUNCTION problem_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'problem_events is append-only: % refused', TG_OP USING ERRCODE = '42501';
END $$;
CREATE TRIGGER problem_events_append_only BEFORE UPDATE OR DELETE ON problem_events
  FOR EACH ROW EXECUTE FUNCTION problem_events_append_only();
CREATE TRIGGER problem_events_no_truncate BEFORE TRUNCATE ON problem_events
  FOR EACH STATEMENT EXECUTE FUNCTION problem_events_append_only();

-- Photos: the bytes are re-encoded by the server (never served as uploaded) and stored once per
-- content hash; a problem's photos point at them from the event that brought them.
CREATE TABLE photo_blobs (
  sha256     text PRIMARY KEY,            -- of the re-encoded JPEG
  mime       text NOT NULL CHECK (mime = 'image/jpeg'),
  width      integer NOT NULL CHECK (width > 0),
  height     integer NOT NULL CHECK (height > 0),
  bytes      bytea NOT NULL,
  thumb      bytea NOT NULL,              -- ≤ 320 px JPEG
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE problem_photos (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  problem_id  bigint NOT NULL REFERENCES problems (id) ON DELETE RESTRICT,
  event_id    bigint NOT NULL REFERENCES problem_events (id) ON DELETE RESTRICT,
  kind        text NOT NULL CHECK (kind IN ('before', 'after', 'revisit')),
  sha256      text NOT NULL REFERENCES photo_blobs (sha256) ON DELETE RESTRICT,
  uploaded_by integer REFERENCES users (id) ON DELETE SET NULL,
  uploaded_at timestamptz NOT NULL
);
CREATE INDEX problem_photos_problem ON problem_photos (problem_id, id);

CREATE TYPE notice_kind AS ENUM (
  'supervision',     -- 督办通知单: raised when an assigned problem passes its deadline
  'accountability'   -- 问责通知单: raised when it is still not fixed when the supervision notice falls due
);

CREATE TABLE problem_notices (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  problem_id  bigint NOT NULL REFERENCES problems (id) ON DELETE RESTRICT,
  kind        notice_kind NOT NULL,
  -- the n-th time this problem was assigned/reworked/reopened: one notice of a kind per cycle
  cycle       integer NOT NULL,
  number      text NOT NULL,              -- 督办〔2026〕第 0001 号
  issued_at   timestamptz NOT NULL,
  due_at      timestamptz NOT NULL,       -- the new limit (24 h by default)
  unit_id     integer REFERENCES units (id) ON DELETE RESTRICT,  -- addressed to
  grid_id     integer REFERENCES areas (id) ON DELETE RESTRICT,
  area_code   text,
  resolved_at timestamptz,                -- the problem was fixed (or suspended/closed) after it
  CONSTRAINT problem_notices_once UNIQUE (problem_id, kind, cycle),
  CONSTRAINT problem_notices_number_unique UNIQUE (number)
);
CREATE SEQUENCE problem_notice_number;
CREATE INDEX problem_notices_issued ON problem_notices (issued_at DESC);
CREATE INDEX problem_notices_open ON problem_notices (due_at) WHERE resolved_at IS NULL;
