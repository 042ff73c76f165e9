import type { Db } from '../../api/db/types';
import { buildApp } from '../../api/app';
import { hashPassword } from '../../api/auth/passwords';
import { benchSession, median, p95 } from './tiles';

type Row = (...cells: (string | number)[]) => void;
const ms = (x: number) => x.toFixed(2);
const TARGET_ROWS = Number(process.env.BENCH_ASSIGNMENTS ?? 100_000);

/**
 * Responsibility lookup for one point (issue 3): through the HTTP API (session cookie, scope,
 * JSON) against the SQL function alone, on a demo city whose history is padded with older
 * closed periods to TARGET_ROWS assignment rows; then lookups per second with many in flight.
 * The client runs in the same process as the server, so both share the machine's cores.
 */
export async function responsibilityBench(db: Db, row: Row, rounds = 3) {
  const {
    rows: [start],
  } = await db.query<{ n: number; first: number }>(
    `SELECT count(*)::int AS n, count(*) FILTER (WHERE valid_from = (SELECT min(valid_from) FROM assignments))::int AS first FROM assignments`,
  );
  // Each period open at the campaign start gets k older back-to-back 30-day periods before it:
  // never overlapping, so the constraints accept them, and lookups must skip them.
  const k = Math.max(0, Math.ceil((TARGET_ROWS - start!.n) / Math.max(1, start!.first)));
  await db.query(
    `
    INSERT INTO assignments (area_id, area_level, role, unit_id, person_id, valid_from, valid_to)
    SELECT a.area_id, a.area_level, a.role, a.unit_id, a.person_id, a.valid_from - g * interval '30 days', a.valid_from - (g - 1) * interval '30 days'
    FROM assignments a, generate_series(1, $1::int) g
    WHERE a.valid_from = (SELECT min(valid_from) FROM assignments)`,
    [k],
  );
  await db.query('ANALYZE');
  const {
    rows: [counts],
  } = await db.query<{ grids: number; assignments: number }>(
    `SELECT (SELECT count(*)::int FROM areas WHERE level = 'grid') AS grids, (SELECT count(*)::int FROM assignments) AS assignments`,
  );
  const { rows: points } = await db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM areas WHERE level = 'grid' ORDER BY md5(code) LIMIT 200`,
  );

  const app = await buildApp({ db, loginRateLimit: 1000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const cookie = await benchSession(db, base, await hashPassword('bench-pass-2026'));
  const url = (p: { lon: number; lat: number }) => `${base}/api/responsibility?lon=${p.lon}&lat=${p.lat}`;
  const sql = 'SELECT * FROM responsibility_at($1, $2, now())';

  const api: number[] = [],
    floor: number[] = [],
    me: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const p of points) {
      // The fixed cost of any logged-in request (session lookup and its sliding-expiry write).
      const t0 = performance.now();
      await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).arrayBuffer();
      me.push(performance.now() - t0);
      let t = performance.now();
      await db.query(sql, [p.lon, p.lat]);
      floor.push(performance.now() - t);
      t = performance.now();
      const res = await fetch(url(p), { headers: { cookie } });
      if (res.status !== 200) throw new Error(`lookup answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      api.push(performance.now() - t);
    }
  }
  const what = `responsibility lookup, 1 point (native, ${counts!.grids} grids, ${counts!.assignments} assignments, ${points.length} points × ${rounds})`;
  row(what, ms(median(api)), ms(p95(api)), ms(median(floor)), (median(api) / median(floor)).toFixed(2) + '×', '');
  row(
    '  for comparison: GET /api/auth/me, the fixed cost of any logged-in request',
    ms(median(me)),
    ms(p95(me)),
    '',
    '',
    '',
  );

  // Throughput: `inFlight` clients, each sending its next lookup when the last one answers.
  for (const inFlight of [1, 16, 64]) {
    let done = 0;
    const until = performance.now() + 5000;
    await Promise.all(
      Array.from({ length: inFlight }, async (_, c) => {
        for (let i = c; performance.now() < until; i++) {
          const res = await fetch(url(points[i % points.length]!), { headers: { cookie } });
          await res.arrayBuffer();
          done++;
        }
      }),
    );
    row(
      `responsibility lookups per second through the API, ${inFlight} in flight (5 s)`,
      '',
      '',
      `${Math.round(done / 5)} /s`,
      '',
      '',
    );
  }
  await app.close();
}
