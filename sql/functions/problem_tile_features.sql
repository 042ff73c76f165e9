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
-- Every visible problem is drawn once per zoom, as a pin or inside one cluster (docs/PROBLEMS.md):
--   z >= 16: layer 'problems', one point per problem: state, category (leaf code), source,
--            overdue (assigned and past its deadline at `at`, the app clock's now), urgent,
--            deadline (epoch seconds); pins up to 64 units beyond the edge come along (buffer).
--   z 13–15: cells of 64 × 64 tile units (64 a side, aligned with the tile): a cell holding one
--            problem gives its pin, a cell holding more a cluster at the members' centroid (so a
--            dense tile stays small: at most 4,096 clusters, where 38,000 pins were 1.5 MB).
--   z <= 12: layer 'problem_clusters', one cluster per area the problems were routed to at write
--            time (community at z10–11, grid at z12; street, or community at z12, for those outside
--            every grid/community), drawn at the area's label point and served by the tile holding
--            that point: a GROUP BY on stored ids, no geometry read per problem (DESIGN.md).
--            Problems outside every street: 64-unit cells of their own location, as at z13–15.
--   Clusters: count, overdue, urgent (open and urgent), open (not closed, invalid or duplicate);
--   feature id = the area id, or 2^40 + the cell's number for a cell.
-- Columns of both layers in one row type; api/tiles/mvt.ts picks and renames each layer's.
-- Filters are NULL when not asked for (as GET /api/problems: category = code prefix, category_id =
-- one leaf). Reported dates: f_from inclusive, f_to exclusive. f_area: an area code prefix (the
-- problems routed into that street, community or grid, as GET /api/problems?area=).
-- Plain SQL, one SELECT: inlined into the tile query, so the planner sees z and the filters as
-- constants and keeps only the branches and the conditions that apply.
CREATE OR REPLACE FUNCTION problem_tile_features(
  z integer, x integer, y integer, scope text[], role text, at timestamptz,
  f_states text[], f_category text, f_category_id integer, f_sources text[], f_from timestamptz, f_to timestamptz, f_overdue boolean,
  f_area text DEFAULT NULL)
