-- Problems and their events partitioned by month (issue 15, docs/SCALE.md "Monthly partitions").
--
-- The month lives in the id. A problem's id is yyyymm × 10¹⁰ + n, where yyyymm is the Beijing
-- month of reported_at and n a number from one sequence (problem_new_id): 2026120000000042 is the
-- 42nd problem written, reported in December 2026 — a case number of the kind 数字城管 systems
-- print. Both tables are partitioned by RANGE on that id (problem_events on problem_id), one
-- partition per month, so:
--   * every primary key, unique constraint and foreign key stays as it was (the partition key is
--     the id itself: `problems (id)` stays unique, the five foreign keys naming it stay);
--   * a lookup by id (`GET /api/problems/:id`, every step's `WHERE id = $1 AND version = $2`)
--     is pruned to one partition — partitioning by reported_at would probe every month's index;
--   * a problem's timeline lives in its month's events partition, and a month detaches with its
--     events;
--   * an event's foreign key to its problem is declared between the two partitions of a month
--     (problem_events_mYYYYMM → problems_mYYYYMM, legacy → legacy, default → default). It says the
--     same as one key between the parents — an event's problem_id lies in its partition's range,
--     and so does that problem's id — but each check probes one plain table: checked against the
--     partitioned parent, 30,000 events took 2,976 ms to insert here, 316 ms month to month
--     (270 ms before partitioning).
-- The ids stay below 2⁵³ (JavaScript numbers) until the year 9007.
--
-- Rows written before this migration keep their ids (< 10¹⁵) and stay together in the
-- partitions *_legacy. Months are created ahead by problem_partitions_ensure (called here, by
-- the overdue sweep every run, and by the bulk writers for the months they fill); a row whose
-- month has no partition yet lands in the DEFAULT partition instead of failing, and a month is
-- not created over rows already in the default (the function says so and skips it).

-- 1. The old tables step aside: their identities, triggers and the foreign keys naming them go.
ALTER TABLE problems RENAME TO problems_before_025;
ALTER TABLE problem_events RENAME TO problem_events_before_025;
ALTER TABLE problems_before_025 ALTER COLUMN id DROP IDENTITY;
ALTER TABLE problem_events_before_025 ALTER COLUMN id DROP IDENTITY;
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
           WHERE contype = 'f' AND confrelid IN ('problems_before_025'::regclass, 'problem_events_before_025'::regclass)
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
  END LOOP;
END $$;
DROP TRIGGER problem_day_counts_sync ON problems_before_025;
DROP TRIGGER problem_events_append_only ON problem_events_before_025;
DROP TRIGGER problem_events_no_truncate ON problem_events_before_025;
DROP TRIGGER problem_events_notify ON problem_events_before_025;
-- the per-day aggregate's helpers take the table's row type: made again below for the new one
DROP FUNCTION problem_day_counts_add(problems_before_025, integer);
DROP FUNCTION problem_day_sets(problems_before_025);
-- the old indexes' names are taken by the new tables' indexes
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT x.indexrelid::regclass AS idx FROM pg_index x
           WHERE x.indrelid IN ('problems_before_025'::regclass, 'problem_events_before_025'::regclass)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
  LOOP
    EXECUTE format('DROP INDEX %s', r.idx);
  END LOOP;
END $$;
ALTER TABLE problems_before_025 RENAME CONSTRAINT problems_pkey TO problems_before_025_pkey;
ALTER TABLE problem_events_before_025 RENAME CONSTRAINT problem_events_pkey TO problem_events_before_025_pkey;
ALTER TABLE problem_events_before_025 RENAME CONSTRAINT problem_events_seq_unique TO problem_events_before_025_seq;

-- 2. The month key and the id.
-- The Beijing month of an instant as yyyymm (figures_day, 021, is its day).
CREATE FUNCTION problem_month(t timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT extract(year FROM figures_day(t))::bigint * 100 + extract(month FROM figures_day(t))::bigint
$$;
COMMENT ON FUNCTION problem_month(timestamptz) IS 'The Beijing month (UTC+8) of an instant as yyyymm: the partition of a problem reported then';

-- n of every new id; 10¹⁰ − 1 at most, so that n never spills into the next month's range
CREATE SEQUENCE problem_number_seq AS bigint MINVALUE 1 MAXVALUE 9999999999;

CREATE FUNCTION problem_new_id(reported_at timestamptz) RETURNS bigint LANGUAGE sql VOLATILE AS $$
  SELECT problem_month(reported_at) * 10000000000 + nextval('problem_number_seq')
$$;
COMMENT ON FUNCTION problem_new_id(timestamptz) IS
  'A new problem id: the Beijing month of reported_at (yyyymm) × 10¹⁰ + the next problem number; the partition key of problems and problem_events';

-- 3. The partitioned tables, column for column as before.
CREATE TABLE problems (
  id                bigint NOT NULL,
  street_code       text,
  category_id       integer NOT NULL REFERENCES problem_categories (id) ON DELETE RESTRICT,
  source            problem_source NOT NULL,
  description       text NOT NULL,
  address           text,
  location          geometry(Point, 4326) NOT NULL,
  location_3857     geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(location, 3857)) STORED,
  reported_by       integer REFERENCES users (id) ON DELETE SET NULL,
  reported_at       timestamptz NOT NULL,
  grid_id           integer REFERENCES areas (id) ON DELETE RESTRICT,
  community_id      integer REFERENCES areas (id) ON DELETE RESTRICT,
  street_id         integer REFERENCES areas (id) ON DELETE RESTRICT,
  area_code         text,
  leader_person_id  integer REFERENCES people (id) ON DELETE RESTRICT,
  lead_unit_id      integer REFERENCES units (id) ON DELETE RESTRICT,
  routing           jsonb NOT NULL DEFAULT '{}',
  outside_grid      boolean GENERATED ALWAYS AS (grid_id IS NULL) STORED,
  state             problem_state NOT NULL DEFAULT 'reported',
  urgent            boolean NOT NULL DEFAULT false,
  assignee_unit_id  integer REFERENCES units (id) ON DELETE RESTRICT,
  verified_at       timestamptz,
  assigned_at       timestamptz,
  deadline          timestamptz,
  fixed_at          timestamptz,
  closed_at         timestamptz,
  closed_on_time    boolean,
  revisit_due_at    timestamptz,
  revisited_at      timestamptz,
  suspended_at      timestamptz,
  pending_request   jsonb,
  duplicate_of      bigint,
  rework_count      integer NOT NULL DEFAULT 0,
  relapse_count     integer NOT NULL DEFAULT 0,
  return_count      integer NOT NULL DEFAULT 0,
  extension_count   integer NOT NULL DEFAULT 0,
  supervision_count integer NOT NULL DEFAULT 0,
  accountability_count integer NOT NULL DEFAULT 0,
  cycle             integer NOT NULL DEFAULT 0,
  version           integer NOT NULL DEFAULT 1,
  updated_at        timestamptz NOT NULL,
  CONSTRAINT problems_pkey PRIMARY KEY (id),
  CONSTRAINT problems_description_present CHECK (btrim(description) <> '' AND length(description) <= 2000),
  CONSTRAINT problems_location_valid CHECK (ST_IsValid(location) AND NOT ST_IsEmpty(location)),
  CONSTRAINT problems_counters CHECK (rework_count >= 0 AND relapse_count >= 0 AND return_count >= 0
    AND extension_count >= 0 AND supervision_count >= 0 AND accountability_count >= 0 AND version >= 1),
  CONSTRAINT problems_deadline_when_assigned CHECK (state NOT IN ('assigned', 'fixed') OR deadline IS NOT NULL),
  CONSTRAINT problems_duplicate_link CHECK ((state = 'duplicate') = (duplicate_of IS NOT NULL) AND duplicate_of IS DISTINCT FROM id),
  -- the id names the month it is kept in (legacy ids, below 10¹⁵, name none)
  CONSTRAINT problems_id_month CHECK (id < 1000000000000000 OR id / 10000000000 = problem_month(reported_at))
) PARTITION BY RANGE (id);
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
CREATE INDEX problems_outside_grid ON problems (reported_at) WHERE grid_id IS NULL;
CREATE INDEX problems_figures_scan ON problems (reported_at) INCLUDE (grid_id, community_id, street_id, state);

CREATE TABLE problem_events (
  id          bigint GENERATED ALWAYS AS IDENTITY,
  problem_id  bigint NOT NULL,
  seq         integer NOT NULL,
  action      text NOT NULL,
  from_state  problem_state,
  to_state    problem_state NOT NULL,
  actor_id    integer REFERENCES users (id) ON DELETE SET NULL,
  actor_name  text,
  actor_role  text,
  actor_unit_id integer REFERENCES units (id) ON DELETE SET NULL,
  at          timestamptz NOT NULL,
  comment     text,
  data        jsonb NOT NULL DEFAULT '{}',
  -- the partition key is part of every unique constraint; id alone is still unique (identity)
  CONSTRAINT problem_events_pkey PRIMARY KEY (id, problem_id),
  CONSTRAINT problem_events_seq_unique UNIQUE (problem_id, seq),
  CONSTRAINT problem_events_comment_length CHECK (comment IS NULL OR length(comment) <= 2000)
) PARTITION BY RANGE (problem_id);
CREATE INDEX problem_events_at ON problem_events (at);

-- 4. Partitions: the rows of before, the safety net, and the months.
CREATE TABLE problems_legacy PARTITION OF problems FOR VALUES FROM (MINVALUE) TO (1000000000000000);
CREATE TABLE problem_events_legacy PARTITION OF problem_events FOR VALUES FROM (MINVALUE) TO (1000000000000000);
CREATE TABLE problems_default PARTITION OF problems DEFAULT;
CREATE TABLE problem_events_default PARTITION OF problem_events DEFAULT;

CREATE FUNCTION problem_partitions_ensure(first_month date, months integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  m date;
  key bigint;
  lo bigint;
  hi bigint;
  made integer := 0;
BEGIN
  FOR i IN 0 .. months - 1 LOOP
    m := (date_trunc('month', first_month) + make_interval(months => i))::date;
    key := extract(year FROM m)::bigint * 100 + extract(month FROM m)::bigint;
    lo := key * 10000000000;
    hi := (extract(year FROM m + interval '1 month')::bigint * 100 + extract(month FROM m + interval '1 month')::bigint) * 10000000000;
    CONTINUE WHEN to_regclass(format('problems_m%s', key)) IS NOT NULL;
    IF EXISTS (SELECT 1 FROM problems_default WHERE id >= lo AND id < hi)
       OR EXISTS (SELECT 1 FROM problem_events_default WHERE problem_id >= lo AND problem_id < hi) THEN
      RAISE NOTICE 'month % has rows in the default partition: not partitioned', key;
      CONTINUE;
    END IF;
    EXECUTE format('CREATE TABLE problems_m%s PARTITION OF problems FOR VALUES FROM (%s) TO (%s)', key, lo, hi);
    EXECUTE format('CREATE TABLE problem_events_m%s PARTITION OF problem_events FOR VALUES FROM (%s) TO (%s)', key, lo, hi);
    EXECUTE format('ALTER TABLE problem_events_m%1$s ADD CONSTRAINT problem_events_m%1$s_problem_fkey
      FOREIGN KEY (problem_id) REFERENCES problems_m%1$s (id) ON DELETE RESTRICT', key);
    made := made + 1;
  END LOOP;
  RETURN made;
END $$;
COMMENT ON FUNCTION problem_partitions_ensure(date, integer) IS
  'Creates the monthly partitions problems_mYYYYMM and problem_events_mYYYYMM for `months` months from first_month where missing (skipping a month that already has rows in the default partition); returns how many months it created';

-- the months around the day of migrating; the overdue sweep keeps three months ahead from then on
SELECT problem_partitions_ensure((now() - interval '1 month')::date, 5);

-- 5. The rows of before, as they were (ids < 10¹⁵: the legacy partitions).
INSERT INTO problems (id, street_code, category_id, source, description, address, location, reported_by, reported_at,
  grid_id, community_id, street_id, area_code, leader_person_id, lead_unit_id, routing, state, urgent, assignee_unit_id,
  verified_at, assigned_at, deadline, fixed_at, closed_at, closed_on_time, revisit_due_at, revisited_at, suspended_at,
  pending_request, duplicate_of, rework_count, relapse_count, return_count, extension_count, supervision_count,
  accountability_count, cycle, version, updated_at)
SELECT id, street_code, category_id, source, description, address, location, reported_by, reported_at,
  grid_id, community_id, street_id, area_code, leader_person_id, lead_unit_id, routing, state, urgent, assignee_unit_id,
  verified_at, assigned_at, deadline, fixed_at, closed_at, closed_on_time, revisit_due_at, revisited_at, suspended_at,
  pending_request, duplicate_of, rework_count, relapse_count, return_count, extension_count, supervision_count,
  accountability_count, cycle, version, updated_at
FROM problems_before_025;
INSERT INTO problem_events (id, problem_id, seq, action, from_state, to_state, actor_id, actor_name, actor_role,
  actor_unit_id, at, comment, data) OVERRIDING SYSTEM VALUE
SELECT id, problem_id, seq, action, from_state, to_state, actor_id, actor_name, actor_role, actor_unit_id, at, comment, data
FROM problem_events_before_025;
SELECT setval(pg_get_serial_sequence('problem_events', 'id'), coalesce((SELECT max(id) FROM problem_events), 0) + 1, false);
DROP TABLE problem_events_before_025;
DROP TABLE problems_before_025;

-- 6. What named the old tables, again.
ALTER TABLE problems ADD CONSTRAINT problems_duplicate_of_fkey
  FOREIGN KEY (duplicate_of) REFERENCES problems (id) ON DELETE RESTRICT;
-- an event's problem: month to month (the header says why); the months made above got theirs there
ALTER TABLE problem_events_legacy ADD CONSTRAINT problem_events_legacy_problem_fkey
  FOREIGN KEY (problem_id) REFERENCES problems_legacy (id) ON DELETE RESTRICT;
ALTER TABLE problem_events_default ADD CONSTRAINT problem_events_default_problem_fkey
  FOREIGN KEY (problem_id) REFERENCES problems_default (id) ON DELETE RESTRICT;
-- an event is unique by (id, problem_id) now; a photo has both, and names its problem through its
-- event (whose own key names the problem): a second key from photos to problems would only add a
-- check against the partitioned parent to every photo
ALTER TABLE problem_photos ADD CONSTRAINT problem_photos_event_id_fkey
  FOREIGN KEY (event_id, problem_id) REFERENCES problem_events (id, problem_id) ON DELETE RESTRICT;
ALTER TABLE problem_notices ADD CONSTRAINT problem_notices_problem_id_fkey
  FOREIGN KEY (problem_id) REFERENCES problems (id) ON DELETE RESTRICT;
ALTER TABLE assessment_findings ADD CONSTRAINT assessment_findings_problem_id_fkey
  FOREIGN KEY (problem_id) REFERENCES problems (id) ON DELETE SET NULL;

CREATE TRIGGER problem_events_append_only BEFORE UPDATE OR DELETE ON problem_events
  FOR EACH ROW EXECUTE FUNCTION problem_events_append_only();
CREATE TRIGGER problem_events_no_truncate BEFORE TRUNCATE ON problem_events
  FOR EACH STATEMENT EXECUTE FUNCTION problem_events_append_only();
CREATE TRIGGER problem_events_notify AFTER INSERT ON problem_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION problem_events_notify();

-- the per-day aggregate's helpers (021), unchanged but for the row type they take
CREATE FUNCTION problem_day_sets(p problems) RETURNS integer[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN p.state NOT IN ('invalid', 'duplicate') THEN ARRAY[
    1,
    (p.state = 'suspended')::int,
    ((p.fixed_at IS NOT NULL OR p.rework_count > 0))::int,
    (p.rework_count > 0)::int,
    ((p.revisited_at IS NOT NULL OR p.relapse_count > 0))::int,
    (p.relapse_count > 0)::int,
    (p.assigned_at IS NOT NULL)::int,
    (p.return_count > 0)::int,
    (p.supervision_count > 0)::int,
    (p.accountability_count > 0)::int
  ] END
$$;
COMMENT ON FUNCTION problem_day_sets(problems) IS
  'The asOf-independent figure sets one problem belongs to (problem_day_counts columns), NULL outside the cohort';

CREATE FUNCTION problem_day_counts_add(p problems, dir integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO problem_day_counts AS c (day, grid_id, community_id, street_id, area_code, source, assigned, found, suspended,
    fixed_once, reworked, revisited, relapsed, assigned_once, returned, supervised, accountability)
  SELECT figures_day(p.reported_at), p.grid_id, p.community_id, p.street_id, p.area_code, p.source, p.assigned_at IS NOT NULL,
         dir * s[1], dir * s[2], dir * s[3], dir * s[4], dir * s[5], dir * s[6], dir * s[7], dir * s[8], dir * s[9], dir * s[10]
  FROM (SELECT problem_day_sets(p) AS s) x WHERE s IS NOT NULL
  ON CONFLICT (day, grid_id, community_id, street_id, area_code, source, assigned) DO UPDATE SET
    found = c.found + EXCLUDED.found, suspended = c.suspended + EXCLUDED.suspended,
    fixed_once = c.fixed_once + EXCLUDED.fixed_once, reworked = c.reworked + EXCLUDED.reworked,
    revisited = c.revisited + EXCLUDED.revisited, relapsed = c.relapsed + EXCLUDED.relapsed,
    assigned_once = c.assigned_once + EXCLUDED.assigned_once, returned = c.returned + EXCLUDED.returned,
    supervised = c.supervised + EXCLUDED.supervised, accountability = c.accountability + EXCLUDED.accountability
$$;
COMMENT ON FUNCTION problem_day_counts_add(problems, integer) IS 'Adds (dir 1) or takes away (-1) one problem''s counts';

CREATE TRIGGER problem_day_counts_sync AFTER INSERT OR UPDATE OR DELETE ON problems
  FOR EACH ROW EXECUTE FUNCTION problem_day_counts_sync();
