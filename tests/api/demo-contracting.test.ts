import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import type {
  Assignment,
  Responsibility,
  ResponsibilityCoverage,
  Unit,
  UnitGrids,
} from '../../api/schemas/contracting';
import type { AreaDetail } from '../../api/schemas/areas';
import { tileEncoder } from '../../api/tiles/mvt';
import { seedDemo } from '../../data/demo/seed';
import { templateWorkbook } from '../../data/contracting-template';
import { appOn, backends } from './harness';
import { login, type Session } from './accounts';
import { decode, tileOf } from './mvt-decode';

const NOW = new Date('2026-05-20T10:00:00+08:00');
const TURNOVER = new Date('2026-02-18T09:00:00+08:00'); // 91 days before NOW, 09:00 Beijing

// The demo city as seeded on first start: responsibility, its gaps and history, the zones tiles.
describe.each(backends())('demo contracting data on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let admin: Session;
  let coverage: ResponsibilityCoverage;
  const get = async <T>(url: string, s = admin) => {
    const res = await app.inject({ url, headers: s.headers });
    expect(res.statusCode, `${url} → ${res.body.slice(0, 300)}`).toBe(200);
    return res.json() as T;
  };
  beforeAll(async () => {
    db = await backend.open();
    const seeded = await seedDemo(db, { now: NOW });
    expect(seeded.units).toBeGreaterThanOrEqual(60);
    app = await appOn(db);
    const pw = (u: string) => seeded.accounts.find((a) => a.username === u)!.password;
    admin = await login(app, 'admin', pw('admin'));
    coverage = await get<ResponsibilityCoverage>(
      `/api/coverage/responsibility?at=${encodeURIComponent(NOW.toISOString())}`,
    );
    (app as unknown as { pw: typeof pw }).pw = pw;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('gives every grid but one a leader, most a lead unit, and leaves one unit idle', () => {
    expect(coverage.grids).toBeGreaterThan(250);
    expect(coverage.gridsWithoutLeader).toHaveLength(1);
    expect(coverage.gridsWithoutLeadUnit.length).toBeGreaterThan(0);
    expect(coverage.gridsWithoutLeadUnit.length).toBeLessThan(coverage.grids * 0.1);
    expect(coverage.unitsWithoutGrid.map((u) => u.name)).toContain('县档案馆');
  });

  it('keeps a history: some grids changed lead unit ~3 months ago, and the lookup answers both', async () => {
    const { rows } = await db.query<{ id: number }>(
      `SELECT area_id AS id FROM assignments WHERE role = 'lead' AND valid_from = $1 LIMIT 1`,
      [TURNOVER],
    );
    expect(rows.length).toBe(1);
    const grid = await get<AreaDetail>(`/api/areas/${rows[0]!.id}`);
    const history = await get<Assignment[]>(`/api/grids/${grid.id}/assignments`);
    const leads = history.filter((h) => h.role === 'lead');
    expect(leads[0]!.validFrom).toBe(TURNOVER.toISOString());
    expect(leads[1]!.validTo).toBe(TURNOVER.toISOString());
    const at = async (t: Date) =>
      (
        await get<Responsibility>(
          `/api/responsibility?lon=${grid.labelPoint[0]}&lat=${grid.labelPoint[1]}&at=${encodeURIComponent(t.toISOString())}`,
        )
      ).leadUnit?.name;
    expect(await at(new Date(TURNOVER.getTime() - 1000))).toBe(leads[1]!.unitName);
    expect(await at(TURNOVER)).toBe(leads[0]!.unitName);
  });

  it('scopes the unit staff account to the grids its unit (县教育局) leads', async () => {
    const pw = (app as unknown as { pw: (u: string) => string }).pw;
    const staff = await login(app, 'unitstaff', pw('unitstaff'));
    const units = await get<Unit[]>('/api/units', staff);
    const edu = units.find((u) => u.name === '县教育局')!;
    const zones = await get<UnitGrids>(`/api/units/${edu.id}/grids`, staff);
    expect(zones.grids.length).toBeGreaterThan(3);
    expect(zones.totalAreaM2).toBeGreaterThan(0);
    const me = await get<{ user: { scope: { code: string }[] } }>('/api/auth/me', staff);
    expect(me.user.scope.map((s) => s.code).sort()).toEqual(zones.grids.map((g) => g.code).sort());
    const gaps = await get<ResponsibilityCoverage>('/api/coverage/responsibility', staff);
    expect(gaps.grids).toBe(zones.grids.length);
  });

  it('draws the zones tileset: grids by lead unit from z12, gaps without one, communities below', async () => {
    const gap = await get<AreaDetail>(`/api/areas/${coverage.gridsWithoutLeadUnit[0]!.id}`);
    const [z, x, y] = tileOf(gap.labelPoint[0], gap.labelPoint[1], 14);
    const res = await app.inject({
      url: `/tiles/zones/${z}/${x}/${y}.mvt?at=${encodeURIComponent(NOW.toISOString())}`,
      headers: admin.headers,
    });
    expect(res.statusCode).toBe(200);
    const features = decode(new Uint8Array(res.rawPayload));
    expect(features.every((f) => f.layer === 'zones' && f.properties.level === 'grid')).toBe(true);
    const hole = features.find((f) => f.id === gap.id)!;
    expect(hole.properties.lead_unit_name).toBeUndefined();
    const led = features.filter((f) => typeof f.properties.lead_unit_name === 'string');
    expect(led.length).toBeGreaterThan(0);
    expect(typeof led[0]!.properties.lead_unit_id).toBe('number');
    const [z11, x11, y11] = tileOf(gap.labelPoint[0], gap.labelPoint[1], 11);
    const low = decode(
      new Uint8Array(
        (await app.inject({ url: `/tiles/zones/${z11}/${x11}/${y11}.mvt`, headers: admin.headers })).rawPayload,
      ),
    );
    expect(low.length).toBeGreaterThan(0);
    expect(low.every((f) => f.properties.level === 'community' && Number(f.properties.unit_count) > 0)).toBe(true);
    expect(
      (await app.inject({ url: `/tiles/zones/${z}/${x}/${y}.mvt?at=yesterday`, headers: admin.headers })).statusCode,
    ).toBe(400);
  });

  it('colours a reassigned grid by the unit in force at ?at=', async () => {
    const { rows } = await db.query<{ id: number; old: number; new: number }>(
      `SELECT n.area_id AS id, o.unit_id AS old, n.unit_id AS new FROM assignments n JOIN assignments o ON o.area_id = n.area_id AND o.role = 'lead' AND o.valid_to = n.valid_from
       WHERE n.role = 'lead' AND n.valid_from = $1 LIMIT 1`,
      [TURNOVER],
    );
    const grid = await get<AreaDetail>(`/api/areas/${rows[0]!.id}`);
    const tile = async (t: Date) => {
      const [z, x, y] = tileOf(grid.labelPoint[0], grid.labelPoint[1], 15);
      const res = await app.inject({
        url: `/tiles/zones/${z}/${x}/${y}.mvt?at=${encodeURIComponent(t.toISOString())}`,
        headers: admin.headers,
      });
      return decode(new Uint8Array(res.rawPayload)).find((f) => f.id === grid.id)!.properties.lead_unit_id;
    };
    expect(await tile(new Date(TURNOVER.getTime() - 1000))).toBe(rows[0]!.old);
    expect(await tile(TURNOVER)).toBe(rows[0]!.new);
  });

  it.runIf(backend.name === 'postgres')('encodes the same zones with ST_AsMVT and with the JS encoder', async () => {
    const js = tileEncoder(db, 'js'),
      native = tileEncoder(db, 'postgis');
    for (const zoom of [11, 13, 15]) {
      const [, x, y] = tileOf(118.515, 28.905, zoom);
      const a = decode(await js('zones', zoom, x, y, null, NOW));
      expect(a.length).toBeGreaterThan(0);
      expect(decode(await native('zones', zoom, x, y, null, NOW))).toEqual(a);
    }
  });
  // Issue 10 finding 15: the example workbook must import where it is meant to be tried out.
  // Last: it adds units, people and assignments to the demo.
  it('imports the workbook `contracting template` writes into the demo city', async () => {
    const files = [{ name: '挂联包保模板.xlsx', content: (await templateWorkbook()).toString('base64') }];
    const res = await app.inject({
      method: 'POST',
      url: '/api/contracting/import',
      headers: admin.headers,
      payload: { files },
    });
    expect(res.statusCode, res.body.slice(0, 500)).toBe(201);
    expect(res.json()).toEqual({
      units: { created: 3, updated: 0 },
      people: { created: 2, updated: 1 },
      assignments: { created: 7, unchanged: 0 },
    });
  });
});
