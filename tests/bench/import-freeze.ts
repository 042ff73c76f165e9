import { openPgliteDb } from '../../api/db/pglite';
import { migrate } from '../../api/db/migrate';
import { buildApp } from '../../api/app';
import { hashPassword } from '../../api/auth/passwords';
import { IMPORT_LIMITS_EMBEDDED as IMPORT_LIMITS } from '../../api/domain/import-limits';
import { benchSession, median } from './tiles';

type Row = (...cells: (string | number)[]) => void;
const FEATURES = Number(process.env.BENCH_IMPORT_FEATURES ?? IMPORT_LIMITS.vertices / IMPORT_LIMITS.verticesPerFeature);

/** `n` counties, each a circle of the most vertices one area may have, far enough apart. */
function largestAcceptedFile(n: number) {
  const v = IMPORT_LIMITS.verticesPerFeature;
  return {
    type: 'FeatureCollection',
    features: Array.from({ length: n }, (_, k) => {
      const [cx, cy] = [110 + (k % 5) * 0.5, 30 + Math.floor(k / 5) * 0.5];
      const ring = Array.from({ length: v - 1 }, (_, i) => {
        const a = (-2 * Math.PI * i) / (v - 1);
        return [cx + 0.2 * Math.cos(a), cy + 0.2 * Math.sin(a)];
      });
      return {
        type: 'Feature',
        properties: { code: String(900001 + k), name: `bench county ${k + 1}` },
        geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] },
      };
    }),
  };
}

/**
 * The embedded database never freezes the server (issue 15): on PGlite (one connection, in this
 * thread) the largest file the import accepts (IMPORT_LIMITS) is imported over HTTP while a
 * second client asks GET /api/health one request at a time; its latencies say how long any
 * request waited behind the import. Goal: max ≤ 2 s.
 */
export async function importFreezeBench(row: Row) {
  const db = await openPgliteDb();
  await migrate(db);
  const app = await buildApp({ db, loginRateLimit: 1000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  try {
    const cookie = await benchSession(db, base, await hashPassword('bench-pass-2026'));
    const csrf = ((await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).json()) as { csrfToken: string })
      .csrfToken;
    const body = JSON.stringify({ level: 'county', collection: largestAcceptedFile(FEATURES) });
    const health: number[] = [];
    let importing = true;
    const t0 = performance.now();
    const imported = fetch(`${base}/api/areas/import`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body,
    }).finally(() => (importing = false));
    while (importing) {
      const t = performance.now();
      await (await fetch(`${base}/api/health`)).arrayBuffer();
      health.push(performance.now() - t);
      await new Promise((ok) => setTimeout(ok, 20));
    }
    const res = await imported;
    const took = (performance.now() - t0) / 1000;
    if (res.status !== 201) throw new Error(`the import answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const max = Math.max(...health);
    row(
      `GET /api/health during an import of ${FEATURES} areas × ${IMPORT_LIMITS.verticesPerFeature} vertices (PGlite, ${(body.length / 2 ** 20).toFixed(0)} MB, import ${took.toFixed(1)} s, ${health.length} health requests)`,
      (median(health) / 1000).toFixed(3) + ' s',
      'max ' + (max / 1000).toFixed(2) + ' s',
      '',
      (max / 2000).toFixed(2) + '× goal (max ≤ 2 s)',
      '',
    );
  } finally {
    await app.close();
    await db.close();
  }
}
