import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Role } from '../../api/auth/roles';
import type { AreaDetail } from '../../api/schemas/areas';
import { decode, tileOf } from './mvt-decode';
import { FROM, NOW, OUT_GRID, TO, type Fixture } from './scope-content-fixture';
import { cellsOf, refsOf, refsOfCells, type Kind, type Ref } from './scope-content-refs';

/**
 * The cases of the content-level scope test: for each route that returns problems, areas, people,
 * units or figures, the requests to make as a role and the references its answers hold.
 */
export interface Ctx {
  role: Role;
  fx: Fixture;
  get: (url: string) => Promise<LightMyRequestResponse>;
  send: (r: InjectOptions) => Promise<LightMyRequestResponse>;
  /** the entity ids of a level (read as admin), to ask about each one, in reach or not */
  entities: (level: string) => number[];
}
export type Case = (c: Ctx) => Promise<Ref[]>;

const q = (d: Date) => encodeURIComponent(d.toISOString());
const PERIOD = `from=${q(FROM)}&to=${q(TO)}&asOf=${q(TO)}`;
const LEVELS = ['county', 'street', 'community', 'grid', 'unit'] as const;
const kindOf = (level: string): Kind => (level === 'unit' ? 'unit' : 'area');
const at = (a: AreaDetail) => `lon=${a.labelPoint[0]}&lat=${a.labelPoint[1]}`;

