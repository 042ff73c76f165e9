-- Is an area visible to a scope? scope = NULL means city-wide. Otherwise the scope is a list of
-- area codes; an area is visible when it lies inside one of them (its code extends a scope code)
-- or contains one (an ancestor, shown as context). The 数字城管 code makes this a prefix test.
CREATE OR REPLACE FUNCTION area_visible(area_code text, scope text[])
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT scope IS NULL OR EXISTS (
    SELECT 1 FROM unnest(scope) s
    WHERE left(area_code, length(s)) = s OR left(s, length(area_code)) = area_code)
$$;

-- The scope codes of a user: NULL for city-wide roles, else the codes of their scope areas.
CREATE OR REPLACE FUNCTION user_scope_codes(uid integer)
RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN u.role IN ('admin', 'commander', 'planner') THEN NULL
              ELSE coalesce((SELECT array_agg(a.code ORDER BY a.code) FROM user_scopes s JOIN areas a ON a.id = s.area_id
                             WHERE s.user_id = u.id), '{}'::text[]) END
  FROM users u WHERE u.id = uid
$$;
