-- Live events (docs/ARCHITECTURE.md "Live events", issue 12): every statement that appends to
-- problem_events — a report, each step, a 督办/问责 notice of the overdue sweep, the bulk demo
-- writer — NOTIFYs the channel wangge_events once, in its own transaction, so the notification
-- is delivered only if it commits. The payload names the rows, never their data:
--   problem_events:<min id>:<max id>:<count>
-- Each API process LISTENs (api/services/event-hub.ts), reads those rows and sends each
-- subscriber the ones its caller may see (problem_visible). A notice always comes with its event
-- (action supervision_notice / accountability_notice), so problem_notices needs no trigger.
CREATE FUNCTION problem_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  lo bigint;
  hi bigint;
  n bigint;
BEGIN
  SELECT min(id), max(id), count(*) INTO lo, hi, n FROM new_events;
  IF n > 0 THEN
    PERFORM pg_notify('wangge_events', 'problem_events:' || lo || ':' || hi || ':' || n);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER problem_events_notify AFTER INSERT ON problem_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION problem_events_notify();

COMMENT ON FUNCTION problem_events_notify() IS
  'NOTIFY wangge_events with the id range of the problem events a statement appended (fires on commit only)';
