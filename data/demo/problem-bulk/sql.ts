/**
 * The bulk writer's SQL, set-based per chunk: routing the chunk's points (inside a grid: the grid,
 * its community and street and the assignments in force at the report's instant; in no grid: the
 * deepest area and its community's units) into a temporary table, reading the routing back, and
 * the multi-row inserts of problems, events, notices and photo links from JSON arrays.
 */

// Routing for points inside a grid: the grid (lowest code on a shared edge), its community and
// street, and every assignment of the grid and of its community in force at the instant, as
// responsibility_at returns them (same orders), reshaped as the service stores them (routing).
// Set-based: each point finds its grid and the ids of the assignments in force (two index
// probes); the JSON is built once per distinct (grid, assignments) and shared by its points.
export const SQL_ROUTE_IN_GRID = `
  WITH pts AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(k int, lon float8, lat float8, at timestamptz)),
  located AS MATERIALIZED (
    SELECT pts.k, pts.at, g.id AS gid,
      ARRAY(SELECT a.id FROM assignments a WHERE a.area_id IN (g.id, g.parent_id)
              AND assignment_in_force(a.valid_from, a.valid_to, pts.at) ORDER BY a.id) AS ids
    FROM pts CROSS JOIN LATERAL (
      SELECT ga.id, ga.parent_id FROM areas ga
      WHERE ga.level = 'grid' AND ST_Intersects(ga.geom, ST_SetSRID(ST_MakePoint(pts.lon, pts.lat), 4326))
      ORDER BY ga.code LIMIT 1) g),
  sets AS (SELECT DISTINCT gid, ids FROM located),
  built AS (
    SELECT sets.gid, sets.ids, c.id AS cid, s.id AS sid, g.code, s.code AS scode,
      jsonb_build_object(
        'grid', jsonb_build_object('id', g.id, 'code', g.code, 'name', g.name, 'areaM2', g.area_m2),
        'community', jsonb_build_object('id', c.id, 'code', c.code, 'name', c.name),
        'street', jsonb_build_object('id', s.id, 'code', s.code, 'name', s.name),
        'leader', (SELECT e FROM jsonb_array_elements(h.staff) WITH ORDINALITY x(e, i) WHERE e->>'role' = 'leader' ORDER BY i LIMIT 1),
        'members', (SELECT coalesce(jsonb_agg(e ORDER BY i), '[]') FROM jsonb_array_elements(h.staff) WITH ORDINALITY x(e, i) WHERE e->>'role' = 'member'),
        'leadUnit', (SELECT e FROM jsonb_array_elements(h.units) WITH ORDINALITY x(e, i) WHERE e->>'areaLevel' = 'grid' AND e->>'role' = 'lead' ORDER BY i LIMIT 1),
        'supportUnits', (SELECT coalesce(jsonb_agg(e ORDER BY i), '[]') FROM jsonb_array_elements(h.units) WITH ORDINALITY x(e, i) WHERE e->>'areaLevel' = 'grid' AND e->>'role' = 'support'),
        'communityUnits', (SELECT coalesce(jsonb_agg(e ORDER BY i), '[]') FROM jsonb_array_elements(h.units) WITH ORDINALITY x(e, i) WHERE e->>'areaLevel' = 'community')) AS base
    FROM sets
    JOIN areas g ON g.id = sets.gid
    JOIN areas c ON c.id = g.parent_id
    JOIN areas s ON s.id = c.parent_id
    CROSS JOIN LATERAL (
      SELECT
        coalesce(jsonb_agg(jsonb_build_object(
          'assignmentId', a.id, 'role', a.role, 'personId', p.id, 'name', p.name, 'phone', p.phone,
          'validFrom', iso_utc(a.valid_from), 'validTo', iso_utc(a.valid_to)) ORDER BY a.role, p.name, p.id) FILTER (WHERE p.id IS NOT NULL), '[]') AS staff,
        coalesce(jsonb_agg(jsonb_build_object(
          'assignmentId', a.id, 'role', a.role, 'areaLevel', a.area_level, 'unitId', u.id, 'code', u.code,
          'name', u.name, 'type', u.type, 'leaderName', u.leader_name, 'contactName', u.contact_name,
          'contactPhone', u.contact_phone, 'validFrom', iso_utc(a.valid_from), 'validTo', iso_utc(a.valid_to))
          ORDER BY a.area_level DESC, a.role, u.code) FILTER (WHERE u.id IS NOT NULL), '[]') AS units
      FROM assignments a LEFT JOIN people p ON p.id = a.person_id LEFT JOIN units u ON u.id = a.unit_id
      WHERE a.id = ANY (sets.ids)) h)
  INSERT INTO bulk_routes (k, grid_id, community_id, street_id, area_code, street_code, routing)
  SELECT l.k, l.gid, b.cid, b.sid, b.code, b.scode, b.base || jsonb_build_object('at', iso_utc(l.at))
  FROM located l JOIN built b ON b.gid = l.gid AND b.ids = l.ids`;