/** JSON answers of 200 (anything else holds no rows: a 404 is "not yours"). */
const json = async (c: Ctx, url: string, root: Kind | null, fields: Record<string, Kind | null> = {}) => {
  const res = await c.get(url);
  expect(res.statusCode, `${c.role} ${url} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
  return res.statusCode === 200 ? refsOf(res.json(), root, fields) : [];
};
const many = async (urls: string[], one: (url: string) => Promise<Ref[]>) => (await Promise.all(urls.map(one))).flat();
const table = async (c: Ctx, url: string, format: 'csv' | 'xlsx') => {
  const res = await c.get(url);
  expect(res.statusCode, `${c.role} ${url} → ${res.body.slice(0, 200)}`).toBe(200);
  return refsOfCells(await cellsOf(res.rawPayload, format), c.fx);
};
const outArea = (c: Ctx) => c.fx.areas.find((a) => a.code === OUT_GRID)!;

/** Tiles over the whole mini city: area and zone features by code and unit, problem pins by id (z16), clusters by area (z12). */
async function tileRefs(c: Ctx): Promise<Ref[]> {
  const county = c.fx.areas.find((a) => a.level === 'county')!;
  const [w, s, e, n] = county.bbox;
  const out: Ref[] = [];
  const grab = async (tileset: string, z: number) => {
    const [, x0, y0] = tileOf(w, n, z),
      [, x1, y1] = tileOf(e, s, z);
    for (let x = x0; x <= x1; x++)
      for (let y = y0; y <= y1; y++) {
        const res = await c.get(`/tiles/${tileset}/${z}/${x}/${y}.mvt`);
        expect(res.statusCode, `${tileset} ${z}/${x}/${y}`).toBeLessThan(300);
        for (const f of res.statusCode === 200 ? decode(new Uint8Array(res.rawPayload)) : []) {
          if (typeof f.properties.code === 'string') out.push({ kind: 'areaCode', id: f.properties.code });
          if (typeof f.properties.lead_unit_id === 'number') out.push({ kind: 'unit', id: f.properties.lead_unit_id });
          if (f.layer === 'problems' && f.id !== undefined) out.push({ kind: 'problem', id: f.id });
          if (f.layer === 'problem_clusters' && f.id !== undefined && f.id < 2 ** 40)
            out.push({ kind: 'area', id: f.id });
        }
      }
  };
  await grab('areas', 12);
  await grab('zones', 12);
  await grab('problems', 12);
  await grab('problems', 16);
  return out;
}

export const CASES: Record<string, Case> = {
  // areas
  'GET /api/areas/tree': (c) => json(c, '/api/areas/tree', null),
  'GET /api/areas/search': (c) =>
    many(['3308', encodeURIComponent('社区'), encodeURIComponent('网格')], (s) =>
      json(c, `/api/areas/search?q=${s}&limit=100`, 'area'),
    ),
  'GET /api/areas/at': (c) =>
    many(
      c.fx.areas.filter((a) => a.level === 'grid').map((a) => `/api/areas/at?${at(a)}`),
      (u) => json(c, u, 'area'),
    ),
  'GET /api/areas/by-code/:code': (c) =>
    many(
      c.fx.areas.map((a) => `/api/areas/by-code/${a.code}`),
      (u) => json(c, u, 'area'),
    ),
  'GET /api/areas/:id': (c) =>
    many(
      c.fx.areas.map((a) => `/api/areas/${a.id}`),
      (u) => json(c, u, 'area'),
    ),
  'GET /api/areas/:id/children': (c) =>
    many(
      c.fx.areas.map((a) => `/api/areas/${a.id}/children`),
      (u) => json(c, u, 'area'),
    ),
  'GET /tiles/:tileset/:z/:x/:y.mvt': tileRefs,
  // units, people, assignments, responsibility
  'GET /api/units': (c) => json(c, '/api/units', 'unit'),
  'GET /api/units/:id/grids': (c) =>
    many(
      c.fx.units.map((u) => `/api/units/${u.id}/grids`),
      (u) => json(c, u, null),
    ),
  'GET /api/people': (c) => json(c, '/api/people?limit=1000', 'person'),
  'GET /api/grids/:id/assignments': (c) =>
    many(
      c.fx.areas.map((a) => `/api/grids/${a.id}/assignments`),
      (u) => json(c, u, null),
    ),
  'GET /api/responsibility': (c) =>
    many(
      c.fx.areas.filter((a) => a.level === 'grid').map((a) => `/api/responsibility?${at(a)}`),
      (u) => json(c, u, null),
    ),
  'GET /api/coverage/responsibility': (c) => json(c, '/api/coverage/responsibility', null),
  'GET /api/contracting/export.xlsx': (c) => table(c, '/api/contracting/export.xlsx', 'xlsx'),
  'GET /api/contracting/export.csv': async (c) =>
    (
      await Promise.all(
        ['units', 'people', 'assignments'].map((t) => table(c, `/api/contracting/export.csv?table=${t}`, 'csv')),
      )
    ).flat(),
  // figures: every count is the drill-down's total, and the drill-down lists only readable problems
  'GET /api/figures': async (c) => {
    const out: Ref[] = [];
    for (const level of LEVELS) {
      const res = await c.get(`/api/figures?level=${level}&indicators=found&${PERIOD}`);
      expect(res.statusCode, res.body).toBe(200);
      const rows = (res.json() as { rows: { id: number; figures: { found: { value: number } } }[] }).rows;
      for (const r of rows) {
        const behind = await c.get(
          `/api/figures/problems?indicator=found&level=${level}&entity=${r.id}&${PERIOD}&limit=500`,
        );
        expect(behind.statusCode, behind.body).toBe(200);
        expect(r.figures.found.value, `${c.role}: found at ${level} ${r.id} = the problems behind it`).toBe(
          (behind.json() as { total: number }).total,
        );
        out.push({ kind: kindOf(level), id: r.id });
      }
    }
    return out;
  },
  'GET /api/figures/problems': async (c) =>
    (
      await Promise.all(
        LEVELS.map((level) =>
          many(
            c
              .entities(level)
              .map((id) => `/api/figures/problems?indicator=found&level=${level}&entity=${id}&${PERIOD}&limit=500`),
            (u) => json(c, u, null, { entity: kindOf(level) }),
          ),
        ),
      )
    ).flat(),
  'GET /api/figures/export.xlsx': async (c) =>
    (await Promise.all(LEVELS.map((l) => table(c, `/api/figures/export.xlsx?level=${l}&${PERIOD}`, 'xlsx')))).flat(),
  'GET /api/figures/export.csv': async (c) =>
    (await Promise.all(LEVELS.map((l) => table(c, `/api/figures/export.csv?level=${l}&${PERIOD}`, 'csv')))).flat(),
  'GET /api/rankings': async (c) =>
    (
      await Promise.all(
        (['unit', 'community', 'street'] as const).map((k) =>
          json(c, `/api/rankings?kind=${k}`, null, { entityId: kindOf(k) }),
        ),
      )
    ).flat(),
  'GET /api/rankings/export.xlsx': async (c) =>
    (
      await Promise.all(
        ['unit', 'community', 'street'].map((k) => table(c, `/api/rankings/export.xlsx?kind=${k}`, 'xlsx')),
      )
    ).flat(),
  'GET /api/rankings/export.csv': async (c) =>
    (
      await Promise.all(
        ['unit', 'community', 'street'].map((k) => table(c, `/api/rankings/export.csv?kind=${k}`, 'csv')),
      )
    ).flat(),
  'GET /api/campaigns/:id/progress': async (c) => {
    const campaigns = (await c.get('/api/campaigns')).json() as { id: number }[];
    return (
      await Promise.all(
        campaigns.flatMap((k) =>
          (['street', 'community', 'unit'] as const).map((kind) =>
            json(c, `/api/campaigns/${k.id}/progress?kind=${kind}&at=${q(NOW)}`, null, {
              rows: kindOf(kind),
              behind: kindOf(kind),
              campaign: null,
            }),
          ),
        ),
      )
    ).flat();
  },
  'GET /api/coverage/gaps': (c) => json(c, `/api/coverage/gaps?at=${q(NOW)}&days=30`, null),
  'GET /api/hotspots': (c) => json(c, `/api/hotspots?from=${q(FROM)}&to=${q(TO)}&epsM=2000&minPoints=2`, null),
  'GET /api/patrols': (c) => json(c, '/api/patrols?limit=500', null),
  // the answer to one's own write: the row is the caller's, what it names must be theirs to read
  'POST /api/patrols': (c) =>
    c.role === 'commander' || c.role === 'planner'
      ? Promise.resolve([])
      : c
          .send({
            method: 'POST',
            url: '/api/patrols',
            payload: {
              gridId: c.fx.home[c.role].id,
              startedAt: new Date(NOW.getTime() - 7200_000).toISOString(),
              endedAt: new Date(NOW.getTime() - 3600_000).toISOString(),
            },
          })
          .then((res) => {
            expect(res.statusCode, res.body).toBe(201);
            return refsOf(res.json(), null);
          }),
  // inspection points and rounds (docs/ASSESSMENT.md): each point listed opens by id, and what it names is readable
  'GET /api/points': async (c) => {
    const res = await c.get('/api/points?limit=1000');
    expect(res.statusCode, res.body).toBe(200);
    for (const p of res.json() as { id: number }[])
      expect((await c.get(`/api/points/${p.id}`)).statusCode, `${c.role} point ${p.id}`).toBe(200);
    return refsOf(res.json(), null);
  },
  'GET /api/points/:id': async (c) =>
    many(
      ((await c.get('/api/points?limit=1000')).json() as { id: number }[]).map((p) => `/api/points/${p.id}`),
      (u) => json(c, u, null),
    ),
  'GET /api/assessment-rounds/:id': async (c) => {
    const rounds = (await c.get('/api/assessment-rounds?limit=500')).json() as { id: number }[] | { error: string };
    if (!Array.isArray(rounds)) return [];
    // every point a round lists opens by id (and is then checked like GET /api/points/:id)
    return many(
      rounds.map((r) => `/api/assessment-rounds/${r.id}`),
      async (u) => {
        const res = await c.get(u);
        expect(res.statusCode, `${c.role} ${u} → ${res.body.slice(0, 200)}`).toBe(200);
        const points = (res.json() as { points: { pointId: number }[] }).points;
        return [
          ...refsOf(res.json(), null),
          ...(await many(
            points.map((p) => `/api/points/${p.pointId}`),
            async (pu) => {
              const pr = await c.get(pu);
              expect(pr.statusCode, `${c.role} ${pu}`).toBe(200);
              return refsOf(pr.json(), null);
            },
          )),
        ];
      },
    );
  },
  // problems
  'GET /api/problems': (c) => json(c, '/api/problems?limit=500', null, { items: 'problem' }),
  'GET /api/problems/nearby': (c) =>
    many(
      c.fx.areas.filter((a) => a.level === 'grid').map((a) => `/api/problems/nearby?${at(a)}&radiusM=2000`),
      (u) => json(c, u, 'problem'),
    ),
  'GET /api/problems/queue': (c) => json(c, '/api/problems/queue', null, { items: 'problem' }),
  'GET /api/problems/:id': (c) =>
    many(
      c.fx.problemIds.map((id) => `/api/problems/${id}`),
      (u) => json(c, u, 'problem'),
    ),
  'GET /api/notices': (c) => json(c, '/api/notices?limit=500', null, { items: 'notice' }),
  // live events: the whole history replayed (the test harness ends a stream after its replay);
  // each event is about its problem (where it lies is part of it) and a notice event names its notice
  'GET /api/events': async (c) => {
    const res = await c.get('/api/events?since=0');
    expect(res.statusCode, `${c.role} /api/events → ${res.body.slice(0, 200)}`).toBe(200);
    expect(res.body, 'more events than one replay holds: the case would see none').not.toContain('event: reload');
    const events = res.body
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>)
      .filter((e) => typeof e.problemId === 'number')
      .map(({ id: _event, problemId, ...e }) => ({ ...e, id: problemId }));
    return refsOf(events, 'problem', { notice: 'notice' });
  },
  'GET /api/notices/:id': (c) =>
    many(
      c.fx.noticeIds.map((id) => `/api/notices/${id}`),
      (u) => json(c, u, 'notice'),
    ),
  'POST /api/problems': async (c) => {
    if (c.role === 'planner') return [];
    // in another street for every scoped role (finding 4: the answer named that grid's people)
    const out = outArea(c);
    const res = await c.send({
      method: 'POST',
      url: '/api/problems',
      payload: {
        lon: out.labelPoint[0],
        lat: out.labelPoint[1],
        categoryId: c.fx.categoryId,
        source: 'citizen',
        description: `${c.role} 在别处上报`,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return refsOf(res.json(), null);
  },
  'POST /api/problems/:id/actions/:action': async (c) => {
    const act = async (id: number, action: string, body: object = {}) => {
      const version = ((await c.get(`/api/problems/${id}`)).json() as { version: number }).version;
      const res = await c.send({
        method: 'POST',
        url: `/api/problems/${id}/actions/${action}`,
        payload: { version, ...body },
      });
      expect(res.statusCode, `${c.role} ${action} → ${res.body.slice(0, 300)}`).toBe(200);
      return refsOf(res.json(), null);
    };
    if (c.role === 'planner') return [];
    // unit staff return what was assigned to their unit in another street: the answer is out of their reach
    if (c.role === 'unit_staff') return act(c.fx.foreignAssigned, 'return', { reason: '非本单位职责' });
    const mine = c.fx.actionable[c.role]!;
    if (c.role === 'grid_leader' || c.role === 'grid_member')
      return act(mine, 'request_suspension', { reason: '需协调' });
    return act(mine, 'mark_urgent');
  },
};
