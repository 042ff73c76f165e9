import { beforeAll, describe, expect, it } from 'vitest';
import { backends, withMiniCity } from './harness';
import { createUser, login, type Session } from './accounts';
import { ensureCategories, insertProblems } from './problem-rows';
import type { CoverageGaps, HotspotsResult, Patrol } from '../../api/schemas/figures';

const HOLE = '330822002002002'; // a grid taken away: half of 东门社区 is left uncovered
const LEADER_GRID = '330822001001001';

describe.each(backends())('coverage gaps, patrols and hotspots on $name', (backend) => {
  const t = withMiniCity(backend);
  const s = {} as Record<'leader' | 'super1' | 'super2', Session>;
  const id = async (code: string) =>
    (await t.db.query<{ id: number }>('SELECT id FROM areas WHERE code = $1', [code])).rows[0]!.id;

  beforeAll(async () => {
    await createUser(t.db, 'c-leader', 'grid_leader', [LEADER_GRID]);
    await createUser(t.db, 'c-super1', 'supervisor', ['330822001']);
    await createUser(t.db, 'c-super2', 'supervisor', ['330822002']);
    s.leader = await login(t.app, 'c-leader');
    s.super1 = await login(t.app, 'c-super1');
    s.super2 = await login(t.app, 'c-super2');
  });

  const get = (url: string, who?: Session) => t.app.inject({ method: 'GET', url, headers: (who ?? t.admin).headers });
  const gaps = async (who?: Session, query = '') => {
    const res = await get(`/api/coverage/gaps${query}`, who);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as CoverageGaps;
  };

  it('finds no gap in a clean partition, and serves the overlay from cache until an area changes', async () => {
    const first = await gaps();
    expect([first.cached, first.uncovered.areaM2, first.uncovered.pieces, first.overlaps, first.grids]).toEqual([
      false,
      0,
      [],
      [],
      8,
    ]);
    expect(first.gridsWithoutLeadUnit).toHaveLength(8);
    expect(first.gridsWithoutLeader).toHaveLength(8);
    expect(first.gridsNotVisited.grids).toHaveLength(8);
    const second = await gaps();
    expect([second.cached, second.areasVersion, second.computedAt]).toEqual([
      true,
      first.areasVersion,
      first.computedAt,
    ]);
  });

  it('measures the area no grid covers, by the area that holds it', async () => {
    const before = await gaps();
    const {
      rows: [hole],
    } = await t.db.query<{ m2: number }>('SELECT area_m2 AS m2 FROM areas WHERE code = $1', [HOLE]);
    await t.db.query('DELETE FROM areas WHERE code = $1', [HOLE]);
    const after = await gaps();
    expect(after.cached).toBe(false);
    expect(after.areasVersion).toBeGreaterThan(before.areasVersion);
    expect(after.uncovered.pieces.map((p) => [p.areaCode, p.level, p.geometry.type])).toEqual([
      ['330822002002', 'community', 'MultiPolygon'],
    ]);
    expect(after.uncovered.areaM2).toBeCloseTo(hole!.m2, -1);
    // scoped callers see the pieces inside their scope only
    expect((await gaps(s.super2)).uncovered.pieces).toHaveLength(1);
    expect((await gaps(s.super1)).uncovered.pieces).toEqual([]);
  });

  it('finds overlapping grids with their shared area', async () => {
    const community = await id('330822001001');
    await t.db.query(
      `INSERT INTO areas (level, code, name, parent_id, geom) VALUES ('grid', '330822001001003', '重叠网格', $1, ST_Multi(ST_MakeEnvelope(118.505, 28.9, 118.515, 28.905, 4326)))`,
      [community],
    );
    const {
      rows: [m],
    } = await t.db.query<{
      a: number;
      b: number;
    }>(`SELECT ST_Area(ST_MakeEnvelope(118.505, 28.9, 118.51, 28.905, 4326)::geography) AS a,
      ST_Area(ST_MakeEnvelope(118.51, 28.9, 118.515, 28.905, 4326)::geography) AS b`);
    const r = await gaps();
    expect(r.overlaps.map((o) => [o.a.code, o.b.code])).toEqual([
      ['330822001001001', '330822001001003'],
      ['330822001001002', '330822001001003'],
    ]);
    expect(r.overlaps[0]!.areaM2).toBeCloseTo(m!.a, -1);
    expect(r.overlaps[1]!.areaM2).toBeCloseTo(m!.b, -1);
    expect((await gaps(s.super2)).overlaps).toEqual([]);
    await t.db.query(`DELETE FROM areas WHERE code = '330822001001003'`);
    expect((await gaps()).overlaps).toEqual([]);
  });

  it('logs patrol visits with a GPS track, and a visited grid leaves the not-visited list', async () => {
    const grid = await id(LEADER_GRID);
    const now = Date.now();
    const at = (h: number) => new Date(now + h * 3600_000).toISOString();
    const track = {
      type: 'LineString',
      coordinates: [
        [118.502, 28.902],
        [118.505, 28.905],
        [118.508, 28.903],
      ],
    };
    const post = (payload: object, who = s.leader) =>
      t.app.inject({ method: 'POST', url: '/api/patrols', headers: who.headers, payload });
    const made = await post({ gridId: grid, startedAt: at(-2), endedAt: at(-1), track, note: '周巡查' });
    expect(made.statusCode, made.body).toBe(201);
    const visit = made.json() as Patrol;
    expect(visit).toMatchObject({ gridCode: LEADER_GRID, username: 'c-leader', note: '周巡查', track });
    expect(visit.lengthM!).toBeGreaterThan(600);
    // an old visit does not count for the last 7 days
    expect(
      (await post({ gridId: await id('330822001001002'), startedAt: at(-24 * 9), endedAt: at(-24 * 9 + 1) }, t.admin))
        .statusCode,
    ).toBe(201);
    const r = await gaps();
    expect(r.gridsNotVisited.grids.map((g) => g.code)).not.toContain(LEADER_GRID);
    expect(r.gridsNotVisited.grids.find((g) => g.code === '330822001001002')!.lastVisit).toBe(at(-24 * 9));

    const refused = async (payload: object, status: number, field: string, who = s.leader) => {
      const res = await post(payload, who);
      expect(res.statusCode, res.body).toBe(status);
      if (field) expect(res.json().details?.[0]?.field).toBe(field);
    };
    await refused({ gridId: grid, startedAt: at(-1), endedAt: at(-2) }, 400, 'endedAt');
    await refused({ gridId: grid, startedAt: at(1), endedAt: at(2) }, 400, 'endedAt');
    await refused(
      {
        gridId: grid,
        startedAt: at(-2),
        endedAt: at(-1),
        track: {
          type: 'LineString',
          coordinates: [
            [118.7, 29.1],
            [118.71, 29.1],
          ],
        },
      },
      422,
      'track',
    );
    await refused(
      {
        gridId: grid,
        startedAt: at(-2),
        endedAt: at(-1),
        track: {
          type: 'LineString',
          coordinates: [
            [118.5, 28.9],
            [118.5, 28.9],
          ],
        },
      },
      422,
      'track',
    );
    await refused({ gridId: await id('330822001001002'), startedAt: at(-2), endedAt: at(-1) }, 404, '');
    const {
      rows: [n],
    } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM patrol_visits');
    expect(n!.n).toBe(2); // nothing written by the refused ones

    const mine = await get('/api/patrols', s.leader);
    expect((mine.json() as Patrol[]).map((v) => v.gridCode)).toEqual([LEADER_GRID]);
    expect((await get('/api/patrols')).json()).toHaveLength(2);
  });

  it('logs a patrol only as the caller: naming another person is 403 for all but an admin (issue 10, finding 8)', async () => {
    const grid = await id(LEADER_GRID);
    const user = (await t.db.query<{ id: number }>(`SELECT id FROM users WHERE username = 'c-leader'`)).rows[0]!.id;
    const person = async (name: string, phone: string, userId: number | null) =>
      (
        await t.db.query<{ id: number }>('INSERT INTO people (name, phone, user_id) VALUES ($1, $2, $3) RETURNING id', [
          name,
          phone,
          userId,
        ])
      ).rows[0]!.id;
    const mine = await person('巡查本人', '13700000001', user);
    const other = await person('他街网格长', '13700000002', null);
    const now = t.app.clock.now().getTime();
    const visit = (personId?: number) => ({
      gridId: grid,
      startedAt: new Date(now - 3 * 3600_000).toISOString(),
      endedAt: new Date(now - 2 * 3600_000).toISOString(),
      ...(personId ? { personId } : {}),
    });
    const post = (who: Session, personId?: number) =>
      t.app.inject({ method: 'POST', url: '/api/patrols', headers: who.headers, payload: visit(personId) });
    const count = async () =>
      (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM patrol_visits')).rows[0]!.n;

    const before = await count();
    // another person (or one that does not exist: the same answer), for a grid leader and a supervisor of that street
    for (const [who, personId] of [
      [s.leader, other],
      [s.super1, other],
      [s.super1, mine],
      [s.leader, 999_999],
    ] as const) {
      const res = await post(who, personId);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().details?.[0]?.field).toBe('personId');
    }
    const en = await t.app.inject({
      method: 'POST',
      url: '/api/patrols',
      headers: { ...s.leader.headers, 'accept-language': 'en' },
      payload: visit(other),
    });
    expect(en.json().message).toMatch(/only your own patrol/);
    expect(await count()).toBe(before); // the refused ones wrote nothing

    // one's own, named or not, is logged as oneself; an admin may correct the log for anyone
    for (const personId of [mine, undefined]) {
      const res = await post(s.leader, personId);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ personId: mine, personName: '巡查本人', username: 'c-leader' });
    }
    const byAdmin = await post(t.admin, other);
    expect(byAdmin.statusCode, byAdmin.body).toBe(201);
    expect(byAdmin.json()).toMatchObject({ personId: other, personName: '他街网格长' });
  });

  it('lists problems that fell outside every grid, in scope', async () => {
    await insertProblems(t.db, [
      { grid: null, at: [118.535, 28.915], state: 'reported', reportedAt: new Date(Date.now() - 86400_000) },
    ]);
    const all = await gaps();
    expect(all.problemsOutsideGrids.total).toBe(1);
    expect(all.problemsOutsideGrids.problems[0]).toMatchObject({ areaCode: '330822002002', lon: 118.535 });
    expect((await gaps(s.super2)).problemsOutsideGrids.total).toBe(1);
    expect((await gaps(s.super1)).problemsOutsideGrids.total).toBe(0);
  });

  it('finds hotspots of one category with DBSCAN in metres, with a hull for the map', async () => {
    const [garbage, posters] = await ensureCategories(t.db);
    const day = new Date('2026-04-06T10:00:00+08:00');
    // six garbage reports within ~15 m of each other, two far apart; three poster reports at the same spot
    const near = [
      [118.505, 28.905],
      [118.50505, 28.90505],
      [118.5051, 28.905],
      [118.505, 28.9051],
      [118.50515, 28.90508],
      [118.50508, 28.90512],
    ] as [number, number][];
    await insertProblems(t.db, [
      ...near.map((at, k) => ({
        grid: null,
        at,
        state: k < 2 ? ('closed' as const) : ('assigned' as const),
        category: garbage,
        reportedAt: new Date(day.getTime() + k * 3600_000),
      })),
      { grid: null, at: [118.515, 28.915], state: 'assigned', category: garbage, reportedAt: day },
      { grid: null, at: [118.535, 28.905], state: 'assigned', category: garbage, reportedAt: day },
      ...near
        .slice(0, 3)
        .map((at) => ({ grid: null, at, state: 'assigned' as const, category: posters, reportedAt: day })),
    ]);
    const q = `from=${encodeURIComponent('2026-04-01T00:00:00+08:00')}&to=${encodeURIComponent('2026-05-01T00:00:00+08:00')}`;
    const res = await get(`/api/hotspots?${q}&epsM=30&minPoints=4`);
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as HotspotsResult;
    expect(r.hotspots.map((h) => [h.categoryId, h.count, h.open])).toEqual([[garbage, 6, 4]]);
    const h = r.hotspots[0]!;
    expect(h.centroid[0]).toBeCloseTo(118.50507, 4);
    expect(h.centroid[1]).toBeCloseTo(28.90506, 4);
    expect(h.hull.type).toBe('Polygon');
    expect(h.problemIds).toHaveLength(6);
    // a radius of 5 m splits the cluster
    expect(((await get(`/api/hotspots?${q}&epsM=5&minPoints=4`)).json() as HotspotsResult).hotspots).toEqual([]);
    // three posters make a hotspot when three are enough
    expect(
      ((await get(`/api/hotspots?${q}&epsM=30&minPoints=3&category=${posters}`)).json() as HotspotsResult).hotspots.map(
        (x) => x.count,
      ),
    ).toEqual([3]);
    expect((await get(`/api/hotspots?${q}&epsM=1`)).statusCode).toBe(400);
  });
});
