import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import type { Assignment, Responsibility, ResponsibilityCoverage, UnitGrids } from '../../api/schemas/contracting';
import type { AreaDetail } from '../../api/schemas/areas';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession } from './accounts';
import { bj, contractingApi } from './contracting-fixture';
import { POINT_IN_FIRST_GRID } from '../fixtures/mini-city';

const [LON, LAT] = POINT_IN_FIRST_GRID;
const START = bj('2024-01-01T00:00:00');
const T = bj('2025-06-30T14:30:00'); // the reassignment instant
const second = (iso: string, d: number) => new Date(Date.parse(iso) + d * 1000).toISOString();

describe.each(backends())('assignments in time on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let api: ReturnType<typeof contractingApi>;
  let grid1: AreaDetail, grid2: AreaDetail, community: AreaDetail;
  const ids: Record<string, number> = {};
  let leadA: Assignment;

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db);
    const admin = await adminSession(app, db);
    await loadMiniCity(app, admin);
    api = contractingApi(app, admin);
    grid1 = await api.area('330822001001001');
    grid2 = await api.area('330822001001002');
    community = await api.area('330822001001');
    for (const [k, name] of [
      ['A', '县教育局'],
      ['B', '县卫生健康局'],
      ['C', '国网常山县供电公司'],
      ['D', '县住建局'],
    ] as const)
      ids[k] = (await api.unit(name)).id;
    ids.P1 = (await api.person('张建国', '138 0570 0001')).id;
    ids.P2 = (await api.person('陈小红', '13805700002')).id;
    leadA = await api.assign({ areaId: grid1.id, role: 'lead', unitId: ids.A, validFrom: START });
    await api.assign({ areaId: grid1.id, role: 'support', unitId: ids.B, validFrom: START });
    await api.assign({ areaId: community.id, role: 'lead', unitId: ids.C, validFrom: START });
    await api.assign({ areaId: grid1.id, role: 'leader', personId: ids.P1, validFrom: START });
    await api.assign({ areaId: grid1.id, role: 'member', personId: ids.P2, validFrom: START });
    const r = await api.reassign(leadA.id, T, { unitId: ids.D });
    expect(r.closed.validTo).toBe(T);
    expect(r.opened).toMatchObject({ unitId: ids.D, role: 'lead', validFrom: T, validTo: null });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const lookup = async (at?: string) => {
    const res = await api.send(
      'GET',
      `/api/responsibility?lon=${LON}&lat=${LAT}${at ? `&at=${encodeURIComponent(at)}` : ''}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Responsibility;
  };

  it('answers who is responsible now: grid, community, street, staff with phones, units', async () => {
    const r = await lookup();
    expect(r.grid.code).toBe('330822001001001');
    expect(r.grid.areaM2).toBeGreaterThan(1e6);
    expect(r.community.name).toBe('文峰社区');
    expect(r.street.name).toBe('天马街道');
    expect(r.leader).toMatchObject({ name: '张建国', phone: '13805700001' });
    expect(r.members.map((m) => m.name)).toEqual(['陈小红']);
    expect(r.leadUnit?.name).toBe('县住建局');
    expect(r.supportUnits.map((u) => u.name)).toEqual(['县卫生健康局']);
    expect(r.communityUnits.map((u) => [u.name, u.role])).toEqual([['国网常山县供电公司', 'lead']]);
  });

  it('turns over at the reassignment instant to the second: T−1 s the old unit, T the new one', async () => {
    expect((await lookup(second(T, -1))).leadUnit?.name).toBe('县教育局');
    expect((await lookup(T)).leadUnit?.name).toBe('县住建局');
    expect((await lookup(second(T, 1))).leadUnit?.name).toBe('县住建局');
  });

  it('answers for the past: before the campaign nobody was responsible', async () => {
    const r = await lookup(second(START, -1));
    expect(r.leadUnit).toBeNull();
    expect(r.leader).toBeNull();
    expect(r.members).toEqual([]);
    expect((await lookup(START)).leader?.name).toBe('张建国');
  });

  it('answers 404 outside every grid and 400 for a time without zone', async () => {
    expect((await api.send('GET', '/api/responsibility?lon=10&lat=50')).statusCode).toBe(404);
    expect((await api.send('GET', `/api/responsibility?lon=${LON}&lat=${LAT}&at=2025-01-01`)).statusCode).toBe(400);
  });

  it('lists a grid history newest first, and a unit grids at a time with their area', async () => {
    const res = await api.send('GET', `/api/grids/${grid1.id}/assignments`);
    const history = res.json() as Assignment[];
    expect(history[0]).toMatchObject({ unitName: '县住建局', validFrom: T });
    expect(history.map((h) => h.validFrom)).toEqual([...history.map((h) => h.validFrom)].sort().reverse());
    const before = (
      await api.send('GET', `/api/units/${ids.A}/grids?at=${encodeURIComponent(second(T, -1))}`)
    ).json() as UnitGrids;
    expect(before.grids.map((g) => g.code)).toEqual([grid1.code]);
    expect(before.totalAreaM2).toBeCloseTo(grid1.areaM2, 3);
    expect(
      ((await api.send('GET', `/api/units/${ids.A}/grids?at=${encodeURIComponent(T)}`)).json() as UnitGrids).grids,
    ).toEqual([]);
  });

  it('lists the gaps at an instant', async () => {
    const c = (await api.send('GET', '/api/coverage/responsibility')).json() as ResponsibilityCoverage;
    expect(c.grids).toBe(8);
    expect(c.gridsWithoutLeadUnit.map((g) => g.code)).not.toContain(grid1.code);
    expect(c.gridsWithoutLeadUnit).toHaveLength(7);
    expect(c.gridsWithoutLeader).toHaveLength(7);
    expect(c.unitsWithoutGrid.map((u) => [u.name, u.communities])).toEqual([
      ['县教育局', 0],
      ['国网常山县供电公司', 1],
    ]);
    const past = (
      await api.send('GET', `/api/coverage/responsibility?at=${encodeURIComponent(second(T, -1))}`)
    ).json() as ResponsibilityCoverage;
    expect(past.unitsWithoutGrid.map((u) => u.name)).toEqual(['国网常山县供电公司', '县住建局']);
  });

  it('has the database refuse overlapping periods, whoever writes', async () => {
    const insert = (role: string, holder: 'unit_id' | 'person_id', id: number, from: string) =>
      db.query(
        `INSERT INTO assignments (area_id, area_level, role, ${holder}, valid_from) VALUES ($1, 'grid', $2, $3, $4)`,
        [grid1.id, role, id, from],
      );
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: { code?: string; constraint?: string }) => `${e.code} ${e.constraint}`,
      );
    expect(await code(insert('lead', 'unit_id', ids.B!, bj('2025-08-01T00:00:00')))).toBe('23P01 assignments_one_lead');
    expect(await code(insert('leader', 'person_id', ids.P2!, bj('2025-08-01T00:00:00')))).toBe(
      '23P01 assignments_one_leader',
    );
    expect(await code(insert('member', 'person_id', ids.P2!, bj('2025-08-01T00:00:00')))).toBe(
      '23P01 assignments_person_once',
    );
    expect(await code(insert('support', 'unit_id', ids.D!, bj('2025-08-01T00:00:00')))).toBe(
      '23P01 assignments_unit_once',
    );
    expect(
      await code(
        db.query(
          `INSERT INTO assignments (area_id, area_level, role, person_id, valid_from, valid_to) VALUES ($1, 'grid', 'member', $2, $3, $3)`,
          [grid2.id, ids.P1, START],
        ),
      ),
    ).toBe('23514 assignments_period');
    expect(
      await code(
        db.query(
          `INSERT INTO assignments (area_id, area_level, role, person_id, valid_from) VALUES ($1, 'community', 'leader', $2, $3)`,
          [community.id, ids.P1, START],
        ),
      ),
    ).toBe('23514 assignments_area_kind');
  });

  it('answers 409 naming the assignment an overlapping period conflicts with', async () => {
    const res = await api.send('POST', '/api/assignments', {
      areaId: grid1.id,
      role: 'lead',
      unitId: ids.B,
      validFrom: bj('2025-01-01T00:00:00'),
    });
    expect(res.statusCode, res.body).toBe(409);
    const body = res.json() as { error: string; message: string; details: { reason: string }[] };
    expect(body.error).toBe('AssignmentConflict');
    expect(body.details.map((d) => d.reason).join(' ')).toMatch(
      new RegExp(`#${leadA.id} .*县教育局.*2024-01-01 — 2025-06-30 14:30:00`),
    );
  });

  it('refuses bad assignments with 4xx naming the field', async () => {
    const bad = async (body: object, status: number, field: string) => {
      const res = await api.send('POST', '/api/assignments', body);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.body).toContain(field);
    };
    await bad({ areaId: grid2.id, role: 'lead', unitId: ids.A, validFrom: T, validTo: START }, 422, 'validTo');
    await bad({ areaId: grid2.id, role: 'lead', personId: ids.P1, validFrom: T }, 422, 'unitId');
    await bad({ areaId: community.id, role: 'leader', personId: ids.P1, validFrom: T }, 422, 'areaId');
    await bad({ areaId: grid2.id, role: 'lead', unitId: 99999, validFrom: T }, 422, 'unitId');
    await bad({ areaId: grid2.id, role: 'chief', unitId: ids.A, validFrom: T }, 400, 'role');
    const phone = await api.send('POST', '/api/people', { name: '王五', phone: '12345678901' });
    expect(phone.statusCode).toBe(422);
    expect(phone.json()).toMatchObject({ details: [{ field: 'phone' }] });
    expect((await api.send('POST', '/api/people', { name: '张三', phone: '13805700001' })).statusCode).toBe(409);
  });

  it('closes a period at an instant and refuses to close it twice', async () => {
    const p = await api.person('李四', '0570-8123456');
    expect(p.phone).toBe('0570-8123456');
    const a = await api.assign({ areaId: grid2.id, role: 'member', personId: p.id, validFrom: START });
    expect((await api.send('POST', `/api/assignments/${a.id}/close`, { at: second(START, -1) })).statusCode).toBe(422);
    const closed = await api.send('POST', `/api/assignments/${a.id}/close`, { at: T });
    expect(closed.json()).toMatchObject({ validTo: T });
    expect((await api.send('POST', `/api/assignments/${a.id}/close`, { at: T })).statusCode).toBe(409);
    expect((await api.send('POST', '/api/assignments/999999/close', { at: T })).statusCode).toBe(404);
  });

  it('lets exactly one of two concurrent reassignments of a grid win', async () => {
    const lead = await api.assign({ areaId: grid2.id, role: 'lead', unitId: ids.A, validFrom: START });
    const at = bj('2025-09-01T08:00:00');
    const [a, b] = await Promise.all([
      api.send('POST', `/api/assignments/${lead.id}/reassign`, { at, unitId: ids.B }),
      api.send('POST', `/api/assignments/${lead.id}/reassign`, { at, unitId: ids.C }),
    ]);
    expect([a!.statusCode, b!.statusCode].sort()).toEqual([200, 409]);
    const history = (await api.send('GET', `/api/grids/${grid2.id}/assignments`)).json() as Assignment[];
    expect(history.filter((h) => h.role === 'lead')).toHaveLength(2);
  });

  it('lets exactly one of two concurrent first assignments of a lead unit win (the constraint decides)', async () => {
    const grid = await api.area('330822001002001');
    const [a, b] = await Promise.all([
      api.send('POST', '/api/assignments', { areaId: grid.id, role: 'lead', unitId: ids.A, validFrom: START }),
      api.send('POST', '/api/assignments', { areaId: grid.id, role: 'lead', unitId: ids.B, validFrom: START }),
    ]);
    expect([a!.statusCode, b!.statusCode].sort()).toEqual([201, 409]);
    const loser = a!.statusCode === 409 ? a! : b!;
    expect(loser.json()).toMatchObject({ error: 'AssignmentConflict' });
    expect(loser.body).toMatch(/#\d+/);
  });
});
