import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { controllableClock, type ControllableClock } from '../../api/domain/clock';
import type { ProblemList } from '../../api/schemas/problems';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession, createUser, login } from './accounts';
import { contractingApi } from './contracting-fixture';
import { leafIds, problemApi, type ProblemApi } from './problem-fixture';
import { POINT_IN_FIRST_GRID } from '../fixtures/mini-city';

// The office list's orders (issue 12): `attention` (open before closed, overdue first, longest
// overdue first, then the newest report) and `open_deadline` (open before closed, by deadline).
const START = new Date('2026-03-04T09:00:00+08:00'); // a Wednesday morning
const FROM = '2024-01-01T00:00:00+08:00';
const H = 3600_000;
const [LON, LAT] = POINT_IN_FIRST_GRID;

describe.each(backends())('problem list order on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let clock: ControllableClock;
  let admin: ProblemApi;
  let cmd: ProblemApi;
  const id = {} as Record<'rejected' | 'late2h' | 'late1h' | 'onTime' | 'newA' | 'newB', number>;

  beforeAll(async () => {
    db = await backend.open();
    clock = controllableClock(START);
    app = await appOn(db, { clock, controllableClock: true });
    const adminSess = await adminSession(app, db);
    admin = problemApi(app, adminSess);
    await loadMiniCity(app, adminSess);
    const c = contractingApi(app, adminSess);
    const unitId = (await c.unit('县住建局')).id;
    await c.assign({ areaId: (await c.area('330822001001001')).id, role: 'lead', unitId, validFrom: FROM });
    await createUser(db, 'o-cmd', 'commander');
    cmd = problemApi(app, await login(app, 'o-cmd'));
    const cat = await leafIds(app, adminSess);
    const report = async (description: string) =>
      (await admin.report({ lon: LON, lat: LAT, categoryId: cat['010101'], source: 'patrol', description })).id;
    const assigned = async (description: string, deadlineHours: number) => {
      const p = await report(description);
      await admin.act(p, 'verify');
      await admin.act(p, 'assign', { deadline: new Date(START.getTime() + deadlineHours * H).toISOString() });
      return p;
    };
    id.rejected = await report('不予立案的一条');
    await admin.act(id.rejected, 'reject', { reason: '不属于城管范围' });
    id.late2h = await assigned('期限两小时', 2);
    id.late1h = await assigned('期限一小时', 1);
    id.onTime = await assigned('期限两天', 48);
    // three hours on: two are overdue now; then two reports at one instant (the tie-breaker decides)
    const moved = await admin.send('POST', '/api/dev/clock', { advanceHours: 3 });
    expect(moved.statusCode, moved.body).toBe(200);
    id.newA = await report('新上报甲');
    id.newB = await report('新上报乙');
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const ids = async (query: string) =>
    (await cmd.get<ProblemList>(`/api/problems?limit=500&${query}`)).items.map((i) => i.id);

  it('attention: overdue (longest first), then the newest reports, then the rest; closed last', async () => {
    expect(await ids('sort=attention')).toEqual([id.late1h, id.late2h, id.newB, id.newA, id.onTime, id.rejected]);
    const first = (await cmd.get<ProblemList>('/api/problems?limit=1&sort=attention')).items[0]!;
    expect(first).toMatchObject({ id: id.late1h, state: 'assigned' });
  });

  it('open_deadline: open by deadline, those without one newest first, closed last', async () => {
    expect(await ids('sort=open_deadline')).toEqual([id.late1h, id.late2h, id.onTime, id.newB, id.newA, id.rejected]);
  });

  it('pages of one row give the same order as one page (a stable tie-breaker)', async () => {
    for (const sort of ['attention', 'open_deadline', 'reported_desc']) {
      const all = await ids(`sort=${sort}`);
      const paged: number[] = [];
      for (let offset = 0; offset < all.length; offset++)
        paged.push(
          ...(await cmd.get<ProblemList>(`/api/problems?limit=1&offset=${offset}&sort=${sort}`)).items.map((i) => i.id),
        );
      expect(paged, sort).toEqual(all);
    }
  });

  it('keeps filters with the order: open only, the area', async () => {
    const open = 'state=reported&state=verified&state=assigned&state=suspended&state=fixed';
    expect(await ids(`sort=attention&${open}`)).toEqual([id.late1h, id.late2h, id.newB, id.newA, id.onTime]);
    expect(await ids('sort=attention&area=330822002')).toEqual([]);
  });

  it('refuses an unknown order in the caller’s language, naming the field and the choices', async () => {
    for (const [lang, words] of [
      ['zh-CN', /sort/],
      ['en', /sort/],
    ] as const) {
      const res = await app.inject({
        url: '/api/problems?sort=urgent_first',
        headers: { ...(await login(app, 'o-cmd')).headers, 'accept-language': lang },
      });
      expect(res.statusCode).toBe(400);
      const body = res.json() as { message: string };
      expect(body.message).toMatch(words);
      expect(body.message).toMatch(/attention/);
      if (lang === 'en') expect(body.message).not.toMatch(/[\u4e00-\u9fff]/);
      else expect(body.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
