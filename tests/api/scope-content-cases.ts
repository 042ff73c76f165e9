import ExcelJS from 'exceljs';
import JSZip from 'jszip';
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
  // the daily series of each area: the area named is one the caller may open, and its week adds up
  // to the problems behind the area's figure (the same cohort and rule)
  'GET /api/figures/series': async (c) =>
    many(
      c.fx.areas.map(
        (a) => `/api/figures/series?from=2026-06-01&to=2026-06-07&asOf=${q(TO)}&indicators=found&area=${a.code}`,
      ),
      async (u) => {
        const res = await c.get(u);
        expect(res.statusCode, `${c.role} ${u} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
        if (res.statusCode !== 200) return [];
        const r = res.json() as {
          area: { id: number; level: string };
          days: { figures: { found: { value: number } } }[];
        };
        const behind = await c.get(
          `/api/figures/problems?indicator=found&level=${r.area.level}&entity=${r.area.id}&${PERIOD}&limit=1`,
        );
        expect(behind.statusCode, behind.body).toBe(200);
        expect(
          r.days.reduce((n, d) => n + d.figures.found.value, 0),
          `${c.role}: the week of ${u} = the problems behind it`,
        ).toBe((behind.json() as { total: number }).total);
        return refsOf(res.json(), null, { area: 'area' });
      },
    ),
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
  'POST /api/points/import': async (c) => {
    // a point in the caller's own grid; one in another street is refused whole (422 naming the row, nothing written)
    const book = (code: string, a: AreaDetail) => ({
      files: [
        {
          name: 'points.csv',
          content: Buffer.from(
            `编码,名称,类型,地址,经度,纬度\n${code},${c.role}导入点位,public_toilet,,${a.labelPoint[0] + 0.0002},${a.labelPoint[1]}\n`,
          ).toString('base64'),
        },
      ],
    });
    if (c.role === 'supervisor') {
      const out = await c.send({ method: 'POST', url: '/api/points/import', payload: book('SC-IMP-OUT', outArea(c)) });
      expect(out.statusCode, out.body).toBe(422);
    }
    const res = await c.send({
      method: 'POST',
      url: '/api/points/import',
      payload: book(`SC-IMP-${c.role}`, c.fx.home[c.role]),
    });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { ids: number[] }).ids.map((id) => ({ kind: 'point' as const, id }));
  },
  // the field workspace: patrol coverage of the grids in scope, over the fixture's patrols
  'GET /api/field/coverage': (c) => json(c, `/api/field/coverage?from=${q(FROM)}&to=${q(NOW)}&limit=1000`, null),
  // ledger items (台账): every item listed opens by id; the unit and area it names are readable
  'GET /api/ledgers': async (c) => {
    const res = await c.get('/api/ledgers?limit=1000');
    expect(res.statusCode, res.body).toBe(200);
    for (const l of res.json() as { id: number }[])
      expect((await c.get(`/api/ledgers/${l.id}`)).statusCode, `${c.role} ledger ${l.id}`).toBe(200);
    return refsOf(res.json(), null);
  },
  'GET /api/ledgers/rates': async (c) => {
    const res = await c.get('/api/ledgers/rates?day=2026-06-30');
    expect(res.statusCode, res.body).toBe(200);
    // each unit's rate counts only items the caller may list
    const listed = (await c.get('/api/ledgers?limit=1000')).json() as { unitId: number }[];
    for (const u of (res.json() as { units: { unitId: number; items: number }[] }).units)
      expect(u.items, `${c.role} rate of unit ${u.unitId}`).toBe(listed.filter((l) => l.unitId === u.unitId).length);
    return refsOf(res.json(), null);
  },
  'GET /api/ledgers/:id': (c) =>
    many(
      c.fx.ledgerIds.map((id) => `/api/ledgers/${id}`),
      (u) => json(c, u, null),
    ),
  // the answer to one's own write: the item submitted, which must be one the caller may open
  'POST /api/ledgers/:id/submissions': async (c) => {
    const id = c.fx.submittable[c.role];
    if (id === undefined) return [];
    const { version } = (await c.get(`/api/ledgers/${id}`)).json() as { version: number };
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64');
    const res = await c.send({
      method: 'POST',
      url: `/api/ledgers/${id}/submissions`,
      payload: { version, files: [{ name: `${c.role}.pdf`, dataBase64: pdf }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    // an item of another unit is not found for unit staff (404), and nothing is written
    if (c.role === 'unit_staff') {
      const other = c.fx.submittable.admin!;
      const refused = await c.send({
        method: 'POST',
        url: `/api/ledgers/${other}/submissions`,
        payload: { version: 1, files: [{ name: 'x.pdf', dataBase64: pdf }] },
      });
      expect(refused.statusCode, refused.body).toBe(404);
    }
    return refsOf(res.json(), null);
  },
  'POST /api/ledgers/:id/review': async (c) => {
    const id = c.fx.reviewable[c.role];
    if (id === undefined) return [];
    const { version } = (await c.get(`/api/ledgers/${id}`)).json() as { version: number };
    const res = await c.send({
      method: 'POST',
      url: `/api/ledgers/${id}/review`,
      payload: { version, decision: 'passed' },
    });
    expect(res.statusCode, res.body).toBe(200);
    return refsOf(res.json(), null);
  },
  // a file is served only with an item the caller may open; the item's unit and area are then checked
  'GET /api/ledger-files/:id': async (c) =>
    many(
      c.fx.ledgerFiles.map((f) => `${f.id}:${f.ledgerId}`),
      async (k) => {
        const [file, ledger] = k.split(':');
        const res = await c.get(`/api/ledger-files/${file}`);
        expect([200, 404], `${c.role} ledger file ${file}`).toContain(res.statusCode);
        if (res.statusCode !== 200) return [];
        const item = await c.get(`/api/ledgers/${ledger}`);
        expect(item.statusCode, `${c.role} file ${file} of ledger ${ledger}`).toBe(200);
        return refsOf(item.json(), null);
      },
    ),
  // satisfaction surveys and household visits (入户) per community
  'GET /api/satisfaction': (c) => json(c, '/api/satisfaction?week=2026-06-08', null),
  'GET /api/satisfaction/surveys': (c) => json(c, '/api/satisfaction/surveys?limit=500', null),
  'GET /api/household-visits': (c) => json(c, '/api/household-visits?limit=500', null),
  'POST /api/satisfaction/surveys': (c) =>
    communityWrite(c, '/api/satisfaction/surveys', { surveyedOn: '2026-06-09', respondents: 10, satisfied: 9 }),
  'POST /api/household-visits': (c) =>
    communityWrite(c, '/api/household-visits', { visitedOn: '2026-06-09', households: 3 }),
  'GET /api/unit-visits': async (c) =>
    (await Promise.all(['2026-06-01', '2026-06-08'].map((w) => json(c, `/api/unit-visits?week=${w}`, null)))).flat(),
  // the weekly 创文指数: rows are communities, streets or units
  'GET /api/assessment-index': async (c) =>
    (
      await Promise.all(
        (['community', 'street', 'unit'] as const).flatMap((level) =>
          ['', `&week=${c.fx.indexWeek}`].map((w) =>
            json(c, `/api/assessment-index?level=${level}${w}`, null, { rows: kindOf(level) }),
          ),
        ),
      )
    ).flat(),
  // the 周通报: every community, street, unit, point and problem it names
  'GET /api/assessment-index/weeks/:week/bulletin.docx': async (c) => {
    const res = await bulletin(c, 'docx');
    const xml = await (await JSZip.loadAsync(res.rawPayload)).file('word/document.xml')!.async('string');
    return refsOfText(xml.replace(/<[^>]+>/g, ' '), c.fx);
  },
  'GET /api/assessment-index/weeks/:week/bulletin.xlsx': async (c) => {
    const res = await bulletin(c, 'xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((ws) =>
      ws.eachRow((row, n) =>
        row.eachCell((cell, col) => {
          // the sheet of open findings: the first column is the problem's id
          const v = String(cell.value ?? '');
          cells.push(ws.name === '尚未整改' && n > 1 && col === 1 ? `#${v}` : v);
        }),
      ),
    );
    return refsOfText(cells.join('\n'), c.fx);
  },
  'GET /api/assessment-index/weeks/:week/bulletin.html': async (c) =>
    refsOfText((await bulletin(c, 'html')).body.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' '), c.fx),
};

