import { describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { tileEncoder } from '../../api/tiles/mvt';
import { appOn, backends, withMiniCity } from './harness';
import { loadMiniCity } from './load-mini-city';
import { decode, tileOf } from './mvt-decode';
import { adminSession, type Session } from './accounts';

/** Surveyor's formula in tile coordinates (y down): the MVT spec wants exterior rings > 0. */
const surveyorArea = (ring: [number, number][]) =>
  ring.reduce((s, [x1, y1], i) => {
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    return s + (x1 * y2 - x2 * y1);
  }, 0) / 2;

describe.each(backends())('vector tiles on $name', (backend) => {
  const t = withMiniCity(backend);

  const fetchTile = async (set: string, [z, x, y]: [number, number, number]) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/tiles/${set}/${z}/${x}/${y}.mvt`,
      headers: t.admin.headers,
    });
    return {
      status: res.statusCode,
      type: res.headers['content-type'],
      vary: res.headers.vary,
      body: new Uint8Array(res.rawPayload),
    };
  };

  it('serves the hierarchy at z14 with properties, ids, labels and spec winding', async () => {
    const t = await fetchTile('areas', tileOf(118.505, 28.905, 14));
    expect(t.status).toBe(200);
    expect(t.type).toBe('application/vnd.mapbox-vector-tile');
    expect(t.vary).toBe('Cookie');
    const features = decode(t.body);
    const polys = features.filter((f) => f.layer === 'areas');
    const grid = polys.find((f) => f.properties.code === '330822001001001')!;
    expect(grid).toBeDefined();
    expect(grid.type).toBe(3);
    expect(grid.properties).toMatchObject({ level: 'grid', name: '文峰社区第01网格' });
    expect(typeof grid.properties.parent_id).toBe('number');
    expect(surveyorArea(grid.rings[0]!)).toBeGreaterThan(0);
    expect(new Set(polys.map((f) => f.properties.level))).toEqual(new Set(['county', 'street', 'community', 'grid']));
    const labels = features.filter((f) => f.layer === 'area_labels');
    expect(labels.every((f) => f.type === 1)).toBe(true);
    expect(labels.map((f) => f.id)).toContain(grid.id);
  });

  it('leaves grids out below z12 and communities below z10, and answers 204 for an empty tile', async () => {
    const z11 = decode((await fetchTile('areas', tileOf(118.505, 28.905, 11))).body);
    expect(new Set(z11.map((f) => f.properties.level))).toEqual(new Set(['county', 'street', 'community']));
    const z9 = decode((await fetchTile('areas', tileOf(118.505, 28.905, 9))).body);
    expect(new Set(z9.map((f) => f.properties.level))).toEqual(new Set(['county', 'street']));
    const empty = await fetchTile('areas', tileOf(10, 50, 14));
    expect(empty.status).toBe(204);
  });

  it('refuses tiles that do not exist', async () => {
    expect((await fetchTile('areas', [3, 8, 0])).status).toBe(400);
    expect((await fetchTile('nope', [3, 1, 1])).status).toBe(400);
    const res = await t.app.inject({ method: 'GET', url: '/tiles/areas/30/1/1.mvt', headers: t.admin.headers });
    expect(res.statusCode).toBe(400);
  });

  it('encodes the same features with ST_AsMVT and with the JS encoder', async () => {
    const js = tileEncoder(t.db, 'js');
    const native = tileEncoder(t.db, 'postgis');
    for (const z of [10, 12, 14, 16]) {
      const [, x, y] = tileOf(118.52, 28.91, z);
      const a = decode(await js('areas', z, x, y, null));
      expect(a.length).toBeGreaterThan(0);
      if (backend.name === 'postgres') expect(decode(await native('areas', z, x, y, null))).toEqual(a);
    }
  });

  it.runIf(backend.name === 'postgres')('draws the same shapes as ST_AsMVTGeom', async () => {
    for (const z of [12, 14, 16]) {
      const [, x, y] = tileOf(118.515, 28.905, z);
      const { rows } = await t.db.query<{ code: string; ours: number; theirs: number }>(
        `SELECT a.code, ST_Area(tile_geom(a.geom_3857, $1, $2, $3)) AS ours,
                ST_Area(ST_AsMVTGeom(a.geom_3857, ST_TileEnvelope($1, $2, $3), 4096, 64, true)) AS theirs
         FROM areas a WHERE a.geom_3857 && ST_TileEnvelope($1, $2, $3)`,
        [z, x, y],
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(Math.abs(r.ours - r.theirs) / r.theirs, r.code).toBeLessThan(0.001);
    }
  });
});

describe.runIf(backends().length > 1)('the same tiles from PGlite and native PostGIS', () => {
  it('decodes to identical features at z10–z16', async () => {
    const apps: FastifyInstance[] = [];
    const admins: Session[] = [];
    const dbs: Db[] = [];
    try {
      for (const b of backends()) {
        const db = await b.open();
        dbs.push(db);
        const app = await appOn(db);
        apps.push(app);
        admins.push(await adminSession(app, db));
        await loadMiniCity(app, admins.at(-1)!);
      }
      for (const z of [10, 12, 14, 16]) {
        const [, x, y] = tileOf(118.51, 28.905, z);
        const [a, b] = await Promise.all(
          apps.map(async (app, i) =>
            decode(
              new Uint8Array(
                (await app.inject({ url: `/tiles/areas/${z}/${x}/${y}.mvt`, headers: admins[i]!.headers })).rawPayload,
              ),
            ),
          ),
        );
        expect(a!.length).toBeGreaterThan(0);
        expect(b).toEqual(a);
      }
    } finally {
      for (const app of apps) await app.close();
      for (const db of dbs) await db.close();
    }
  });
});

describe.runIf(backends().length > 1)('the demo city tiles from PGlite and native PostGIS', () => {
  it('decode to identical features on irregular shapes too', async () => {
    const { seedDemo } = await import('../../data/demo/seed');
    const dbs: Db[] = [];
    try {
      for (const b of backends()) {
        const db = await b.open();
        dbs.push(db);
        await seedDemo(db);
      }
      const encoders = dbs.map((db) => tileEncoder(db, 'js'));
      for (const z of [11, 13, 15]) {
        const [, x, y] = tileOf(118.515, 28.905, z);
        const [a, b] = await Promise.all(encoders.map(async (tile) => decode(await tile('areas', z, x, y, null))));
        expect(a!.filter((f) => f.layer === 'areas').length).toBeGreaterThan(3);
        expect(b).toEqual(a);
        const [ba, bb] = await Promise.all(encoders.map(async (tile) => decode(await tile('basemap', z, x, y, null))));
        expect(ba!.length).toBeGreaterThan(0);
        expect(bb).toEqual(ba);
      }
    } finally {
      for (const db of dbs) await db.close();
    }
  });
});
