import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { IMPORT_LIMITS, IMPORT_LIMITS_EMBEDDED } from '../../api/domain/import-limits';
import { appOn, backends } from './harness';
import { adminSession, type Session } from './accounts';

// Bounded work per import (issue 15): a file over the limits is refused before any geometry
// work, in the caller's language, naming the limit; it writes nothing.
const circle = (code: string, n: number, cx: number) => {
  const ring = Array.from({ length: n - 1 }, (_, i) => {
    const a = (-2 * Math.PI * i) / (n - 1);
    return [cx + 0.01 * Math.cos(a), 30 + 0.01 * Math.sin(a)];
  });
  return {
    type: 'Feature',
    properties: { code, name: `county ${code}` },
    geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]!]] },
  };
};

for (const backend of backends()) {
  describe(`area import limits (${backend.name})`, () => {
    let db: Db;
    let app: FastifyInstance;
    let admin: Session;
    beforeAll(async () => {
      db = await backend.open();
      app = await appOn(db);
      admin = await adminSession(app, db);
    });
    afterAll(async () => {
      await app?.close();
      await db?.close();
    });
    const post = (features: unknown[], lang = 'en') =>
      app.inject({
        method: 'POST',
        url: '/api/areas/import',
        headers: { ...admin.headers, 'accept-language': lang },
        payload: { level: 'county', collection: { type: 'FeatureCollection', features } },
      });
    const stored = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM areas')).rows[0]!.n;

    it('names a feature with too dense a boundary (422), in either language', async () => {
      const over = IMPORT_LIMITS.verticesPerFeature + 1;
      const en = await post([circle('900001', 100, 110), circle('900002', over, 111)]);
      expect(en.statusCode, en.body).toBe(422);
      expect(en.json()).toMatchObject({
        error: 'GeometryTooDense',
        details: [{ index: 1, feature: '900002 county 900002', field: 'geometry' }],
      });
      expect(en.json().details[0].reason).toContain(`${over} vertices, more than the 50000 one area may have`);
      const zh = await post([circle('900002', over, 111)], 'zh-CN');
      expect(zh.json().message).toContain('每个最多 50000 个');
      expect(await stored()).toBe(0);
    });

    it.skipIf(backend.name !== 'pglite')(
      'takes a fifth of the vertices per file on the embedded database (413)',
      async () => {
        const per = 45_000;
        const n = Math.floor(IMPORT_LIMITS_EMBEDDED.vertices / per) + 1;
        const res = await post(Array.from({ length: n }, (_, k) => circle(String(900001 + k), per, 110 + k * 0.1)));
        expect(res.statusCode, res.body.slice(0, 300)).toBe(413);
        expect(res.json().message).toContain(`more than the ${IMPORT_LIMITS_EMBEDDED.vertices} one import may hold`);
        expect(await stored()).toBe(0);
      },
    );
  });
}
