-- Is an area visible to a scope? scope = NULL means city-wide. Otherwise the scope is a list of
-- area codes; an area is visible when it lies inside one of them (one of its code prefixes is a
-- scope code) or contains one (it is an ancestor, shown as context). The 数字城管 code makes
-- both prefix tests (6 + 3 + 3 + 3 digits).
-- Written without a sub-SELECT so that the planner inlines it into tile and list queries, and
-- with the ancestors in an IMMUTABLE helper so that, for a given scope, they are computed once
-- at plan time instead of once per row.
CREATE OR REPLACE FUNCTION area_scope_ancestors(scope text[])
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT p), '{}') FROM unnest(scope) s,
    LATERAL unnest(ARRAY[left(s, 6), left(s, 9), left(s, 12), s]) p
$$;

CREATE OR REPLACE FUNCTION area_visible(area_code text, scope text[])
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT scope IS NULL
      OR ARRAY[left(area_code, 6), left(area_code, 9), left(area_code, 12), area_code] && scope
      OR area_code = ANY (area_scope_ancestors(scope))
$$;

-- The scope codes of a user: NULL for city-wide roles; otherwise the areas given in user_scopes,
-- plus, in force now, the grids/communities their unit contracts (unit staff) or the grids they
-- are leader or member of (grid staff, through people.user_id).
-- PL/pgSQL: every request calls this; as a SQL function its UNION was planned on every call
-- (1.5 ms, even for a city-wide role), here the plan is cached and city-wide roles return early.
CREATE OR REPLACE FUNCTION user_scope_codes(uid integer)
RETURNS text[] LANGUAGE plpgsql STABLE AS $$
DECLARE
  r user_role;
  codes text[];
BEGIN
  SELECT u.role INTO r FROM users u WHERE u.id = uid;
  IF r IS NULL OR r IN ('admin', 'commander', 'planner') THEN
    RETURN NULL;
  END IF;
  -- One query per kind of role, so each plan holds only the joins that role needs.
  IF r = 'unit_staff' THEN
    SELECT coalesce(array_agg(DISTINCT c.code ORDER BY c.code), '{}'::text[]) INTO codes FROM (
      SELECT a.code FROM user_scopes s JOIN areas a ON a.id = s.area_id WHERE s.user_id = uid
      UNION ALL
      SELECT a.code FROM users u JOIN assignments x ON x.unit_id = u.unit_id JOIN areas a ON a.id = x.area_id
      WHERE u.id = uid AND assignment_in_force(x.valid_from, x.valid_to, now())) c;
  ELSIF r IN ('grid_leader', 'grid_member') THEN
    SELECT coalesce(array_agg(DISTINCT c.code ORDER BY c.code), '{}'::text[]) INTO codes FROM (
      SELECT a.code FROM user_scopes s JOIN areas a ON a.id = s.area_id WHERE s.user_id = uid
      UNION ALL
      SELECT a.code FROM people p JOIN assignments x ON x.person_id = p.id JOIN areas a ON a.id = x.area_id
      WHERE p.user_id = uid AND assignment_in_force(x.valid_from, x.valid_to, now())) c;
  ELSE
    SELECT coalesce(array_agg(a.code ORDER BY a.code), '{}'::text[]) INTO codes
    FROM user_scopes s JOIN areas a ON a.id = s.area_id WHERE s.user_id = uid;
  END IF;
  RETURN codes;
END $$;
