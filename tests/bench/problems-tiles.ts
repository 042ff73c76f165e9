import type { Db } from '../../api/db/types';
import { buildApp } from '../../api/app';
import { hashPassword } from '../../api/auth/passwords';
import { tileParams, tileSql } from '../../api/tiles/mvt';
import { benchSession, median, p95, tilesCovering } from './tiles';
import { prepareBulkLoad } from './bulk-load';

type Row = (...cells: (string | number)[]) => void;
const ms = (x: number) => x.toFixed(2);
const TARGET = Number(process.env.BENCH_PROBLEMS ?? 1_000_000);

// States and sources in roughly the shares a campaign year leaves behind (most closed).
const STATES = `ARRAY['closed','closed','closed','closed','closed','closed','assigned','assigned','fixed','verified','reported','suspended','invalid']::problem_state[]`;
const SOURCES = `ARRAY['patrol','patrol','patrol','inspection','citizen','camera','undercover','higher_level']::problem_source[]`;

/**
 * Problem tiles (issue 4) on a demo city padded to TARGET problems (BENCH_PROBLEMS, default
 * 1,000,000) by one SQL generator: ST_GeneratePoints inside each grid (seeded, so every run draws
 * the same points), states, sources and categories picked by a seeded random(), routed to their
 * grid, community and street. No events or photos: tiles read neither. Then tiles at z10–z16 through
 * the HTTP API (a city-wide caller) against the same tile SQL run directly (the floor), and the
 * largest tile. Expects a migrated database holding a seeded demo city (tests/bench/run.ts).
 */