// Points in no grid (a coverage gap): the deepest area containing them and that community's
// units, as the service's route() stores them.
export const SQL_ROUTE_OUTSIDE = `
  INSERT INTO bulk_routes (k, grid_id, community_id, street_id, area_code, street_code, routing)
  SELECT pts.k, NULL, c.id, s.id, coalesce(c.code, s.code, co.code), s.code,
    jsonb_build_object('at', iso_utc(pts.at), 'grid', NULL,
      'community', CASE WHEN c.id IS NULL THEN NULL ELSE jsonb_build_object('id', c.id, 'code', c.code, 'name', c.name) END,
      'street', CASE WHEN s.id IS NULL THEN NULL ELSE jsonb_build_object('id', s.id, 'code', s.code, 'name', s.name) END,
      'leader', NULL, 'members', '[]'::jsonb, 'leadUnit', NULL, 'supportUnits', '[]'::jsonb,
      'communityUnits', coalesce((
        SELECT jsonb_agg(jsonb_build_object(
                 'assignmentId', a.id, 'role', a.role, 'areaLevel', a.area_level, 'unitId', u.id, 'code', u.code,
                 'name', u.name, 'type', u.type, 'leaderName', u.leader_name, 'contactName', u.contact_name,
                 'contactPhone', u.contact_phone, 'validFrom', iso_utc(a.valid_from), 'validTo', iso_utc(a.valid_to))
               ORDER BY a.role, u.code)
        FROM assignments a JOIN units u ON u.id = a.unit_id
        WHERE a.area_id = c.id AND assignment_in_force(a.valid_from, a.valid_to, pts.at)), '[]'::jsonb))
  FROM (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(k int, lon float8, lat float8, at timestamptz)
        WHERE NOT EXISTS (SELECT 1 FROM bulk_routes r WHERE r.k = x.k) OFFSET 0) pts -- only what no grid took (OFFSET 0: filter first)
  LEFT JOIN LATERAL (SELECT a.id, a.code, a.name FROM areas a WHERE a.level = 'community' AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(pts.lon, pts.lat), 4326)) ORDER BY a.code LIMIT 1) c ON true
  LEFT JOIN LATERAL (SELECT a.id, a.code, a.name FROM areas a WHERE a.level = 'street' AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(pts.lon, pts.lat), 4326)) ORDER BY a.code LIMIT 1) s ON true
  LEFT JOIN LATERAL (SELECT a.code FROM areas a WHERE a.level = 'county' AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(pts.lon, pts.lat), 4326)) ORDER BY a.code LIMIT 1) co ON true
  WHERE co.code IS NOT NULL`;

export const SQL_ROUTES_BACK = `
  SELECT k, grid_id AS "gridId", street_id AS "streetId", (routing->'leadUnit'->>'unitId')::int AS "leadUnitId",
         routing->'leader' AS leader, routing->'members' AS members,
         ARRAY(SELECT (e->>'unitId')::int FROM jsonb_array_elements(routing->'supportUnits') e) AS "supportUnitIds",
         ARRAY(SELECT jsonb_build_object('unitId', (e->>'unitId')::int, 'role', e->>'role') FROM jsonb_array_elements(routing->'communityUnits') e) AS "communityUnits"
  FROM bulk_routes`;

