import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { appOn, backends } from './harness';
import { adminSession, type Session } from './accounts';
import { controllableClock } from '../../api/domain/clock';
import type { Db } from '../../api/db/types';

// What a caller without a session can make the server do: parse large bodies (issue 10,
// finding 5) and write audit rows (finding 9).
describe.each(backends())('limits on anonymous callers on $name', (backend) => {
  const clock = controllableClock(new Date('2026-12-05T21:30:00+08:00'));
  let db: Db;
  let app: FastifyInstance;
  let admin: Session;
  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, { clock });
    admin = await adminSession(app, db);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const json = (size: number) => `{"username":"admin","password":"x","pad":"${'a'.repeat(size)}"}`;

  it("refuses a 100 KB login body with 413 in the caller's language, before parsing it", async () => {
    const started = performance.now();
    const zh = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: json(100 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(zh.statusCode).toBe(413);
    expect(zh.json()).toEqual({ error: 'PayloadTooLarge', message: '请求体过大：此接口最多接受 4 KB' });
    const en = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: json(100 * 1024),
      headers: { 'content-type': 'application/json', 'accept-language': 'en' },
    });
    expect(en.json().message).toBe('request body too large: this endpoint accepts at most 4 KB');
  });

  it('limits ordinary JSON routes to 1 MB and lets only the file imports take more', async () => {
    const big = { ...admin.headers, 'content-type': 'application/json' };
    const unit = await app.inject({ method: 'POST', url: '/api/units', payload: json(2 * 1024 * 1024), headers: big });
    expect(unit.statusCode).toBe(413);
    expect(unit.json().message).toBe('请求体过大：此接口最多接受 1024 KB');
    const collection = { type: 'FeatureCollection', features: [], note: 'x'.repeat(2 * 1024 * 1024) };
    const areas = await app.inject({
      method: 'POST',
      url: '/api/areas/import',
      payload: { level: 'county', collection },
      headers: admin.headers,
    });
    expect(areas.statusCode).not.toBe(413); // parsed and judged on its content
    expect(areas.statusCode).toBeLessThan(500);
  });

  it('writes a few audit rows a minute per address for refused anonymous requests, paths only', async () => {
    const from = '10.9.9.9';
    const secret = 'Q'.repeat(15 * 1024);
    for (let i = 0; i < 30; i++) {
      const r = await app.inject({ url: `/api/areas/tree?q=${secret}&n=${i}`, remoteAddress: from });
      expect(r.statusCode).toBe(401);
    }
    const rows = async () =>
      (
        await db.query<{ target: string; detail: { reason: string; suppressed?: number } }>(
          `SELECT target, detail FROM audit_log WHERE ip = $1 ORDER BY id`,
          [from],
        )
      ).rows;
    const first = await rows();
    expect(first).toHaveLength(10);
    for (const r of first) {
      expect(r.target).toBe('/api/areas/tree?q&n');
      expect(r.detail).toEqual({ reason: 'no session' });
    }
    clock.advance(61_000);
    await app.inject({ method: 'POST', url: '/api/areas/import', payload: {}, remoteAddress: from });
    const after = await rows();
    expect(after).toHaveLength(11);
    expect(after[10]!.detail).toEqual({ reason: 'no session', suppressed: 20 }); // nothing goes unrecorded
    // another address has its own allowance
    expect((await app.inject({ url: '/api/areas/tree', remoteAddress: '10.9.9.10' })).statusCode).toBe(401);
    expect((await db.query(`SELECT 1 FROM audit_log WHERE ip = '10.9.9.10'`)).rows).toHaveLength(1);
  });
});
