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
CREATE OR REPLACE FUNCTION user_scope_codes(uid integer)
RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN u.role IN ('admin', 'commander', 'planner') THEN NULL
              ELSE coalesce((SELECT array_agg(DISTINCT c.code ORDER BY c.code) FROM (
                SELECT a.code FROM user_scopes s JOIN areas a ON a.id = s.area_id WHERE s.user_id = u.id
                UNION ALL
                SELECT a.code FROM assignments x JOIN areas a ON a.id = x.area_id
                WHERE u.role = 'unit_staff' AND x.unit_id = u.unit_id
                  AND assignment_in_force(x.valid_from, x.valid_to, now())
                UNION ALL
                SELECT a.code FROM people p JOIN assignments x ON x.person_id = p.id JOIN areas a ON a.id = x.area_id
                WHERE u.role IN ('grid_leader', 'grid_member') AND p.user_id = u.id
                  AND assignment_in_force(x.valid_from, x.valid_to, now())
              ) c), '{}'::text[]) END
  FROM users u WHERE u.id = uid
$$;
