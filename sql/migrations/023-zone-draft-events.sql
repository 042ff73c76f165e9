-- Live zone events (issue 13, docs/ZONES.md "Live updates"): every write to a zone draft —
-- created (a new draft or a revert), edited, applied, deleted — NOTIFYs the channel of the live
-- events (014) once per row, delivered only if it commits. The payload names the draft and what
-- happened, never its data:
--   zone_drafts:<id>:<created|updated|applied|deleted>
-- api/services/event-hub.ts hands it to api/services/zone-events.ts, which decides who gets it.
CREATE FUNCTION zone_drafts_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  action text;
  draft integer;
BEGIN
  IF TG_OP = 'INSERT' THEN
    action := 'created';
    draft := NEW.id;
  ELSIF TG_OP = 'DELETE' THEN
    action := 'deleted';
    draft := OLD.id;
  ELSIF OLD.status = 'draft' AND NEW.status = 'applied' THEN
    action := 'applied';
    draft := NEW.id;
  ELSE
    action := 'updated';
    draft := NEW.id;
  END IF;
  PERFORM pg_notify('wangge_events', 'zone_drafts:' || draft || ':' || action);
  RETURN NULL;
END $$;

CREATE TRIGGER zone_drafts_notify AFTER INSERT OR UPDATE OR DELETE ON zone_drafts
  FOR EACH ROW EXECUTE FUNCTION zone_drafts_notify();

COMMENT ON FUNCTION zone_drafts_notify() IS
  'NOTIFY wangge_events with the id of a zone draft written and what happened to it (fires on commit only)';
