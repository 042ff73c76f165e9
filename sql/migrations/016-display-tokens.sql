-- Display tokens (issue 12, docs/ARCHITECTURE.md "Wall screen"): an admin issues a read-only
-- token for a wall (指挥中心大屏) with a scope (areas, or the whole city) and an optional expiry.
-- The wall exchanges it for a display session (a cookie, so EventSource works) that reads what a
-- commander reads, within the token's scope, and never writes. Only hashes are stored: a copy of
-- these tables opens nothing. A revoked token's sessions are deleted in the revoking transaction;
-- its open event streams notice at their next session check (30 s).
CREATE TABLE display_tokens (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL,
  token_hash  text NOT NULL UNIQUE,
  -- true: the whole city; false: the areas in display_token_scopes (none: nothing visible)
  city_wide   boolean NOT NULL,
  created_by  integer REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz,
  revoked_at  timestamptz,
  revoked_by  integer REFERENCES users (id) ON DELETE SET NULL,
  last_used_at timestamptz,
  CONSTRAINT display_tokens_name_present CHECK (btrim(name) <> '' AND length(name) <= 60),
  CONSTRAINT display_tokens_expiry_after_creation CHECK (expires_at IS NULL OR expires_at > created_at)
);

CREATE TABLE display_token_scopes (
  token_id integer NOT NULL REFERENCES display_tokens (id) ON DELETE CASCADE,
  area_id  integer NOT NULL REFERENCES areas (id) ON DELETE CASCADE,
  PRIMARY KEY (token_id, area_id)
);

CREATE TABLE display_sessions (
  token_hash  text PRIMARY KEY,
  display_token_id integer NOT NULL REFERENCES display_tokens (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  ip          text,
  user_agent  text
);
CREATE INDEX display_sessions_token ON display_sessions (display_token_id);
