-- Who is responsible for a place at an instant: the grid containing the point, its community
-- and street, and the grid leader, members and contracting units (of the grid and of its
-- community) in force then. This is the lookup that routes a problem when it is recorded
-- (DESIGN.md "Routing is done once"), so it answers for any instant, past ones included.
-- No row when the point lies in no grid (grid_at: the lowest code on a shared edge).
-- PL/pgSQL rather than SQL: an inlined SQL body was planned again on every call (~3 ms of
-- planning for ~1 ms of work, measured at 10,000 grids); PL/pgSQL keeps the plan per session.
CREATE OR REPLACE FUNCTION responsibility_at(lon float8, lat float8, at timestamptz DEFAULT now())
RETURNS TABLE (
  grid_id integer, grid_code text, grid_name text, grid_area_m2 float8,
  community_id integer, community_code text, community_name text,
  street_id integer, street_code text, street_name text,
  leader_person_id integer, lead_unit_id integer,
  staff jsonb, units jsonb)
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH g AS (
    SELECT ga.id, ga.code, ga.name, ga.area_m2, ga.parent_id FROM areas ga
    WHERE ga.id = grid_at(lon, lat)),
  -- every assignment of the grid and of its community in force at the instant: one index probe
  h AS MATERIALIZED (
    SELECT a.* FROM g JOIN assignments a ON a.area_id IN (g.id, g.parent_id)
    WHERE assignment_in_force(a.valid_from, a.valid_to, at))
  SELECT g.id, g.code, g.name, g.area_m2, c.id, c.code, c.name, s.id, s.code, s.name,
    (SELECT h.person_id FROM h WHERE h.area_id = g.id AND h.role = 'leader'),
    (SELECT h.unit_id FROM h WHERE h.area_id = g.id AND h.role = 'lead'),
    coalesce((
      SELECT jsonb_agg(jsonb_build_object(
               'assignmentId', h.id, 'role', h.role, 'personId', p.id, 'name', p.name, 'phone', p.phone,
               'validFrom', iso_utc(h.valid_from), 'validTo', iso_utc(h.valid_to))
             ORDER BY h.role, p.name, p.id)
      FROM h JOIN people p ON p.id = h.person_id), '[]'::jsonb),
    coalesce((
      SELECT jsonb_agg(jsonb_build_object(
               'assignmentId', h.id, 'role', h.role, 'areaLevel', h.area_level, 'unitId', u.id, 'code', u.code,
               'name', u.name, 'type', u.type, 'leaderName', u.leader_name, 'contactName', u.contact_name,
               'contactPhone', u.contact_phone, 'validFrom', iso_utc(h.valid_from), 'validTo', iso_utc(h.valid_to))
             ORDER BY h.area_level DESC, h.role, u.code)
      FROM h JOIN units u ON u.id = h.unit_id), '[]'::jsonb)
  FROM g
  JOIN areas c ON c.id = g.parent_id
  JOIN areas s ON s.id = c.parent_id;
END $$;

COMMENT ON FUNCTION responsibility_at(float8, float8, timestamptz) IS
  'Grid, community, street, staff and contracting units in force at a point and instant (problem routing)';
