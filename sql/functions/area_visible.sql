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

-- The scope codes of a user: NULL for city-wide roles, else the codes of their scope areas.
CREATE OR REPLACE FUNCTION user_scope_codes(uid integer)
RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN u.role IN ('admin', 'commander', 'planner') THEN NULL
              ELSE coalesce((SELECT array_agg(a.code ORDER BY a.code) FROM user_scopes s JOIN areas a ON a.id = s.area_id
                             WHERE s.user_id = u.id), '{}'::text[]) END
  FROM users u WHERE u.id = uid
$$;
