import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { controllableClock } from '../../api/domain/clock';
import type { AreaDetail } from '../../api/schemas/areas';
import type { InspectionPoint, PointDetail, RoundDetail, Scheme } from '../../api/schemas/assessment';
import { appOn, backends } from './harness';
import { adminSession, createUser, login, type Session } from './accounts';
import { loadMiniCity } from './load-mini-city';
import { jpegPhoto, leafIds, problemApi, userWithUnit, type ProblemApi } from './problem-fixture';

// Inspection points, schemes and rounds (docs/ASSESSMENT.md), through the API.
const G111 = '330822001001001',
  G112 = '330822001001002',
  G211 = '330822002001001';
const NOW = new Date('2026-07-10T10:00:00+08:00');

describe.each(backends())('assessment on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let admin: ProblemApi, sup: ProblemApi, leader: ProblemApi;
  const grid: Record<string, AreaDetail> = {};
  const pt: Record<string, PointDetail> = {};
  let category = 0;
  const at = (code: string, dx = 0) => [grid[code]!.labelPoint[0] + dx, grid[code]!.labelPoint[1]];
  const square = (code: string, d = 0.0002) => {
    const [x, y] = at(code) as [number, number];
    return {
      type: 'Polygon',
      coordinates: [
        [
          [x - d, y - d],
          [x + d, y - d],
          [x + d, y + d],
          [x - d, y + d],
          [x - d, y - d],
        ],
      ],
    };
  };
  const counts = async () =>
    (
      await db.query(`SELECT (SELECT count(*)::int FROM inspection_points) AS points, (SELECT count(*)::int FROM assessment_rounds) AS rounds,
    (SELECT count(*)::int FROM assessment_scores) AS scores, (SELECT count(*)::int FROM assessment_findings) AS findings, (SELECT count(*)::int FROM problems) AS problems,
    (SELECT count(*)::int FROM assessment_schemes) AS schemes`)
    ).rows[0];
  /** A refusal: status, the fields named, and nothing written. */
  const refused = async (
    api: ProblemApi,
    method: 'POST' | 'PATCH',
    url: string,
    body: object,
    status: number,
    field: string,
  ) => {
    const before = await counts();
    const res = await api.send(method, url, body);
    expect(res.statusCode, res.body).toBe(status);
    const b = res.json() as { message: string; details?: { field?: string }[] };
    expect(
      b.details?.map((d) => d.field),
      res.body,
    ).toContain(field);
    expect(b.message).toContain(field);
    expect(await counts()).toEqual(before);
  };

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, { clock: controllableClock(NOW) });
    const a: Session = await adminSession(app, db);
    await loadMiniCity(app, a);
    admin = problemApi(app, a);
    await createUser(db, 'as-sup', 'supervisor', ['330822001']);
    await createUser(db, 'as-leader', 'grid_leader', [G111]);
    sup = problemApi(app, await login(app, 'as-sup'));
    leader = problemApi(app, await login(app, 'as-leader'));
    for (const c of [G111, G112, G211]) grid[c] = await admin.get<AreaDetail>(`/api/areas/by-code/${c}`);
    category = (await leafIds(app, a))['010101']!;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('registers points and polygons routed to grid, community and street at write time', async () => {
    const create = async (body: object) => {
      const res = await admin.send('POST', '/api/points', body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as PointDetail;
    };
    pt.market = await create({
      code: 'P-001',
      name: '城东农贸市场',
      typeCode: 'market',
      geometry: { type: 'Point', coordinates: at(G111) },
    });
    expect(pt.market).toMatchObject({
      gridId: grid[G111]!.id,
      communityId: grid[G111]!.parentId,
      areaCode: G111,
      typeName: '农贸市场',
      latestScore: null,
    });
    expect(pt.market.streetId).toBe(grid[G111]!.chain.find((c) => c.level === 'street')!.id);
    pt.toilet = await create({ code: 'P-002', name: '文峰公厕', typeCode: 'public_toilet', geometry: square(G112) });
    expect(pt.toilet).toMatchObject({ gridId: grid[G112]!.id, areaCode: G112 });
    pt.home = await create({
      code: 'P-003',
      name: '紫港小区',
      typeCode: 'residential',
      geometry: { type: 'Point', coordinates: at(G211) },
    });
    // routed again when moved; the code and name edited
    const moved = await admin.send('PATCH', `/api/points/${pt.home.id}`, {
      geometry: { type: 'Point', coordinates: at(G111, 0.0005) },
    });
    expect(moved.json()).toMatchObject({ gridId: grid[G111]!.id });
    const back = await admin.send('PATCH', `/api/points/${pt.home.id}`, {
      name: '紫港花园小区',
      geometry: { type: 'Point', coordinates: at(G211) },
    });
    expect(back.json()).toMatchObject({ name: '紫港花园小区', gridId: grid[G211]!.id, areaCode: G211 });
    expect((await admin.get<{ code: string }[]>('/api/point-types')).map((t) => t.code)).toContain('construction_site');
  });

  it('shows a scoped role only the points in its scope, each one it may open by id', async () => {
    for (const [api, want] of [
      [sup, ['P-001', 'P-002']],
      [leader, ['P-001']],
      [admin, ['P-001', 'P-002', 'P-003']],
    ] as const) {
      const list = await api.get<InspectionPoint[]>('/api/points');
      expect(list.map((p) => p.code)).toEqual(want);
      for (const p of list) expect((await api.send('GET', `/api/points/${p.id}`)).statusCode).toBe(200);
    }
    expect((await sup.send('GET', `/api/points/${pt.home!.id}`)).statusCode).toBe(404);
    expect((await leader.send('GET', `/api/points/${pt.toilet!.id}`)).statusCode).toBe(404);
    // a supervisor cannot place a point outside their street (the write is rolled back)
    await refused(
      sup,
      'POST',
      '/api/points',
      { code: 'P-009', name: '外街道', typeCode: 'market', geometry: { type: 'Point', coordinates: at(G211, 0.001) } },
      403,
      'geometry',
    );
    expect(
      (
        await leader.send('POST', '/api/points', {
          code: 'P-010',
          name: 'x',
          typeCode: 'market',
          geometry: { type: 'Point', coordinates: at(G111) },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('refuses a duplicate, an invalid polygon, a place outside the county and an unknown type, naming the field and writing nothing', async () => {
    const point = (over: object) => ({
      code: 'P-100',
      name: '新点位',
      typeCode: 'market',
      geometry: { type: 'Point', coordinates: at(G112) },
      ...over,
    });
    await refused(admin, 'POST', '/api/points', point({ code: 'P-001' }), 409, 'code');
    // the same type and name 3 m away
    await refused(
      admin,
      'POST',
      '/api/points',
      point({ name: '城东农贸市场', geometry: { type: 'Point', coordinates: at(G111, 0.00003) } }),
      409,
      'name',
    );
    const [x, y] = at(G112) as [number, number];
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + 0.001, y + 0.001],
          [x + 0.001, y],
          [x, y + 0.001],
          [x, y],
        ],
      ],
    };
    await refused(admin, 'POST', '/api/points', point({ geometry: bowtie }), 400, 'geometry');
    await refused(
      admin,
      'POST',
      '/api/points',
      point({
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [x, y],
              [x + 0.001, y],
              [x, y],
            ],
          ],
        },
      }),
      400,
      'geometry',
    );
    await refused(
      admin,
      'POST',
      '/api/points',
      point({ geometry: { type: 'Point', coordinates: [100, 20] } }),
      400,
      'geometry',
    );
    await refused(admin, 'POST', '/api/points', point({ typeCode: 'castle' }), 400, 'typeCode');
    await refused(admin, 'PATCH', `/api/points/${pt.toilet!.id}`, { code: 'P-001' }, 409, 'code');
  });

  it('scores a round, rolls it up against the 720/800/850 targets, and a deduction becomes a problem that is fixed against the point', async () => {
    const scheme = (await admin.get<Scheme[]>('/api/assessment-schemes')).find((s) => s.code === 'demo-points')!;
    const item = (code: string) => scheme.items.find((i) => i.code === code)!.id;
    const res = await sup.send('POST', '/api/assessment-rounds', {
      schemeId: scheme.id,
      name: '7月第二轮督查',
      kind: 'inspection',
      heldOn: '2026-07-10',
      pointIds: [pt.market!.id, pt.toilet!.id],
    });
    expect(res.statusCode, res.body).toBe(201);
    const round = res.json() as RoundDetail;
    const url = (p: PointDetail) => `/api/assessment-rounds/${round.id}/points/${p.id}/scores`;
    // above the maximum, an item of another point type: 400 naming the field, nothing written
    await refused(sup, 'POST', url(pt.market!), { items: [{ itemId: item('A01'), score: 25 }] }, 400, 'items[0].score');
    await refused(sup, 'POST', url(pt.market!), { items: [{ itemId: item('B02'), score: 5 }] }, 400, 'items[0].itemId');
    await refused(
      sup,
      'POST',
      url(pt.market!),
      { items: [{ itemId: item('A01'), findings: [{ note: '垃圾', problem: { categoryId: 999999 } }] }] },
      400,
      'items[0].findings[0].problem.categoryId',
    );
    // market: A01 20 − 2 = 18 (one finding, a problem), A02 10, A03 20 − 2×2 = 16, B01 20 → 64 / 70 = 91.43
    const scored = await sup.send('POST', url(pt.market!), {
      items: [
        { itemId: item('A01'), findings: [{ note: '摊位后方堆放垃圾', problem: { categoryId: category } }] },
        { itemId: item('A02'), score: 10 },
        { itemId: item('A03'), findings: [{ note: '占道经营' }, { note: '电动车乱停' }] },
        { itemId: item('B01'), score: 20 },
      ],
    });
    expect(scored.statusCode, scored.body).toBe(201);
    expect(scored.json()).toMatchObject({ score: 91.43, problemIds: [expect.any(Number)] });
    const problemId = (scored.json() as { problemIds: number[] }).problemIds[0]!;
    await refused(sup, 'POST', url(pt.market!), { items: [{ itemId: item('A02'), score: 5 }] }, 409, 'items[0].itemId');
    // toilet: A01 20, A02 10, A03 20, B02 20 − 4 = 16 → 66 / 70 = 94.29
    const t = await sup.send('POST', url(pt.toilet!), {
      items: [
        { itemId: item('A01'), score: 20 },
        { itemId: item('A02'), score: 10 },
        { itemId: item('A03'), score: 20 },
        { itemId: item('B02'), findings: [{ note: '洗手台损坏' }] },
      ],
    });
    expect(t.json()).toMatchObject({ score: 94.29 });
    const detail = await sup.get<RoundDetail>(`/api/assessment-rounds/${round.id}`);
    // county (92.86) = mean of the two points → 928.6 of 1000; on 10 July the May target (720) is in force, July's (800) next
    expect(detail.rollUp.county).toEqual({ score: 92.86, points: 2, onThousand: 928.6 });
    expect(detail.rollUp.streets).toEqual([{ streetId: pt.market!.streetId, score: 92.86, points: 2 }]);
    expect(detail.targets).toMatchObject({
      score: 928.6,
      status: 'on_track',
      current: { minScore: 720 },
      next: { minScore: 800 },
    });

    // the deduction is a problem of the loop: source inspection, routed to the point's grid
    const p = await admin.problem(problemId);
    expect(p).toMatchObject({ source: 'inspection', gridId: grid[G111]!.id, state: 'reported' });
    const unit = (
      await admin.send('POST', '/api/units', { code: 'AS-U', name: '城东市场管理所', type: 'county' })
    ).json() as { id: number };
    const staff = problemApi(app, (await userWithUnit(app, db, 'as-unit', 'unit_staff', unit.id)).session);
    await sup.act(problemId, 'verify');
    await sup.act(problemId, 'assign', { unitId: unit.id });
    await staff.act(problemId, 'fix', { comment: '垃圾已清运', photos: [await jpegPhoto('after.jpg')] });
    await sup.act(problemId, 'accept');
    const point = await leader.get<PointDetail>(`/api/points/${pt.market!.id}`);
    expect(point.latestScore).toBe(91.43);
    expect(point.rounds).toEqual([{ roundId: round.id, name: '7月第二轮督查', heldOn: '2026-07-10', score: 91.43 }]);
    expect(point.findings.find((f) => f.problemId === problemId)).toMatchObject({
      itemCode: 'A01',
      deduction: 2,
      problemState: 'closed',
    });
  });

  it('freezes a used scheme version (an edit makes the next one) and refuses a round on a retired one', async () => {
    const v1 = (await admin.get<Scheme[]>('/api/assessment-schemes')).find(
      (s) => s.code === 'demo-points' && s.version === 1,
    )!;
    const body = {
      code: 'demo-points',
      nameZh: v1.nameZh,
      nameEn: v1.nameEn,
      items: v1.items.map(({ id: _id, ...i }) => ({ ...i, maxScore: i.maxScore })).slice(0, 3),
    };
    const edit = await admin.send('PUT' as 'PATCH', `/api/assessment-schemes/${v1.id}`, body);
    expect(edit.statusCode, edit.body).toBe(201);
    expect(edit.json()).toMatchObject({ code: 'demo-points', version: 2, usedByRounds: 0 });
    expect((await admin.get<Scheme>(`/api/assessment-schemes/${v1.id}`)).items).toHaveLength(v1.items.length);
    const v2 = edit.json() as Scheme;
    expect((await admin.send('POST', `/api/assessment-schemes/${v2.id}/retire`)).statusCode).toBe(200);
    await refused(
      sup,
      'POST',
      '/api/assessment-rounds',
      { schemeId: v2.id, name: '停用体系', kind: 'inspection', heldOn: '2026-07-11', pointIds: [pt.market!.id] },
      409,
      'schemeId',
    );
    // a round on points out of the supervisor's scope
    await refused(
      sup,
      'POST',
      '/api/assessment-rounds',
      { schemeId: v1.id, name: '越界', kind: 'inspection', heldOn: '2026-07-11', pointIds: [pt.home!.id] },
      400,
      'pointIds',
    );
    // a used point is history: not deleted
    expect((await admin.send('DELETE' as 'PATCH', `/api/points/${pt.market!.id}`)).statusCode).toBe(409);
    expect((await admin.send('DELETE' as 'PATCH', `/api/points/${pt.home!.id}`)).statusCode).toBe(204);
  });
});
