-- Accounts, roles, geographic scope, sessions and the audit log (issue: everyone sees and
-- changes only what is theirs).

CREATE TYPE user_role AS ENUM (
  'admin',        -- everything, user management, audit log
  'commander',    -- 指挥中心: reads the whole city
  'planner',      -- 创建办: areas and assignments, city-wide
  'supervisor',   -- 督查组: report, verify, supervise within their streets
  'unit_staff',   -- 挂联/包保单位: the grids their unit contracts
  'grid_leader',  -- 网格长: their grids
  'grid_member'   -- 网格员: their grids
);

CREATE TABLE users (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username        text NOT NULL,
  display_name    text NOT NULL,
  role            user_role NOT NULL,
  password_hash   text NOT NULL,
  active          boolean NOT NULL DEFAULT true,
  failed_logins   integer NOT NULL DEFAULT 0,
  locked_until    timestamptz,
  must_change_password boolean NOT NULL DEFAULT false,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_username_format CHECK (username ~ '^[a-z0-9_.-]{3,40}$'),
  CONSTRAINT users_display_name_present CHECK (btrim(display_name) <> '' AND length(display_name) <= 60)
);
CREATE UNIQUE INDEX users_username_unique ON users (lower(username));

-- The areas a user's scope is made of (streets for supervisors, grids for grid staff and unit
-- staff). A scope covers these areas and everything inside them; their ancestors are visible
-- as context (names, outlines), siblings are not. City-wide roles have no rows here.
CREATE TABLE user_scopes (
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  area_id integer NOT NULL REFERENCES areas (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, area_id)
);

-- Only a hash of the session token is stored: a copy of this table opens no session.
CREATE TABLE sessions (
  token_hash   text PRIMARY KEY,
  user_id      integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  ip           text,
  user_agent   text
);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- Append-only: who did what, when, from where, and whether it was allowed.
CREATE TABLE audit_log (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  user_id   integer REFERENCES users (id) ON DELETE SET NULL,
  username  text,
  action    text NOT NULL,
  target    text,
  outcome   text NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
  status    integer,
  ip        text,
  detail    jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
CREATE INDEX audit_log_user ON audit_log (user_id, at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = '42501';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
