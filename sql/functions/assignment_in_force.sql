-- Is an assignment period [valid_from, valid_to) in force at an instant? Half-open: at the very
-- instant of a reassignment the new holder answers, the old one does not. A plain SQL
-- expression function so the planner inlines it and can use the (area_id, valid_from) index.
CREATE OR REPLACE FUNCTION assignment_in_force(valid_from timestamptz, valid_to timestamptz, at timestamptz)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT valid_from <= at AND (valid_to IS NULL OR valid_to > at)
$$;

-- Times inside JSON answers in the one format the API uses everywhere (JS toISOString, UTC),
-- whatever the session's TimeZone is on either backend.
CREATE OR REPLACE FUNCTION iso_utc(t timestamptz)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
