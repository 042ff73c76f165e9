-- A point in MVT tile coordinates: what tile_geom does to a point (scale, flip y, snap to the
-- integer grid), as an inlinable expression: tile_geom is PL/pgSQL (one call per row), and a
-- z14 problem tile can hold thousands of points. tests/api/problem-tiles.test.ts checks that
-- both give the same point.
CREATE OR REPLACE FUNCTION tile_point(g geometry, z integer, x integer, y integer, extent integer DEFAULT 4096)
RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- the same operations in the same order as tile_geom (k = extent / width), so the same floats
  SELECT ST_SnapToGrid(ST_Affine(g,
    extent / (ST_XMax(ST_TileEnvelope(z, x, y)) - ST_XMin(ST_TileEnvelope(z, x, y))), 0, 0,
    -(extent / (ST_XMax(ST_TileEnvelope(z, x, y)) - ST_XMin(ST_TileEnvelope(z, x, y)))),
    -ST_XMin(ST_TileEnvelope(z, x, y)) * (extent / (ST_XMax(ST_TileEnvelope(z, x, y)) - ST_XMin(ST_TileEnvelope(z, x, y)))),
    ST_YMax(ST_TileEnvelope(z, x, y)) * (extent / (ST_XMax(ST_TileEnvelope(z, x, y)) - ST_XMin(ST_TileEnvelope(z, x, y))))), 1)
$$;

-- Problems for one tile (/tiles/problems/{z}/{x}/{y}.mvt), visible to the caller
-- (problem_visible: scope and the undercover rule) and filtered as the query string asks.
--   z >= 13: layer 'problems', one point per problem: state, category (leaf code), source,
--            overdue (assigned and past its deadline at `at`, the app clock's now), urgent,
--            deadline (epoch seconds).
--   z < 13:  layer 'problem_clusters': problems grouped in cells of 64 × 64 px (64 cells a side,
--            aligned with the tile, so a cell never straddles two tiles and the clusters of a
--            tile count exactly the problems in it), drawn at the members' centroid: count,
--            overdue, urgent (open and urgent), open (not closed, invalid or duplicate).
-- Columns of both layers in one row type; api/tiles/mvt.ts picks and renames each layer's.
-- Filters are NULL when not asked for (as GET /api/problems: category = code prefix, category_id =
-- one leaf). Reported dates: f_from inclusive, f_to exclusive.
-- Plain SQL, one SELECT: inlined into the tile query, so the planner sees z and the filters as
-- constants and keeps only the branch and the conditions that apply.
CREATE OR REPLACE FUNCTION problem_tile_features(
  z integer, x integer, y integer, scope text[], role text, at timestamptz,
  f_states text[], f_category text, f_category_id integer, f_sources text[], f_from timestamptz, f_to timestamptz, f_overdue boolean)
RETURNS TABLE (layer text, id bigint,
               cluster_count integer, cluster_overdue integer, cluster_urgent integer, cluster_open integer,
               state text, category text, source text, overdue boolean, urgent boolean, deadline float8,
               geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH p AS NOT MATERIALIZED (
    SELECT p.id, p.state, p.source, p.urgent, p.deadline, p.category_id, p.location_3857 AS g,
           (p.state = 'assigned' AND p.deadline < at) AS is_overdue,
           (p.state NOT IN ('closed', 'invalid', 'duplicate')) AS is_open
    FROM problems p
    WHERE p.location_3857 && ST_TileEnvelope(z, x, y, margin => CASE WHEN z >= 13 THEN 64.0 / 4096 ELSE 0 END)
      AND problem_visible(p.area_code, p.source, p.assigned_at, scope, role)
      AND (f_states IS NULL OR p.state::text = ANY (f_states))
      -- no join for the code unless asked: a z10 tile may aggregate a whole city's problems
      AND (f_category IS NULL OR p.category_id IN (SELECT c.id FROM problem_categories c WHERE c.code LIKE f_category || '%'))
      AND (f_category_id IS NULL OR p.category_id = f_category_id)
      AND (f_sources IS NULL OR p.source::text = ANY (f_sources))
      AND (f_from IS NULL OR p.reported_at >= f_from)
      AND (f_to IS NULL OR p.reported_at < f_to)
      AND (f_overdue IS NULL OR (p.state = 'assigned' AND p.deadline < at) = f_overdue)
  )
  SELECT 'problems'::text, p.id, NULL::int, NULL::int, NULL::int, NULL::int,
         p.state::text, c.code, p.source::text, p.is_overdue, p.urgent,
         extract(epoch FROM p.deadline)::float8,
         tile_point(p.g, z, x, y)
  FROM p JOIN problem_categories c ON c.id = p.category_id
  WHERE z >= 13
  UNION ALL
  SELECT 'problem_clusters'::text, k.cy * (64 * 2::bigint ^ z)::bigint + k.cx, k.n, k.n_overdue, k.n_urgent, k.n_open,
         NULL, NULL, NULL, NULL, NULL, NULL,
         tile_point(ST_SetSRID(ST_MakePoint(k.mx, k.my), 3857), z, x, y)
  FROM (
    SELECT q.cx, q.cy, count(*)::int AS n, (count(*) FILTER (WHERE q.is_overdue))::int AS n_overdue,
           (count(*) FILTER (WHERE q.urgent AND q.is_open))::int AS n_urgent, (count(*) FILTER (WHERE q.is_open))::int AS n_open,
           avg(q.px) AS mx, avg(q.py) AS my
    FROM (
      -- the cell of each problem, counted from the top-left corner of the Web Mercator world
      SELECT p.*, ST_X(p.g) AS px, ST_Y(p.g) AS py,
             floor((ST_X(p.g) + 20037508.342789244) / (40075016.68557849 / (64 * 2::float8 ^ z)))::bigint AS cx,
             floor((20037508.342789244 - ST_Y(p.g)) / (40075016.68557849 / (64 * 2::float8 ^ z)))::bigint AS cy
      FROM p
      WHERE z < 13
    ) q
    GROUP BY q.cx, q.cy
    -- a fence: the cell test below stays after the grouping (pushed into the scan, its
    -- selectivity is guessed so low that the planner picks a plan for a handful of rows)
    OFFSET 0
  ) k
  -- a point exactly on the tile's edge falls in one tile's cells only
  WHERE k.cx BETWEEN x * 64::bigint AND x * 64::bigint + 63 AND k.cy BETWEEN y * 64::bigint AND y * 64::bigint + 63
$$;

COMMENT ON FUNCTION problem_tile_features(integer, integer, integer, text[], text, timestamptz, text[], text, integer, text[], timestamptz, timestamptz, boolean) IS
  'MVT features of /tiles/problems/{z}/{x}/{y}: layer problems (z >= 13) or problem_clusters (z < 13)';
