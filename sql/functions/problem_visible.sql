-- May a caller see a problem? Two rules (docs/PROBLEMS.md "Visibility"):
-- 1. Scope: the problem's area code lies inside one of the caller's scope areas (NULL scope =
--    city-wide). Unlike area_visible, an ancestor is NOT enough: an area outline is shown as
--    context to those inside it, but a problem routed only to a street (outside every grid) is
--    not a grid leader's business. A problem outside every area (code NULL) is city-wide only.
-- 2. 暗访 (undercover) problems stay hidden from unit staff and grid staff until assigned.
-- Plain SQL without a sub-SELECT so that it inlines into list and tile queries.
CREATE OR REPLACE FUNCTION problem_visible(area_code text, source problem_source, assigned_at timestamptz, scope text[], role text)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (scope IS NULL OR ARRAY[left(area_code, 6), left(area_code, 9), left(area_code, 12), area_code] && scope)
     AND (source <> 'undercover' OR assigned_at IS NOT NULL OR role IN ('admin', 'commander', 'planner', 'supervisor'))
$$;

COMMENT ON FUNCTION problem_visible(text, problem_source, timestamptz, text[], text) IS
  'Scope (inside a scope area, ancestors not enough) and the undercover rule for problems';
