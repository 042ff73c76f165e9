-- Session cache invalidation (issue 15, docs/ARCHITECTURE.md "Performance"). Each API process
-- keeps the caller behind a session token for a few seconds (api/services/session-cache.ts); every
-- write that could change what such an entry holds NOTIFYs wangge_sessions, in the writing
-- transaction, so every process (each LISTENs; PGlite: its in-process bus) drops it on commit:
--   user:<id>  the account, its scope areas or one of its sessions changed (logout, password,
--              deactivation, role) → that user's entries
--   *          assignments, people or area codes changed: scopes derived from them may have moved
--              (user_scope_codes) → every entry
-- Identical payloads of one transaction are delivered once (PostgreSQL folds them).
CREATE FUNCTION session_cache_notify_user() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  -- a record's fields are resolved when read: users has id, the others user_id
  IF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('wangge_sessions', 'user:' || r.id);
  ELSE
    PERFORM pg_notify('wangge_sessions', 'user:' || r.user_id);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION session_cache_notify_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('wangge_sessions', '*');
  RETURN NULL;
END $$;

-- a session ended (logout, password change, deactivation, expiry clean-up)
CREATE TRIGGER sessions_cache_notify AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION session_cache_notify_user();
-- what a session entry holds of its account
CREATE TRIGGER users_cache_notify AFTER UPDATE ON users
  FOR EACH ROW WHEN (
    (OLD.username, OLD.display_name, OLD.role, OLD.active, OLD.password_hash, OLD.must_change_password, OLD.unit_id)
    IS DISTINCT FROM
    (NEW.username, NEW.display_name, NEW.role, NEW.active, NEW.password_hash, NEW.must_change_password, NEW.unit_id))
  EXECUTE FUNCTION session_cache_notify_user();
CREATE TRIGGER users_cache_notify_delete AFTER DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION session_cache_notify_user();
CREATE TRIGGER user_scopes_cache_notify AFTER INSERT OR UPDATE OR DELETE ON user_scopes
  FOR EACH ROW EXECUTE FUNCTION session_cache_notify_user();
-- scopes derived from contracts and grid staff (user_scope_codes)
CREATE TRIGGER assignments_cache_notify AFTER INSERT OR UPDATE OR DELETE ON assignments
  FOR EACH STATEMENT EXECUTE FUNCTION session_cache_notify_all();
CREATE TRIGGER people_cache_notify AFTER INSERT OR UPDATE OR DELETE ON people
  FOR EACH STATEMENT EXECUTE FUNCTION session_cache_notify_all();
CREATE TRIGGER areas_cache_notify AFTER UPDATE OR DELETE ON areas
  FOR EACH STATEMENT EXECUTE FUNCTION session_cache_notify_all();

COMMENT ON FUNCTION session_cache_notify_user() IS
  'NOTIFY wangge_sessions user:<id>: the cached sessions of that account are stale (fires on commit only)';
COMMENT ON FUNCTION session_cache_notify_all() IS
  'NOTIFY wangge_sessions *: scopes derived from assignments, people or areas may have moved; every cached session is stale';
