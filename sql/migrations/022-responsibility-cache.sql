-- The API's per-grid responsibility cache (issue 15, api/services/assignments-responsibility.ts)
-- holds unit names and contacts too: a change of units NOTIFYs wangge_sessions '*' like the
-- changes of assignments, people and areas already do (migration 020), so every process drops
-- its cached answers (and its cached sessions, harmlessly: unit edits are rare) on commit.
CREATE TRIGGER units_cache_notify AFTER INSERT OR UPDATE OR DELETE ON units
  FOR EACH STATEMENT EXECUTE FUNCTION session_cache_notify_all();