export async function problemTilesBench(db: Db, row: Row, rounds = 3, zooms = [10, 11, 12, 13, 14, 15, 16]) {
  const {
    rows: [have],
  } = await db.query<{ n: number; grids: number }>(
    `SELECT (SELECT count(*)::int FROM problems) AS n, (SELECT count(*)::int FROM areas WHERE level = 'grid') AS grids`,
  );
  const need = TARGET - have!.n;
  if (need > 0) {
    const perGrid = Math.ceil(need / have!.grids);
    const now = new Date();
    let t = performance.now();
    const inserted = await db.transaction(async (tx) => {
      await tx.query(`SELECT setseed(0.20261125)`);
      const { rows: leaves } = await tx.query<{ id: number }>(
        `SELECT id FROM problem_categories WHERE level = 3 AND active ORDER BY code`,
      );
      if (!leaves.length) throw new Error('no problem categories (level 3) to file problems under: run the migrations');
      // A bulk load (bulk-load.ts): the months get their partitions, indexes and keys come back after
      const load = await prepareBulkLoad(tx, ['problems'], new Date(now.getTime() - 366 * 86_400_000), now);
      const { rows } = await tx.query<{ n: number }>(
        `
        WITH pts AS (
          SELECT g.id AS grid_id, g.parent_id AS community_id, c.parent_id AS street_id, g.code, (ST_Dump(ST_GeneratePoints(g.geom, $1, g.id))).geom AS pt
          FROM areas g JOIN areas c ON c.id = g.parent_id WHERE g.level = 'grid'
        ), r AS (
          SELECT pts.*, row_number() OVER () AS i, random() AS r1, random() AS r2, random() AS r3, random() AS r4
          FROM pts
        ), ins AS (
          INSERT INTO problems (id, street_code, category_id, source, description, location, reported_at, grid_id, community_id, street_id,
                                area_code, state, urgent, verified_at, assigned_at, deadline, closed_at, updated_at)
          SELECT problem_new_id(x.reported_at), left(r.code, 9), ($3::int[])[1 + floor(r.r1 * cardinality($3::int[]))::int],
                 (${SOURCES})[1 + floor(r.r2 * 8)::int], 'bench problem', r.pt,
                 x.reported_at, r.grid_id, r.community_id, r.street_id, r.code, x.state, r.r4 < 0.05,
                 CASE WHEN x.state NOT IN ('reported', 'invalid') THEN x.reported_at END,
                 CASE WHEN x.state IN ('assigned', 'fixed', 'suspended', 'closed') THEN x.reported_at + interval '2 hours' END,
                 -- assigned ones: a third are past their deadline
                 CASE WHEN x.state IN ('assigned', 'fixed', 'suspended', 'closed') THEN $2::timestamptz + (r.r4 * 6 - 2) * interval '1 day' END,
                 CASE WHEN x.state = 'closed' THEN x.reported_at + interval '1 day' END,
                 x.reported_at
          FROM r CROSS JOIN LATERAL (SELECT (${STATES})[1 + floor(r.r3 * 13)::int] AS state,
                                            $2::timestamptz - r.r1 * interval '365 days' AS reported_at) x
          WHERE r.i <= $4
          RETURNING 1
        )
        SELECT count(*)::int AS n FROM ins`,
        [perGrid, now, leaves.map((l) => l.id), need],
      );
      await load.finish();
      await tx.query('SELECT problem_day_counts_rebuild()');
      return rows[0]!.n;
    });
    row(
      `insert ${inserted} problems via SQL, indexes rebuilt (native, ${perGrid} per grid)`,
      '',
      '',
      ms((performance.now() - t) / 1000) + ' s',
      '',
      '',
    );
    t = performance.now();
    await db.query('ANALYZE problems');
    row('  ANALYZE problems', '', '', ms((performance.now() - t) / 1000) + ' s', '', '');
  }
  const {
    rows: [total],
  } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM problems`);
  const { rows: b } = await db.query<{ bbox: [number, number, number, number] }>(
    `SELECT ARRAY[ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)] AS bbox FROM (SELECT ST_Extent(geom)::box3d AS e FROM areas WHERE level = 'county') s`,
  );
  const bbox = b[0]!.bbox;

  const app = await buildApp({ db, loginRateLimit: 1000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const cookie = await benchSession(db, base, await hashPassword('bench-pass-2026'));
  const sql = tileSql('problems', 'postgis');
  // the tile holding most problems at each zoom, measured along with the sample (the 500 KB limit
  // is for every tile, and the sample's stride may miss the densest)
  const { rows: dense } = await db.query<{ z: number; x: number; y: number; n: number }>(
    `
    SELECT DISTINCT ON (z) z, x::int, y::int, n::int FROM (
      SELECT z, floor((ST_X(location_3857) + 20037508.342789244) / (40075016.68557849 / 2::float8 ^ z)) AS x,
                floor((20037508.342789244 - ST_Y(location_3857)) / (40075016.68557849 / 2::float8 ^ z)) AS y, count(*) AS n
      FROM problems, unnest($1::int[]) z GROUP BY 1, 2, 3) t
    ORDER BY z, n DESC`,
    [zooms],
  );
  try {
    for (const z of zooms) {
      const tiles = tilesCovering(bbox, z, 60);
      const d = dense.find((r) => r.z === z);
      if (d && !tiles.some(([, x, y]) => x === d.x && y === d.y)) tiles.push([z, d.x, d.y]);
      const api: number[] = [],
        floor: number[] = [];
      let maxBytes = 0;
      for (let r = 0; r < rounds; r++) {
        for (const [tz, x, y] of tiles) {
          // the floor: the same query the route runs, for a city-wide caller (the bench user is a planner)
          let t = performance.now();
          await db.query(sql, tileParams('problems', tz, x, y, null, new Date(), { role: 'planner' }));
          floor.push(performance.now() - t);
          t = performance.now();
          const res = await fetch(`${base}/tiles/problems/${tz}/${x}/${y}.mvt`, { headers: { cookie } });
          if (res.status !== 200 && res.status !== 204)
            throw new Error(`problem tile answered ${res.status}: ${await res.text()}`);
          const bytes = (await res.arrayBuffer()).byteLength;
          api.push(performance.now() - t);
          maxBytes = Math.max(maxBytes, bytes);
        }
      }
      row(
        `problem tile z${z} (native, ${total!.n.toLocaleString('en')} problems, ${tiles.length} tiles × ${rounds}, densest ${(d?.n ?? 0).toLocaleString('en')} problems)`,
        ms(median(api)),
        ms(p95(api)),
        ms(median(floor)),
        (median(api) / median(floor)).toFixed(2) + '×',
        `${(maxBytes / 1024).toFixed(1)} KB`,
      );
    }
  } finally {
    await app.close();
  }
}
