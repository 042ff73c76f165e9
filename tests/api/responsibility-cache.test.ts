import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import type { Responsibility } from '../../api/schemas/contracting';
import type { AreaDetail } from '../../api/schemas/areas';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession } from './accounts';
import { bj, contractingApi } from './contracting-fixture';
import { POINT_IN_FIRST_GRID } from '../fixtures/mini-city';

// GET /api/responsibility answers from a per-grid cache (services/assignments-responsibility.ts):
// a change of who is responsible must show in the very next lookup when made through the API
// in this process, and as soon as the NOTIFY arrives when written by anyone else (another
// process, here plain SQL); an answer holds only for the instants it was true for.

const [LON, LAT] = POINT_IN_FIRST_GRID;
const FROM = bj('2024-01-01T00:00:00');

describe.each(backends())('responsibility cache on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let api: ReturnType<typeof contractingApi>;
  let grid1: AreaDetail;

  const lookup = async (at?: string) => {
    const res = await api.send(
      'GET',
      `/api/responsibility?lon=${LON}&lat=${LAT}${at ? `&at=${encodeURIComponent(at)}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Responsibility;
  };
  /** what a write by another process shows: the next lookup once its NOTIFY has arrived */
  const eventually = async (check: (r: Responsibility) => boolean) => {
    for (let i = 0; i < 100; i++) {
      const r = await lookup();
      if (check(r)) return r;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    throw new Error('the change never showed in the responsibility lookup');
  };

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db);
    const admin = await adminSession(app, db);
    await loadMiniCity(app, admin);
    api = contractingApi(app, admin);
    grid1 = await api.area('330822001001001');
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('shows an assignment made or ended through the API in the next lookup', async () => {
    expect((await lookup()).leadUnit).toBeNull();
    expect((await lookup()).leadUnit).toBeNull(); // now cached
    const unit = await api.unit('县住建局');
    const lead = await api.assign({ areaId: grid1.id, role: 'lead', unitId: unit.id, validFrom: FROM });
    expect((await lookup()).leadUnit).toMatchObject({ unitId: unit.id, name: '县住建局' });
    const renamed = await api.send('PATCH', `/api/units/${unit.id}`, { name: '县住房和城乡建设局' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await lookup()).leadUnit).toMatchObject({ unitId: unit.id, name: '县住房和城乡建设局' });
    const end = bj('2030-01-01T00:00:00');
    const closed = await api.send('POST', `/api/assignments/${lead.id}/close`, { at: end });
    expect(closed.statusCode, closed.body).toBe(200);
    // the cached answer holds until the assignment's end, not after it
    expect((await lookup()).leadUnit).toMatchObject({ unitId: unit.id });
    expect((await lookup(end)).leadUnit).toBeNull();
    expect((await lookup(bj('2029-12-31T23:59:59'))).leadUnit).toMatchObject({ unitId: unit.id });
    expect((await lookup(bj('2023-12-31T23:59:59'))).leadUnit).toBeNull();
  });

  it('drops its answers on the NOTIFY of a write by anyone else (units, people, assignments)', async () => {
    const before = await lookup();
    const unitId = before.leadUnit!.unitId;
    await db.query(`UPDATE units SET contact_phone = '0570-5012345' WHERE id = $1`, [unitId]);
    await eventually((r) => r.leadUnit?.contactPhone === '0570-5012345');
    const person = await api.person('张建国', '13805700001');
    await lookup(); // cached again
    await db.query(
      `INSERT INTO assignments (area_id, area_level, role, person_id, valid_from) VALUES ($1, 'grid', 'leader', $2, $3)`,
      [grid1.id, person.id, FROM],
    );
    await eventually((r) => r.leader?.personId === person.id);
    await db.query(`UPDATE people SET phone = '13805700009' WHERE id = $1`, [person.id]);
    await eventually((r) => r.leader?.phone === '13805700009');
  });
});