/** A survey or visit written into the community of the caller's home grid: the answer is that row. */
async function communityWrite(c: Ctx, url: string, body: object): Promise<Ref[]> {
  const community = (a: AreaDetail) => c.fx.areas.find((x) => x.code === a.code.slice(0, 12))!;
  const send = (a: AreaDetail) => c.send({ method: 'POST', url, payload: { communityId: community(a).id, ...body } });
  // a community of another street is refused to every scoped role (403, nothing written)
  if (c.role === 'supervisor' || c.role === 'grid_leader')
    expect((await send(outArea(c))).statusCode, `${c.role} ${url} out of scope`).toBe(403);
  const res = await send(c.fx.home[c.role]);
  // a grid leader's scope is a grid, which holds no whole community: nothing to write, nothing answered
  if (c.role === 'grid_leader') {
    expect(res.statusCode, res.body).toBe(403);
    return [];
  }
  expect(res.statusCode, res.body).toBe(201);
  return refsOf(res.json(), null);
}

async function bulletin(c: Ctx, format: 'docx' | 'xlsx' | 'html') {
  const res = await c.get(`/api/assessment-index/weeks/${c.fx.indexWeek}/bulletin.${format}`);
  expect(res.statusCode, `${c.role} bulletin.${format} → ${res.body.slice(0, 200)}`).toBe(200);
  return res;
}

/** What a document names in its text: communities and streets, units and points by name, problems as #id. */
function refsOfText(text: string, fx: Fixture): Ref[] {
  const out: Ref[] = [];
  for (const a of fx.areas)
    if ((a.level === 'community' || a.level === 'street') && text.includes(a.name))
      out.push({ kind: 'area', id: a.id });
  for (const u of fx.units) if (text.includes(u.name)) out.push({ kind: 'unit', id: u.id });
  for (const p of fx.points) if (text.includes(p.name)) out.push({ kind: 'point', id: p.id });
  for (const m of text.matchAll(/#(\d+)(?!\w)/g)) out.push({ kind: 'problem', id: Number(m[1]) });
  return out;
}