export const SQL_INSERT_PROBLEMS = `
  INSERT INTO problems (id, street_code, category_id, source, description, address, location, reported_by, reported_at,
    grid_id, community_id, street_id, area_code, leader_person_id, lead_unit_id, routing,
    state, urgent, assignee_unit_id, verified_at, assigned_at, deadline, fixed_at, closed_at, closed_on_time,
    revisit_due_at, revisited_at, suspended_at, pending_request, duplicate_of,
    rework_count, relapse_count, return_count, extension_count, supervision_count, accountability_count, cycle, version, updated_at)
  SELECT f.id, r.street_code, f.category_id, f.source::problem_source, f.description, f.address, ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326),
    f.reported_by, f.reported_at, r.grid_id, r.community_id, r.street_id, r.area_code,
    (r.routing->'leader'->>'personId')::int, (r.routing->'leadUnit'->>'unitId')::int, r.routing,
    f.state::problem_state, f.urgent, f.assignee_unit_id, f.verified_at, f.assigned_at, f.deadline, f.fixed_at, f.closed_at, f.closed_on_time,
    f.revisit_due_at, f.revisited_at, f.suspended_at, f.pending_request, f.duplicate_of,
    f.rework_count, f.relapse_count, f.return_count, f.extension_count, f.supervision_count, f.accountability_count, f.cycle, f.version, f.updated_at
  FROM jsonb_to_recordset($1::jsonb) AS f(k int, id bigint, category_id int, source text, description text, address text, lon float8, lat float8,
    reported_by int, reported_at timestamptz, state text, urgent boolean, assignee_unit_id int, verified_at timestamptz, assigned_at timestamptz,
    deadline timestamptz, fixed_at timestamptz, closed_at timestamptz, closed_on_time boolean, revisit_due_at timestamptz, revisited_at timestamptz,
    suspended_at timestamptz, pending_request jsonb, duplicate_of bigint, rework_count int, relapse_count int, return_count int,
    extension_count int, supervision_count int, accountability_count int, cycle int, version int, updated_at timestamptz)
  JOIN bulk_routes r ON r.k = f.k
  ORDER BY f.id`;

export const SQL_INSERT_EVENTS = `
  INSERT INTO problem_events (problem_id, seq, action, from_state, to_state, actor_id, actor_name, actor_role, actor_unit_id, at, comment, data)
  SELECT e.p, e.seq, e.action, e.from_state::problem_state, e.to_state::problem_state, e.actor_id, e.actor_name, e.actor_role, e.actor_unit_id, e.at, e.comment, e.data
  FROM jsonb_to_recordset($1::jsonb) AS e(p bigint, seq int, action text, from_state text, to_state text, actor_id int, actor_name text,
    actor_role text, actor_unit_id int, at timestamptz, comment text, data jsonb)`;

export const SQL_INSERT_NOTICES = `
  INSERT INTO problem_notices (id, problem_id, kind, cycle, number, issued_at, due_at, unit_id, grid_id, area_code, resolved_at)
  OVERRIDING SYSTEM VALUE
  SELECT n.id, n.p, n.kind::notice_kind, n.cycle, n.number, n.issued_at, n.due_at, n.unit_id, pr.grid_id, pr.area_code, n.resolved_at
  FROM jsonb_to_recordset($1::jsonb) AS n(id bigint, p bigint, kind text, cycle int, number text, issued_at timestamptz, due_at timestamptz,
    unit_id int, resolved_at timestamptz)
  JOIN problems pr ON pr.id = n.p`;

export const SQL_INSERT_PHOTOS = `
  INSERT INTO problem_photos (problem_id, event_id, kind, sha256, uploaded_by, uploaded_at)
  SELECT x.p, e.id, x.kind, x.sha256, e.actor_id, e.at
  FROM jsonb_to_recordset($1::jsonb) AS x(p bigint, seq int, kind text, sha256 text)
  JOIN problem_events e ON e.problem_id = x.p AND e.seq = x.seq`;
