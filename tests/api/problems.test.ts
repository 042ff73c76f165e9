import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { controllableClock, type ControllableClock } from '../../api/domain/clock';
import { summarizeEvents } from '../../api/domain/problem-machine';
import type { Category, Notice, ProblemList, Queue } from '../../api/schemas/problems';
import type { AreaDetail } from '../../api/schemas/areas';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession, createUser, login, type Session } from './accounts';
import { contractingApi } from './contracting-fixture';
import { jpegPhoto, leafIds, problemApi, userWithUnit, writtenRows, type ProblemApi } from './problem-fixture';
import { POINT_IN_FIRST_GRID } from '../fixtures/mini-city';

const START = new Date('2026-03-02T09:00:00+08:00'); // a Monday morning
const FROM = '2024-01-01T00:00:00+08:00';
const H = 3600_000;
const [LON, LAT] = POINT_IN_FIRST_GRID; // 文峰社区第01网格 (330822001001001)
const IN_GRID2: [number, number] = [118.515, 28.905]; // 文峰社区第02网格
const IN_GAP: [number, number] = [118.538, 28.915]; // 东门社区, once its second grid is made smaller
const OUTSIDE: [number, number] = [118.6, 28.95];

describe.each(backends())('problem loop on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let clock: ControllableClock;
  let admin: ProblemApi;
  let adminSess: Session;
  const as = {} as Record<'sup' | 'cmd' | 'planner' | 'leader' | 'member' | 'unitA' | 'unitB', ProblemApi>;
  const unit = {} as Record<'A' | 'B' | 'C' | 'D' | 'E', number>;
  let cat: Record<string, number>;
  let grid1: AreaDetail;
  let leaderPersonId: number;
  let grid2LeadAssignment: number;

  const body = (over: object = {}) => ({
    lon: LON,
    lat: LAT,
    categoryId: cat['010101'],
    source: 'patrol',
    description: '商铺门前乱摆放货物',
    ...over,
  });
  const advance = async (hours: number) => {
    const res = await admin.send('POST', '/api/dev/clock', { advanceHours: hours });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { now: string; raised: { supervision: number; accountability: number } };
  };
  /** reported by the grid leader, verified and assigned by the supervisor */
  const assignedProblem = async (over: object = {}) => {
    const p = await as.leader.report(body(over));
    await as.sup.act(p.id, 'verify');
    return as.sup.act(p.id, 'assign');
  };

  beforeAll(async () => {
    db = await backend.open();
    clock = controllableClock(START);
    app = await appOn(db, { clock, controllableClock: true });
    adminSess = await adminSession(app, db);
    admin = problemApi(app, adminSess);
    await loadMiniCity(app, adminSess);
    const c = contractingApi(app, adminSess);
    for (const [k, name] of [
      ['A', '县住建局'],
      ['B', '县城管局'],
      ['C', '县环卫所'],
      ['D', '县市场监管局'],
      ['E', '县卫健局'],
    ] as const)
      unit[k] = (await c.unit(name)).id;
    grid1 = await c.area('330822001001001');
    await c.assign({ areaId: grid1.id, role: 'lead', unitId: unit.A, validFrom: FROM });
    await c.assign({ areaId: (await c.area('330822001002001')).id, role: 'lead', unitId: unit.B, validFrom: FROM });
    grid2LeadAssignment = (
      await c.assign({ areaId: (await c.area('330822001001002')).id, role: 'lead', unitId: unit.C, validFrom: FROM })
    ).id;
    await c.assign({ areaId: (await c.area('330822002002')).id, role: 'lead', unitId: unit.E, validFrom: FROM });
    const sessions: Record<string, Session> = {};
    await createUser(db, 'p-sup', 'supervisor', ['330822001']);
    await createUser(db, 'p-cmd', 'commander');
    await createUser(db, 'p-planner', 'planner');
    const leaderUser = await createUser(db, 'p-leader', 'grid_leader');
    const memberUser = await createUser(db, 'p-member', 'grid_member');
    for (const u of ['sup', 'cmd', 'planner', 'leader', 'member'] as const) sessions[u] = await login(app, `p-${u}`);
    sessions.unitA = (await userWithUnit(app, db, 'p-unit-a', 'unit_staff', unit.A)).session;
    sessions.unitB = (await userWithUnit(app, db, 'p-unit-b', 'unit_staff', unit.B)).session;
    const leader = await c.send('POST', '/api/people', { name: '张建国', phone: '13805700001', userId: leaderUser });
    leaderPersonId = (leader.json() as { id: number }).id;
    const member = await c.send('POST', '/api/people', { name: '陈小红', phone: '13805700002', userId: memberUser });
    await c.assign({ areaId: grid1.id, role: 'leader', personId: leaderPersonId, validFrom: FROM });
    await c.assign({
      areaId: grid1.id,
      role: 'member',
      personId: (member.json() as { id: number }).id,
      validFrom: FROM,
    });
    for (const [k, s] of Object.entries(sessions)) as[k as keyof typeof as] = problemApi(app, s);
    cat = await leafIds(app, adminSess);
    // a coverage gap: the east half of 东门社区第02网格 is left outside every grid
    await db.query(
      `UPDATE areas SET geom = ST_Multi(ST_MakeEnvelope(118.53, 28.91, 118.535, 28.92, 4326)) WHERE code = '330822002002002'`,
    );
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('routes a report to its grid, community, street, leader and units, and starts its timeline', async () => {
    const p = await as.leader.report(body({ address: '天马街道人民路 12 号', photos: [await jpegPhoto()] }));
    expect(p).toMatchObject({
      state: 'reported',
      version: 1,
      outsideGrid: false,
      gridId: grid1.id,
      gridCode: '330822001001001',
      areaCode: '330822001001001',
      communityName: '文峰社区',
      streetName: '天马街道',
      streetCode: '330822001',
      leaderPersonId,
      leadUnitId: unit.A,
      leadUnitName: '县住建局',
      reportedAt: START.toISOString(),
      reportedByName: 'p-leader',
      categoryCode: '010101',
      deadline: null,
      overdue: false,
    });
    expect(p.routing.leader?.name).toBe('张建国');
    expect(p.routing.members.map((m) => m.name)).toEqual(['陈小红']);
    expect(p.routing.leadUnit?.name).toBe('县住建局');
    expect(p.timeline).toHaveLength(1);
    expect(p.timeline[0]).toMatchObject({
      seq: 1,
      action: 'report',
      fromState: null,
      toState: 'reported',
      actorName: 'p-leader',
      actorRole: 'grid_leader',
    });
    expect(p.timeline[0]!.photos).toEqual([
      {
        id: p.photos[0]!.id,
        kind: 'before',
        url: `/api/photos/${p.photos[0]!.id}`,
        thumbUrl: `/api/photos/${p.photos[0]!.id}/thumb`,
      },
    ]);
    expect(p.allowedActions).toEqual([]); // a grid leader only reports here; the supervisor verifies
    expect((await as.sup.problem(p.id)).allowedActions).toEqual(['verify', 'reject', 'mark_duplicate', 'mark_urgent']);
    const img = await as.unitA.send('GET', p.timeline[0]!.photos[0]!.url);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
  });

  it('keeps the routing of a stored problem when the grid is reassigned later', async () => {
    const before = await as.sup.report(body({ lon: IN_GRID2[0], lat: IN_GRID2[1] }));
    expect(before.leadUnitId).toBe(unit.C);
    await contractingApi(app, adminSess).reassign(
      grid2LeadAssignment,
      new Date(START.getTime() + 30 * 60_000).toISOString(),
      { unitId: unit.D },
    );
    clock.advance(H);
    const after = await as.sup.report(body({ lon: IN_GRID2[0], lat: IN_GRID2[1] }));
    expect(after.leadUnitId).toBe(unit.D);
    expect(after.routing.leadUnit?.name).toBe('县市场监管局');
    const again = await as.sup.problem(before.id);
    expect(again.leadUnitId).toBe(unit.C);
    expect(again.routing.leadUnit?.name).toBe('县环卫所');
  });

  it('accepts a point outside every grid, flagged, with the community and street containing it', async () => {
    const p = await as.cmd.report(body({ lon: IN_GAP[0], lat: IN_GAP[1] }));
    expect(p).toMatchObject({
      outsideGrid: true,
      gridId: null,
      leaderPersonId: null,
      leadUnitId: null,
      areaCode: '330822002002',
      communityName: '东门社区',
      streetName: '紫港街道',
      streetCode: '330822002',
    });
    expect(p.routing.grid).toBeNull();
    expect(p.routing.communityUnits.map((u) => u.name)).toEqual(['县卫健局']);
    // assigned by default to the community's lead unit
    await as.cmd.act(p.id, 'verify');
    expect((await as.cmd.act(p.id, 'assign')).assigneeUnitId).toBe(unit.E);
    // the supervisor of street 1 does not see it
    expect((await as.sup.send('GET', `/api/problems/${p.id}`)).statusCode).toBe(404);
  });

  it('refuses a point outside the county, a non-leaf or unknown category, and a bad photo, writing nothing', async () => {
    const before = await writtenRows(db);
    const refuse = async (b: object, status: number, fields: string[]) => {
      const res = await as.sup.send('POST', '/api/problems', b);
      expect(res.statusCode, res.body).toBe(status);
      const details = (res.json() as { details?: { field?: string }[] }).details ?? [];
      for (const f of fields)
        expect(
          details.map((d) => d.field),
          res.body,
        ).toContain(f);
    };
    await refuse(body({ lon: OUTSIDE[0], lat: OUTSIDE[1], photos: [await jpegPhoto()] }), 400, ['lon', 'lat']);
    await refuse(body({ categoryId: cat['05'] }), 400, ['categoryId']);
    await refuse(body({ categoryId: cat['0501'] }), 400, ['categoryId']);
    await refuse(body({ categoryId: 999999 }), 400, ['categoryId']);
    await refuse(
      body({
        photos: [
          await jpegPhoto(),
          { name: 'x.jpg', dataBase64: Buffer.from('MZ\x90\x00 not an image at all').toString('base64') },
        ],
      }),
      400,
      ['photos[1]'],
    );
    await refuse(body({ description: '   ' }), 400, ['description']);
    expect(await writtenRows(db)).toEqual(before);
    // undercover problems are recorded by the supervision side only
    const res = await as.unitA.send('POST', '/api/problems', body({ source: 'undercover' }));
    expect(res.statusCode).toBe(403);
    expect((await as.planner.send('POST', '/api/problems', body())).statusCode).toBe(403);
    expect(await writtenRows(db)).toEqual(before);
  });

  it('walks the whole loop: report → verify → assign → fix → rework → fix → accept → revisit holds', async () => {
    const p = await as.leader.report(body({ photos: [await jpegPhoto('before.jpg')] }));
    const v = await as.sup.act(p.id, 'verify', { comment: '属实' });
    expect(v).toMatchObject({ state: 'verified', verifiedAt: clock.now().toISOString(), version: 2 });
    const a = await as.sup.act(p.id, 'assign');
    const deadline = new Date(clock.now().getTime() + 24 * H).toISOString(); // 店外乱摆乱放: 24 h
    expect(a).toMatchObject({
      state: 'assigned',
      assigneeUnitId: unit.A,
      assigneeUnitName: '县住建局',
      deadline,
      cycle: 1,
      assignedAt: clock.now().toISOString(),
    });
    expect((await as.unitA.problem(p.id)).allowedActions).toEqual([
      'return',
      'fix',
      'request_extension',
      'request_suspension',
    ]);
    const noPhoto = await as.unitA.actRaw(p.id, 'fix', { comment: '已清理' });
    expect(noPhoto.statusCode).toBe(400);
    expect(noPhoto.json()).toMatchObject({ details: [{ field: 'photos' }] });
    clock.advance(3 * H);
    const f1 = await as.unitA.act(p.id, 'fix', { comment: '已清理门前货物', photos: [await jpegPhoto('after.jpg')] });
    expect(f1).toMatchObject({ state: 'fixed', fixedAt: clock.now().toISOString() });
    expect(f1.timeline.at(-1)!.photos.map((x) => x.kind)).toEqual(['after']);
    const r = await as.sup.act(p.id, 'rework', { reason: '门前仍有杂物' });
    expect(r).toMatchObject({ state: 'assigned', reworkCount: 1, cycle: 2, deadline, fixedAt: null });
    clock.advance(2 * H);
    await as.leader.act(p.id, 'fix', { comment: '杂物已全部清走', photos: [await jpegPhoto('after2.jpg')] });
    const closed = await as.sup.act(p.id, 'accept');
    expect(closed).toMatchObject({
      state: 'closed',
      closedOnTime: true,
      closedAt: clock.now().toISOString(),
      revisitDueAt: new Date(clock.now().getTime() + 7 * 24 * H).toISOString(),
    });
    await advance(8 * 24);
    const due = (await as.sup.get<Queue>('/api/problems/queue')).sections.find((s) => s.key === 'revisit')!;
    expect(due.items.map((i) => i.id)).toContain(p.id);
    const held = await as.leader.act(p.id, 'revisit', {
      holds: true,
      comment: '复查保持良好',
      photos: [await jpegPhoto('revisit.jpg')],
    });
    expect(held).toMatchObject({ state: 'closed', revisitedAt: clock.now().toISOString(), relapseCount: 0 });
    expect(held.timeline.map((e) => e.action)).toEqual([
      'report',
      'verify',
      'assign',
      'fix',
      'rework',
      'fix',
      'accept',
      'revisit',
    ]);
    expect(held.timeline.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(held.photos.map((x) => x.kind)).toEqual(['before', 'after', 'after', 'revisit']);
    expect(held.timeline.find((e) => e.action === 'rework')!.reason).toBe('门前仍有杂物');
    // the timeline rebuilt from the events is the problem
    const s = summarizeEvents(held.timeline);
    expect(s).toMatchObject({
      state: held.state,
      cycle: held.cycle,
      reworkCount: held.reworkCount,
      relapseCount: held.relapseCount,
      returnCount: held.returnCount,
      extensionCount: held.extensionCount,
    });
  });

  it('reopens a problem that relapses at its revisit, with a new deadline', async () => {
    const p = await assignedProblem({ categoryId: cat['050101'] }); // 暴露垃圾: 12 h
    await as.unitA.act(p.id, 'fix', { comment: '已清运', photos: [await jpegPhoto()] });
    await as.sup.act(p.id, 'accept');
    await advance(24);
    const back = await as.sup.act(p.id, 'revisit', { holds: false, comment: '垃圾再次堆积' });
    expect(back).toMatchObject({
      state: 'assigned',
      relapseCount: 1,
      cycle: 2,
      closedAt: null,
      deadline: new Date(clock.now().getTime() + 12 * H).toISOString(),
    });
    expect(summarizeEvents(back.timeline)).toMatchObject({ state: 'assigned', relapseCount: 1, cycle: 2 });
  });

  it('counts a return as "not ours" against the unit that returned it, then re-assigns', async () => {
    const p = await assignedProblem();
    const back = await as.unitA.act(p.id, 'return', { reason: '属城管职责，非本单位' });
    expect(back).toMatchObject({ state: 'verified', returnCount: 1, assigneeUnitId: null, deadline: null });
    expect(back.timeline.at(-1)).toMatchObject({
      action: 'return',
      actorUnitId: unit.A,
      reason: '属城管职责，非本单位',
      data: { unitId: unit.A },
    });
    const again = await as.sup.act(p.id, 'assign', { unitId: unit.B });
    expect(again).toMatchObject({ state: 'assigned', assigneeUnitId: unit.B, cycle: 2 });
    // unit B contracts another grid, but sees (and works) what is assigned to it
    const queue = await as.unitB.get<Queue>('/api/problems/queue');
    expect(queue.sections.find((s) => s.key === 'todo')!.items.map((i) => i.id)).toContain(p.id);
    expect((await as.unitB.problem(p.id)).allowedActions).toContain('fix');
    // and unit A can no longer act on it
    expect((await as.unitA.actRaw(p.id, 'fix', { comment: 'x', photos: [await jpegPhoto()] })).statusCode).toBe(403);
  });

  it('extends a deadline on approval, one pending request at a time', async () => {
    const p = await assignedProblem();
    const wanted = new Date(new Date(p.deadline!).getTime() + 48 * H).toISOString();
    const req = await as.unitA.act(p.id, 'request_extension', { reason: '需采购材料', deadline: wanted });
    expect(req.pendingRequest).toMatchObject({
      kind: 'extension',
      reason: '需采购材料',
      deadline: wanted,
      byName: 'p-unit-a',
    });
    const twice = await as.unitA.actRaw(p.id, 'request_suspension', { reason: 'x' });
    expect(twice.statusCode).toBe(409);
    const ok = await as.sup.act(p.id, 'approve_extension');
    expect(ok).toMatchObject({ deadline: wanted, extensionCount: 1, pendingRequest: null, state: 'assigned' });
    await as.unitA.act(p.id, 'request_extension', {
      reason: '再延',
      deadline: new Date(Date.parse(wanted) + H).toISOString(),
    });
    expect(await as.sup.act(p.id, 'deny_extension', { reason: '理由不充分' })).toMatchObject({
      deadline: wanted,
      extensionCount: 1,
      pendingRequest: null,
    });
  });

  it('suspends on approval and, on resume, moves the deadline by the time suspended', async () => {
    const p = await assignedProblem();
    await as.unitA.act(p.id, 'request_suspension', { reason: '涉及拆迁，待统一处置' });
    const s = await as.sup.act(p.id, 'approve_suspension');
    expect(s).toMatchObject({ state: 'suspended', suspendedAt: clock.now().toISOString(), overdue: false });
    await advance(30);
    const r = await as.sup.act(p.id, 'resume');
    expect(r).toMatchObject({
      state: 'assigned',
      suspendedAt: null,
      deadline: new Date(Date.parse(p.deadline!) + 30 * H).toISOString(),
    });
    expect(r.supervisionCount).toBe(0); // suspended problems are not overdue
  });

  it('answers 409 listing the allowed actions, 403 for a role that may not, 400 for a missing reason', async () => {
    const p = await as.leader.report(body());
    const illegal = await as.sup.actRaw(p.id, 'accept');
    expect(illegal.statusCode).toBe(409);
    const b = illegal.json() as { error: string; details: { field: string; feature: string }[] };
    expect(b.error).toBe('IllegalTransition');
    expect(b.details.map((d) => d.feature)).toEqual(['verify', 'reject', 'mark_duplicate', 'mark_urgent']);
    expect((await as.unitA.actRaw(p.id, 'verify')).statusCode).toBe(403);
    expect((await as.leader.actRaw(p.id, 'reject', { reason: 'x' })).statusCode).toBe(403);
    expect((await as.planner.actRaw(p.id, 'verify', { version: 1 })).statusCode).toBe(403);
    const noReason = await as.sup.actRaw(p.id, 'reject', { comment: '不予立案' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ details: [{ field: 'reason' }] });
    expect((await as.sup.problem(p.id)).version).toBe(1);
    const stale = await as.sup.actRaw(p.id, 'verify', { version: 7 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: 'StaleVersion', details: [{ field: 'version' }] });
    expect(await as.sup.act(p.id, 'reject', { reason: '现场核实不存在' })).toMatchObject({
      state: 'invalid',
      allowedActions: [],
    });
  });

  it('links a duplicate to an open problem, and offers nearby open ones before saving', async () => {
    const first = await as.leader.report(body({ categoryId: cat['050102'] }));
    const near = await as.leader.get<{ id: number; distanceM: number }[]>(
      `/api/problems/nearby?lon=${LON + 0.0003}&lat=${LAT}&categoryId=${cat['050102']}`,
    );
    expect(near.map((n) => n.id)).toContain(first.id);
    expect(near.find((n) => n.id === first.id)!.distanceM).toBeGreaterThan(20);
    expect(
      await as.leader.get<unknown[]>(`/api/problems/nearby?lon=${LON + 0.01}&lat=${LAT}&categoryId=${cat['050102']}`),
    ).toEqual([]);
    const dup = await as.leader.report(body({ categoryId: cat['050102'], duplicateOf: first.id }));
    expect(dup).toMatchObject({ state: 'duplicate', duplicateOf: first.id });
    const second = await as.leader.report(body({ categoryId: cat['050102'] }));
    const self = await as.sup.actRaw(second.id, 'mark_duplicate', { duplicateOf: second.id });
    expect(self.statusCode).toBe(400);
    expect(await as.sup.act(second.id, 'mark_duplicate', { duplicateOf: first.id })).toMatchObject({
      state: 'duplicate',
      duplicateOf: first.id,
    });
  });

  it('lets exactly one of two concurrent acceptances win', async () => {
    const p = await assignedProblem();
    const fixed = await as.unitA.act(p.id, 'fix', { comment: '已整改', photos: [await jpegPhoto()] });
    const send = () => as.sup.send('POST', `/api/problems/${p.id}/actions/accept`, { version: fixed.version });
    const [a, b] = await Promise.all([send(), send()]);
    expect([a!.statusCode, b!.statusCode].sort()).toEqual([200, 409]);
    expect((a!.statusCode === 409 ? a! : b!).json()).toMatchObject({ error: 'StaleVersion' });
    const after = await as.sup.problem(p.id);
    expect(after.timeline.filter((e) => e.action === 'accept')).toHaveLength(1);
    expect(after.version).toBe(fixed.version + 1);
  });

  it('raises a supervision notice when the deadline passes, then an accountability notice, once per cycle', async () => {
    const p = await assignedProblem();
    const notices = async () => (await as.sup.get<{ items: Notice[] }>(`/api/notices?problemId=${p.id}`)).items;
    await advance(23);
    expect(await notices()).toEqual([]);
    await advance(2); // 1 h past the deadline
    const [sup] = await notices();
    expect(sup).toMatchObject({
      kind: 'supervision',
      cycle: 1,
      unitId: unit.A,
      unitName: '县住建局',
      resolvedAt: null,
      problemState: 'assigned',
    });
    expect(sup!.number).toMatch(/^督办〔2026〕第\d{4}号$/);
    expect(Date.parse(sup!.dueAt) - Date.parse(sup!.issuedAt)).toBe(24 * H);
    const d = await as.unitA.problem(p.id);
    expect(d).toMatchObject({ overdue: true, supervisionCount: 1 });
    expect(d.timeline.at(-1)).toMatchObject({
      action: 'supervision_notice',
      actorId: null,
      fromState: 'assigned',
      toState: 'assigned',
      data: { number: sup!.number },
    });
    await advance(12);
    expect(await notices()).toHaveLength(1);
    await advance(13); // the supervision notice fell due an hour ago
    const all = await notices();
    expect(all.map((n) => n.kind)).toEqual(['accountability', 'supervision']);
    expect(all[0]!.number).toMatch(/^问责〔2026〕第\d{4}号$/);
    await advance(48);
    expect(await notices()).toHaveLength(2);
    expect((await as.sup.problem(p.id)).accountabilityCount).toBe(1);
    const list = await as.unitA.get<ProblemList>('/api/problems?overdue=true&limit=500');
    expect(list.items.map((i) => i.id)).toContain(p.id);
    // fixing it resolves the open notices
    const fixed = await as.unitA.act(p.id, 'fix', { comment: '已整改', photos: [await jpegPhoto()] });
    expect(fixed.notices.every((n) => n.resolvedAt === clock.now().toISOString())).toBe(true);
    expect((await as.sup.get<{ items: Notice[] }>(`/api/notices?problemId=${p.id}&open=true`)).items).toEqual([]);
    const one = await as.unitA.get<Notice>(`/api/notices/${sup!.id}`);
    expect(one).toMatchObject({ id: sup!.id, problemState: 'fixed' });
    expect((await as.unitB.send('GET', `/api/notices/${sup!.id}`)).statusCode).toBe(404);
  });

  it('hides undercover problems from units and grid staff until assigned', async () => {
    const p = await as.sup.report(body({ source: 'undercover', description: '暗访发现门前乱堆放' }));
    const seen = async (api: ProblemApi) =>
      (await api.get<ProblemList>('/api/problems?source=undercover&limit=500')).items.some((i) => i.id === p.id);
    for (const api of [as.unitA, as.leader, as.member]) {
      expect((await api.send('GET', `/api/problems/${p.id}`)).statusCode).toBe(404);
      expect(await seen(api)).toBe(false);
    }
    expect(await seen(as.cmd)).toBe(true);
    expect(await seen(as.sup)).toBe(true);
    await as.sup.act(p.id, 'verify');
    expect((await as.unitA.send('GET', `/api/problems/${p.id}`)).statusCode).toBe(404);
    await as.sup.act(p.id, 'assign');
    for (const api of [as.unitA, as.leader, as.member]) {
      expect((await api.send('GET', `/api/problems/${p.id}`)).statusCode).toBe(200);
      expect(await seen(api)).toBe(true);
    }
  });

  it('keeps events append-only, whoever writes', async () => {
    const p = await as.leader.report(body());
    await expect(
      db.query('UPDATE problem_events SET comment = $1 WHERE problem_id = $2', ['改写', p.id]),
    ).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM problem_events WHERE problem_id = $1', [p.id])).rejects.toThrow(/append-only/);
    expect((await as.sup.problem(p.id)).timeline).toHaveLength(1);
  });

  it('lists with filters and builds queues by role', async () => {
    const urgent = await as.leader.report(
      body({ categoryId: cat['010401'], urgent: true, description: '井盖缺失 危险', address: '人民路口' }),
    );
    const q = async (qs: string) =>
      (await as.cmd.get<ProblemList>(`/api/problems?${qs}&limit=500`)).items.map((i) => i.id);
    expect(await q('urgent=true')).toContain(urgent.id);
    expect(await q('category=0104')).toEqual([urgent.id]);
    expect(await q(`categoryId=${cat['010401']}`)).toEqual([urgent.id]);
    expect(await q(`q=${encodeURIComponent('井盖')}`)).toEqual([urgent.id]);
    expect(await q(`q=${encodeURIComponent('人民路口')}`)).toEqual([urgent.id]);
    expect(await q('area=330822002')).not.toContain(urgent.id);
    expect(await q('area=330822001001001&state=reported')).toContain(urgent.id);
    expect(await q('state=closed')).not.toContain(urgent.id);
    expect(await q(`from=${encodeURIComponent(clock.now().toISOString())}`)).toContain(urgent.id);
    expect(await q(`to=${encodeURIComponent(clock.now().toISOString())}`)).not.toContain(urgent.id);
    const page = await as.cmd.get<ProblemList>('/api/problems?limit=2&offset=1&sort=reported_asc');
    expect(page).toMatchObject({ limit: 2, offset: 1 });
    expect(page.items).toHaveLength(2);
    expect(page.total).toBeGreaterThan(5);
    expect((await as.cmd.send('GET', '/api/problems?sort=evil;drop')).statusCode).toBe(400);
    // the street-1 supervisor sees no problem of street 2 (the gap problem lies there)
    expect(
      (await as.sup.get<ProblemList>('/api/problems?limit=500')).items.every((i) =>
        i.areaCode?.startsWith('330822001'),
      ),
    ).toBe(true);
    const supQueue = await as.sup.get<Queue>('/api/problems/queue');
    expect(supQueue.sections.map((s) => s.key)).toEqual(['verify', 'assign', 'accept', 'requests', 'revisit']);
    expect(supQueue.sections[0]!.items.map((i) => i.id)).toContain(urgent.id);
    const unitQueue = await as.unitA.get<Queue>('/api/problems/queue');
    expect(unitQueue.sections.map((s) => s.key)).toEqual(['todo']);
    const todo = unitQueue.sections[0]!.items;
    expect(todo.every((i) => i.assigneeUnitId === unit.A && i.state === 'assigned')).toBe(true);
    const deadlines = todo.map((i) => Date.parse(i.deadline!));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
    expect((await as.planner.get<Queue>('/api/problems/queue')).sections).toEqual([]);
  });

  it('serves the taxonomy and lets an admin edit it: a new deadline applies to later assignments only', async () => {
    const tree =
      await as.member.get<(Category & { children: (Category & { children: Category[] })[] })[]>('/api/categories');
    expect(tree.length).toBeGreaterThanOrEqual(6);
    const leaves = tree.flatMap((t) => t.children.flatMap((m) => m.children));
    expect(leaves.length).toBeGreaterThanOrEqual(40);
    for (const name of [
      '乱摆乱放',
      '乱贴乱画',
      '乱排乱倒',
      '占道经营',
      '乱搭乱建',
      '违章建筑',
      '病媒生物孳生地',
      '暴露垃圾',
      '空中管网',
      '油烟',
      '渣土',
      '旱厕',
      '烟草广告',
      '违规遛犬',
      '噪音',
    ]) {
      expect(JSON.stringify(tree), name).toContain(name);
    }
    expect(leaves.every((l) => l.deadlineHours && l.filingStandard && l.closingStandard && l.handler)).toBe(true);
    expect(leaves.find((l) => l.code === '040102')).toMatchObject({ nameZh: '违章建筑', workingDays: true });
    const before = await assignedProblem();
    expect((await as.sup.send('PATCH', `/api/categories/${cat['010101']}`, { deadlineHours: 48 })).statusCode).toBe(
      403,
    );
    const edited = await admin.send('PATCH', `/api/categories/${cat['010101']}`, {
      deadlineHours: 48,
      closingStandard: '门前无任何物品',
    });
    expect(edited.json()).toMatchObject({
      deadlineHours: 48,
      closingStandard: '门前无任何物品',
      nameZh: '店外乱摆乱放',
    });
    const later = await assignedProblem();
    expect(Date.parse(later.deadline!) - Date.parse(later.assignedAt!)).toBe(48 * H);
    expect((await as.sup.problem(before.id)).deadline).toBe(before.deadline);
    await admin.send('PATCH', `/api/categories/${cat['010101']}`, { deadlineHours: 24 });
    const created = await admin.send('POST', '/api/categories', {
      code: '070203',
      nameZh: '高空抛物',
      nameEn: 'Throwing from heights',
      deadlineHours: 6,
      urgent: true,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ level: 3, parentId: cat['0702'], deadlineHours: 6, revisitDays: 7 });
    expect((await admin.send('POST', '/api/categories', { code: '070203', nameZh: 'x', nameEn: 'x' })).statusCode).toBe(
      409,
    );
    expect(
      (await admin.send('POST', '/api/categories', { code: '099901', nameZh: 'x', nameEn: 'x' })).json(),
    ).toMatchObject({ details: [{ field: 'code' }] });
    expect(
      (await admin.send('POST', '/api/categories', { code: '0703', nameZh: 'x', nameEn: 'x', deadlineHours: 5 }))
        .statusCode,
    ).toBe(400);
    await admin.send('PATCH', `/api/categories/${created.json().id}`, { active: false });
    expect((await as.sup.send('POST', '/api/problems', body({ categoryId: created.json().id }))).statusCode).toBe(400);
  });

  it('moves the clock only through the dev route, for an admin', async () => {
    const now = await admin.get<{ now: string }>('/api/dev/clock');
    expect(now.now).toBe(clock.now().toISOString());
    expect((await as.sup.send('POST', '/api/dev/clock', { advanceHours: 1 })).statusCode).toBe(403);
    expect((await admin.send('POST', '/api/dev/clock', { advanceHours: -1 })).statusCode).toBe(400);
    const plain = await appOn(db);
    const plainAdmin = await adminSession(plain, db);
    expect((await plain.inject({ method: 'GET', url: '/api/dev/clock', headers: plainAdmin.headers })).statusCode).toBe(
      404,
    );
    await plain.close();
  });
});
