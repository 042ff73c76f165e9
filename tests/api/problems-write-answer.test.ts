import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { controllableClock, type ControllableClock } from '../../api/domain/clock';
import type { ProblemDetail } from '../../api/schemas/problems';
import type { AreaDetail } from '../../api/schemas/areas';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession, createUser, login, type Session } from './accounts';
import { contractingApi } from './contracting-fixture';
import { jpegPhoto, leafIds, problemApi, userWithUnit, type ProblemApi } from './problem-fixture';
import { POINT_IN_FIRST_GRID } from '../fixtures/mini-city';

// A write answers with what it wrote (issue 15): the report's answer is built from what its
// transaction wrote, with no read-back. It must be, field by field, what GET /api/problems/:id
// answers the same caller right after — for a report (in a grid, outside every grid, with
// photos, by unit staff, as a duplicate, undercover) and for each step of the loop.

const START = new Date('2026-03-02T09:00:00+08:00');
const FROM = '2024-01-01T00:00:00+08:00';
const H = 3600_000;
const [LON, LAT] = POINT_IN_FIRST_GRID;
const IN_GAP: [number, number] = [118.538, 28.915]; // 东门社区, once its second grid is made smaller

describe.each(backends())('a write answers as a read would, on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let clock: ControllableClock;
  const as = {} as Record<'sup' | 'leader' | 'unitA', ProblemApi>;
  let cat: Record<string, number>;
  let grid1: AreaDetail;
  let unitA: number;
  let supSession: Session;

  const body = (over: object = {}) => ({
    lon: LON,
    lat: LAT,
    categoryId: cat['010101'],
    source: 'patrol',
    description: '商铺门前乱摆放货物',
    ...over,
  });
  /** the answer of the write, then the same caller's GET of it: equal in every field */
  const same = async (who: ProblemApi, answer: ProblemDetail) => {
    const read = await who.problem(answer.id);
    for (const key of Object.keys(read) as (keyof ProblemDetail)[])
      expect(answer[key], `field ${key} of problem #${answer.id}`).toEqual(read[key]);
    expect(Object.keys(answer).sort()).toEqual(Object.keys(read).sort());
    return answer;
  };
  const report = async (who: ProblemApi, over: object = {}) => same(who, await who.report(body(over)));
  const act = async (who: ProblemApi, id: number, action: string, payload: Record<string, unknown> = {}) =>
    same(who, await who.act(id, action, payload));

  beforeAll(async () => {
    db = await backend.open();
    clock = controllableClock(START);
    app = await appOn(db, { clock, controllableClock: true });
    const adminSess = await adminSession(app, db);
    await loadMiniCity(app, adminSess);
    const c = contractingApi(app, adminSess);
    unitA = (await c.unit('县住建局')).id;
    const unitE = (await c.unit('县卫健局')).id;
    grid1 = await c.area('330822001001001');
    await c.assign({ areaId: grid1.id, role: 'lead', unitId: unitA, validFrom: FROM });
    await c.assign({ areaId: (await c.area('330822002002')).id, role: 'lead', unitId: unitE, validFrom: FROM });
    await createUser(db, 'w-sup', 'supervisor', ['330822001', '330822002']);
    const leaderUser = await createUser(db, 'w-leader', 'grid_leader');
    supSession = await login(app, 'w-sup');
    as.sup = problemApi(app, supSession);
    as.leader = problemApi(app, await login(app, 'w-leader'));
    as.unitA = problemApi(app, (await userWithUnit(app, db, 'w-unit-a', 'unit_staff', unitA)).session);
    const leader = await c.send('POST', '/api/people', { name: '张建国', phone: '13805700001', userId: leaderUser });
    await c.assign({
      areaId: grid1.id,
      role: 'leader',
      personId: (leader.json() as { id: number }).id,
      validFrom: FROM,
    });
    cat = await leafIds(app, adminSess);
    await db.query(
      `UPDATE areas SET geom = ST_Multi(ST_MakeEnvelope(118.53, 28.91, 118.535, 28.92, 4326)) WHERE code = '330822002002002'`,
    );
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('a report answers with what it wrote: in a grid with photos, outside every grid, by unit staff, duplicate, undercover', async () => {
    const p = await report(as.leader, { address: '人民路 12 号', photos: [await jpegPhoto(), await jpegPhoto()] });
    expect(p).toMatchObject({ gridId: grid1.id, leadUnitId: unitA, reportedByName: 'w-leader' });
    expect(p.timeline[0]!.photos).toHaveLength(2);
    const gap = await report(as.sup, { lon: IN_GAP[0], lat: IN_GAP[1], urgent: true });
    expect(gap).toMatchObject({ outsideGrid: true, gridId: null, urgent: true });
    expect(gap.routing.communityUnits.length).toBeGreaterThan(0);
    await report(as.unitA);
    const dup = await report(as.leader, { duplicateOf: p.id });
    expect(dup).toMatchObject({ state: 'duplicate', duplicateOf: p.id });
    const hidden = await report(as.sup, { source: 'undercover' });
    expect(hidden.source).toBe('undercover');
  });

  it('each step answers as GET /api/problems/:id reads it after', async () => {
    const a = await report(as.leader);
    await act(as.sup, a.id, 'mark_urgent');
    await act(as.sup, a.id, 'verify');
    const assigned = await act(as.sup, a.id, 'assign');
    const wanted = new Date(new Date(assigned.deadline!).getTime() + 48 * H).toISOString();
    await act(as.unitA, a.id, 'request_extension', { reason: '需采购材料', deadline: wanted });
    await act(as.sup, a.id, 'approve_extension');
    await act(as.unitA, a.id, 'request_extension', {
      reason: '再延',
      deadline: new Date(Date.parse(wanted) + H).toISOString(),
    });
    await act(as.sup, a.id, 'deny_extension', { reason: '理由不充分' });
    await act(as.unitA, a.id, 'request_suspension', { reason: '涉及拆迁' });
    await act(as.sup, a.id, 'deny_suspension', { reason: '不符合条件' });
    await act(as.unitA, a.id, 'request_suspension', { reason: '涉及拆迁' });
    await act(as.sup, a.id, 'approve_suspension');
    clock.advance(2 * H);
    await act(as.sup, a.id, 'resume');
    clock.advance(H);
    await act(as.unitA, a.id, 'fix', { comment: '已清理', photos: [await jpegPhoto('after.jpg')] });
    await act(as.sup, a.id, 'rework', { reason: '仍有杂物' });
    await act(as.unitA, a.id, 'fix', { comment: '已清走', photos: [await jpegPhoto('after2.jpg')] });
    await act(as.sup, a.id, 'accept');
    clock.advance(24 * H);
    await act(as.sup, a.id, 'revisit', { holds: false, comment: '再次堆积' });
    await act(as.unitA, a.id, 'return', { reason: '非本单位职责' });

    const b = await report(as.leader);
    await act(as.sup, b.id, 'reject', { reason: '现场核实不存在' });
    const c = await report(as.leader);
    await act(as.sup, c.id, 'mark_duplicate', { duplicateOf: a.id });
  });

  it('audits each write once, in its own transaction; a refused step as failed, a replay as before', async () => {
    const rows = async () =>
      (
        await db.query<{ action: string; outcome: string; status: number; target: string }>(
          `SELECT action, outcome, status, target FROM audit_log WHERE username = 'w-sup' AND action LIKE 'POST %' ORDER BY id`,
        )
      ).rows.map((r) => ({ ...r, target: JSON.parse(r.target) as unknown }));
    const before = (await rows()).length;
    const p = await as.sup.report(body());
    await as.sup.act(p.id, 'verify', { version: 1 });
    expect((await as.sup.actRaw(p.id, 'verify', { version: 1 })).statusCode).toBe(409);
    const keyed = { ...supSession.headers, 'idempotency-key': `audit-${backend.name}` };
    for (let i = 0; i < 2; i++) {
      const res = await app.inject({ method: 'POST', url: '/api/problems', headers: keyed, payload: body() });
      expect(res.statusCode, res.body).toBe(201);
    }
    const step = 'POST /api/problems/:id/actions/:action';
    expect((await rows()).slice(before)).toEqual([
      { action: 'POST /api/problems', outcome: 'ok', status: 201, target: {} },
      { action: step, outcome: 'ok', status: 200, target: { id: p.id, action: 'verify' } },
      { action: step, outcome: 'failed', status: 409, target: { id: p.id, action: 'verify' } },
      { action: 'POST /api/problems', outcome: 'ok', status: 201, target: {} },
      { action: 'POST /api/problems', outcome: 'ok', status: 201, target: {} },
    ]);
  });
});
