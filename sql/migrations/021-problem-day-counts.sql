-- Figures at 1,000,000 problems (issue 15): a pre-aggregate of the problems per routed area and
-- Beijing day of report, for the figures whose problem sets do not depend on the as-of instant
-- (docs/FIGURES.md "The per-day pre-aggregate"). Kept in the same transaction as every write to
-- problems by a row trigger, so it is never stale; backfilled here for the rows already there.
--
-- The key is everything a figure groups or filters a problem by without reading its times: the
-- routed ids (grid, community, street: one row serves all three levels by GROUP BY, no street
-- row that every report of a street would lock), the area code and source and whether it was
-- ever assigned (the three facts problem_visible judges), and the Beijing day of reported_at.
CREATE TABLE problem_day_counts (
  day            date NOT NULL,
  grid_id        integer,
  community_id   integer,
  street_id      integer,
  area_code      text,
  source         problem_source NOT NULL,
  assigned       boolean NOT NULL,
  -- one count per asOf-independent set of api/domain/kpi.ts (SET_SQL in figure-sets.ts)
  found          integer NOT NULL,
  suspended      integer NOT NULL,
  fixed_once     integer NOT NULL,
  reworked       integer NOT NULL,
  revisited      integer NOT NULL,
  relapsed       integer NOT NULL,
  assigned_once  integer NOT NULL,
  returned       integer NOT NULL,
  supervised     integer NOT NULL,
  accountability integer NOT NULL
);
CREATE UNIQUE INDEX problem_day_counts_key
  ON problem_day_counts (day, grid_id, community_id, street_id, area_code, source, assigned) NULLS NOT DISTINCT;

-- The Beijing calendar day of an instant (UTC+8, no daylight saving): the aggregate's day.
CREATE FUNCTION figures_day(t timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ((t AT TIME ZONE 'UTC') + interval '8 hours')::date
$$;
COMMENT ON FUNCTION figures_day(timestamptz) IS 'The Beijing day (UTC+8) of an instant: the day of problem_day_counts';

-- What one problem adds to its key: 1 per set it belongs to, in the order of the columns above;
-- NULL outside the cohort (rejected and merged duplicates are not problems). Each predicate is
-- written exactly as in api/repositories/figure-sets.ts (tests/unit/figures-day-sets.test.ts).
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

-- A write that changes neither the key nor a set membership (most updates: version, routing
-- details, pending requests) touches no aggregate row, and so locks none.
CREATE FUNCTION problem_day_counts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.reported_at = NEW.reported_at AND OLD.source = NEW.source
     AND OLD.grid_id IS NOT DISTINCT FROM NEW.grid_id AND OLD.community_id IS NOT DISTINCT FROM NEW.community_id
     AND OLD.street_id IS NOT DISTINCT FROM NEW.street_id AND OLD.area_code IS NOT DISTINCT FROM NEW.area_code
     AND (OLD.assigned_at IS NULL) = (NEW.assigned_at IS NULL)
     AND problem_day_sets(OLD) IS NOT DISTINCT FROM problem_day_sets(NEW) THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM problem_day_counts_add(OLD, -1); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM problem_day_counts_add(NEW, 1); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER problem_day_counts_sync AFTER INSERT OR UPDATE OR DELETE ON problems
  FOR EACH ROW EXECUTE FUNCTION problem_day_counts_sync();

-- The aggregate from the rows, in one statement: the backfill below, and a bulk load that wrote
-- problems with the trigger disabled (tests/bench/figures.ts).
CREATE FUNCTION problem_day_counts_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  DELETE FROM problem_day_counts;
  INSERT INTO problem_day_counts (day, grid_id, community_id, street_id, area_code, source, assigned, found, suspended,
    fixed_once, reworked, revisited, relapsed, assigned_once, returned, supervised, accountability)
  SELECT figures_day(p.reported_at), p.grid_id, p.community_id, p.street_id, p.area_code, p.source, p.assigned_at IS NOT NULL,
         sum(s[1]), sum(s[2]), sum(s[3]), sum(s[4]), sum(s[5]), sum(s[6]), sum(s[7]), sum(s[8]), sum(s[9]), sum(s[10])
  FROM (SELECT p.*, problem_day_sets(p) AS s FROM problems p) p
  WHERE s IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  -- stored in day order, as reports arriving day by day leave it: a period reads adjacent pages
  ORDER BY 1;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION problem_day_counts_rebuild() IS 'Rebuilds problem_day_counts from problems (backfill, bulk loads)';

SELECT problem_day_counts_rebuild();