RETURNS TABLE (layer text, id bigint,
               cluster_count integer, cluster_overdue integer, cluster_urgent integer, cluster_open integer,
               state text, category text, source text, overdue boolean, urgent boolean, deadline float8,
               geom geometry)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH p AS NOT MATERIALIZED (
    SELECT p.id, p.state, p.source, p.urgent, p.deadline, p.category_id, p.location_3857 AS g,
           p.grid_id, p.community_id, p.street_id,
           (p.state = 'assigned' AND p.deadline < at) AS is_overdue,
           (p.state NOT IN ('closed', 'invalid', 'duplicate')) AS is_open
    FROM problems p
    WHERE problem_visible(p.area_code, p.source, p.assigned_at, scope, role)
      AND (f_states IS NULL OR p.state::text = ANY (f_states))
      -- no join for the code unless asked: a z10 tile may aggregate a whole city's problems
      AND (f_category IS NULL OR p.category_id IN (SELECT c.id FROM problem_categories c WHERE c.code LIKE f_category || '%'))
      AND (f_category_id IS NULL OR p.category_id = f_category_id)
      AND (f_sources IS NULL OR p.source::text = ANY (f_sources))
      AND (f_from IS NULL OR p.reported_at >= f_from)
      AND (f_to IS NULL OR p.reported_at < f_to)
      AND (f_overdue IS NULL OR (p.state = 'assigned' AND p.deadline < at) = f_overdue)
      AND (f_area IS NULL OR p.area_code LIKE f_area || '%')
  ),
  -- z <= 12: the areas whose label point lies in this tile (half-open, as tiles share edges).
  -- Problems are then picked by `routed id = ANY (these ids)`: the ids index serves z12 (a few
  -- hundred grids); at z10–11 the scan covers most problems anyway.
  tile_areas AS MATERIALIZED (
    SELECT a.id, a.level::text AS level, ST_Transform(a.label_point, 3857) AS lp
    FROM areas a
    WHERE z <= 12 AND (a.level IN ('street', 'community') OR (z = 12 AND a.level = 'grid'))
      AND a.label_point && ST_Expand(ST_Transform(ST_TileEnvelope(z, x, y), 4326), 1e-9)
      AND floor((ST_X(ST_Transform(a.label_point, 3857)) + 20037508.342789244) / (40075016.68557849 / 2::float8 ^ z)) = x
      AND floor((20037508.342789244 - ST_Y(ST_Transform(a.label_point, 3857))) / (40075016.68557849 / 2::float8 ^ z)) = y
  ),
  -- z13–15 and the unrouted rest below z13: each problem's 64-unit cell, counted from the
  -- top-left corner of the Web Mercator world (integer arithmetic on the stored point)
  cells AS NOT MATERIALIZED (
    SELECT c.cx, c.cy, count(*)::int AS n,
           (count(*) FILTER (WHERE c.is_overdue))::int AS n_overdue,
           (count(*) FILTER (WHERE c.urgent AND c.is_open))::int AS n_urgent,
           (count(*) FILTER (WHERE c.is_open))::int AS n_open,
           avg(c.px) AS mx, avg(c.py) AS my,
           -- what a cell of one problem needs for its pin (min of one value is that value)
           min(c.id) AS pid, min(c.state::text) AS pstate, min(c.category_id) AS pcategory, min(c.source::text) AS psource,
           bool_or(c.is_overdue) AS poverdue, bool_or(c.urgent) AS purgent, min(c.deadline) AS pdeadline
    FROM (
      SELECT p.*, ST_X(p.g) AS px, ST_Y(p.g) AS py,
             floor((ST_X(p.g) + 20037508.342789244) / (40075016.68557849 / (64 * 2::float8 ^ z)))::bigint AS cx,
             floor((20037508.342789244 - ST_Y(p.g)) / (40075016.68557849 / (64 * 2::float8 ^ z)))::bigint AS cy
      FROM p
      WHERE (z BETWEEN 13 AND 15 AND p.g && ST_TileEnvelope(z, x, y, margin => 64.0 / 4096))
         OR (z <= 12 AND p.street_id IS NULL AND p.g && ST_TileEnvelope(z, x, y))
    ) c
    GROUP BY c.cx, c.cy
    -- a fence: the cell tests below stay after the grouping (pushed into the scan, their
    -- selectivity is guessed so low that the planner picks a plan for a handful of rows)
    OFFSET 0
  )
  -- z >= 16: every problem a pin
  SELECT 'problems'::text, p.id, NULL::int, NULL::int, NULL::int, NULL::int,
         p.state::text, c.code, p.source::text, p.is_overdue, p.urgent,
         extract(epoch FROM p.deadline)::float8,
         tile_point(p.g, z, x, y)
  FROM p JOIN problem_categories c ON c.id = p.category_id
  WHERE z >= 16 AND p.g && ST_TileEnvelope(z, x, y, margin => 64.0 / 4096)
    -- && compares float4 boxes (at z16 a metre is 7 units): the buffer exactly, as the cell ring of z13–15
    AND floor((ST_X(p.g) + 20037508.342789244) / (40075016.68557849 / (64 * 2::float8 ^ z))) BETWEEN x * 64::float8 - 1 AND x * 64::float8 + 64
    AND floor((20037508.342789244 - ST_Y(p.g)) / (40075016.68557849 / (64 * 2::float8 ^ z))) BETWEEN y * 64::float8 - 1 AND y * 64::float8 + 64
  UNION ALL
  -- z13–15: a cell of one problem is its pin (also in the one-cell ring of the buffer), a cell of
  -- more is a cluster (inside the tile only: the ring's clusters belong to the neighbour tiles)
  SELECT CASE WHEN k.n = 1 THEN 'problems' ELSE 'problem_clusters' END,
         CASE WHEN k.n = 1 THEN k.pid ELSE 1099511627776 + k.cy * (64 * 2::bigint ^ z)::bigint + k.cx END,
         CASE WHEN k.n > 1 THEN k.n END, CASE WHEN k.n > 1 THEN k.n_overdue END,
         CASE WHEN k.n > 1 THEN k.n_urgent END, CASE WHEN k.n > 1 THEN k.n_open END,
         CASE WHEN k.n = 1 THEN k.pstate END, c.code, CASE WHEN k.n = 1 THEN k.psource END,
         CASE WHEN k.n = 1 THEN k.poverdue END, CASE WHEN k.n = 1 THEN k.purgent END,
         CASE WHEN k.n = 1 THEN extract(epoch FROM k.pdeadline)::float8 END,
         tile_point(ST_SetSRID(ST_MakePoint(k.mx, k.my), 3857), z, x, y)
  FROM cells k LEFT JOIN problem_categories c ON k.n = 1 AND c.id = k.pcategory
  WHERE z BETWEEN 13 AND 15
    AND k.cx BETWEEN x * 64::bigint - 1 AND x * 64::bigint + 64 AND k.cy BETWEEN y * 64::bigint - 1 AND y * 64::bigint + 64
    AND (k.n = 1 OR (k.cx BETWEEN x * 64::bigint AND x * 64::bigint + 63 AND k.cy BETWEEN y * 64::bigint AND y * 64::bigint + 63))
  UNION ALL
  -- z <= 12: by routed area
  SELECT 'problem_clusters'::text, k.key, k.n, k.n_overdue, k.n_urgent, k.n_open,
         NULL, NULL, NULL, NULL, NULL, NULL,
         tile_point(a.lp, z, x, y)
  FROM (
    SELECT r.key, count(*)::int AS n, (count(*) FILTER (WHERE r.is_overdue))::int AS n_overdue,
           (count(*) FILTER (WHERE r.urgent AND r.is_open))::int AS n_urgent, (count(*) FILTER (WHERE r.is_open))::int AS n_open
    FROM (
      SELECT p.grid_id AS key, p.is_overdue, p.urgent, p.is_open FROM p
      WHERE z = 12 AND p.grid_id = ANY (ARRAY(SELECT t.id FROM tile_areas t WHERE t.level = 'grid'))
      UNION ALL
      SELECT coalesce(p.community_id, p.street_id), p.is_overdue, p.urgent, p.is_open FROM p
      WHERE z = 12 AND p.grid_id IS NULL AND p.street_id IS NOT NULL
        AND coalesce(p.community_id, p.street_id) = ANY (ARRAY(SELECT t.id FROM tile_areas t WHERE t.level IN ('community', 'street')))
      UNION ALL
      SELECT p.community_id, p.is_overdue, p.urgent, p.is_open FROM p
      WHERE z < 12 AND p.community_id = ANY (ARRAY(SELECT t.id FROM tile_areas t WHERE t.level = 'community'))
      UNION ALL
      SELECT p.street_id, p.is_overdue, p.urgent, p.is_open FROM p
      WHERE z < 12 AND p.community_id IS NULL AND p.street_id = ANY (ARRAY(SELECT t.id FROM tile_areas t WHERE t.level = 'street'))
    ) r
    GROUP BY r.key
  ) k JOIN tile_areas a ON a.id = k.key
  UNION ALL
  -- z <= 12, outside every street: cells of the tile (a point on the tile's edge falls in one tile's cells only)
  SELECT 'problem_clusters'::text, 1099511627776 + k.cy * (64 * 2::bigint ^ z)::bigint + k.cx, k.n, k.n_overdue, k.n_urgent, k.n_open,
         NULL, NULL, NULL, NULL, NULL, NULL,
         tile_point(ST_SetSRID(ST_MakePoint(k.mx, k.my), 3857), z, x, y)
  FROM cells k
  WHERE z <= 12
    AND k.cx BETWEEN x * 64::bigint AND x * 64::bigint + 63 AND k.cy BETWEEN y * 64::bigint AND y * 64::bigint + 63
$$;

COMMENT ON FUNCTION problem_tile_features(integer, integer, integer, text[], text, timestamptz, text[], text, integer, text[], timestamptz, timestamptz, boolean, text) IS
  'MVT features of /tiles/problems/{z}/{x}/{y}: clusters by routed area (z <= 12), by 64-unit cell with single problems as pins (z13–15), pins (z >= 16)';
