import type { FastifyInstance, InjectOptions } from 'fastify';
import { expect } from 'vitest';
import type { AreaDetail } from '../../api/schemas/areas';
import type { PointDetail, RoundDetail, Scheme } from '../../api/schemas/assessment';
import type { Session } from './accounts';
import { problemApi } from './problem-fixture';

/**
 * The authorization-matrix cases of issue 16's routes (inspection points, assessment schemes,
 * rounds, scores), with their data: an inspection point at the label point of each grid a role
 * may see and one in the grid nobody scoped may see, a round over all of them, and a retired
 * scheme the write cases aim at (a retired scheme refuses edits and new rounds with 409).
 * No case writes anything a later role's case depends on.
 */
interface Ctx {
  inGrid: AreaDetail;
  outGrid: AreaDetail;
}
type Req = InjectOptions & { url: string };
interface Case {
  in: (c: Ctx) => Req;
  out?: (c: Ctx) => Req;
  leaks?: (body: Buffer, status: number) => boolean;
}

/** grid code → its point (id and code) */
const points = new Map<string, { id: number; code: string }>();
let outPoint = { id: 0, code: '' };
let roundId = 0;
let retired: Scheme | null = null;

export async function seedAssessment(app: FastifyInstance, admin: Session, inGrids: string[], outGrid: string) {
  points.clear();
  const api = problemApi(app, admin);
  const post = async <T>(url: string, body: object) => {
    const res = await api.send('POST', url, body);
    expect(res.statusCode, `POST ${url} → ${res.body.slice(0, 400)}`).toBe(201);
    return res.json() as T;
  };
  for (const code of [...inGrids, outGrid]) {
    const area = await api.get<AreaDetail>(`/api/areas/by-code/${code}`);
    const p = await post<PointDetail>('/api/points', {
      code: `M-${code}`,
      name: `矩阵点位 ${code}`,
      typeCode: 'market',
      geometry: { type: 'Point', coordinates: area.labelPoint },
    });
    expect(p.areaCode).toBe(code);
    points.set(code, { id: p.id, code: p.code });
  }
  outPoint = points.get(outGrid)!;
  const demo = (await api.get<Scheme[]>('/api/assessment-schemes')).find(
    (s) => s.code === 'demo-points' && !s.retiredAt,
  )!;
  // a used point is not deleted (409), so DELETE /api/points/:id cannot remove a case's record
  roundId = (
    await post<RoundDetail>('/api/assessment-rounds', {
      schemeId: demo.id,
      name: '矩阵轮次',
      kind: 'inspection',
      heldOn: '2026-03-02',
      pointIds: [...points.values()].map((p) => p.id),
    })
  ).id;
  const scheme = await post<Scheme>('/api/assessment-schemes', {
    code: 'matrix-retired',
    nameZh: '矩阵体系',
    nameEn: 'matrix scheme',
    items: [{ code: 'X01', nameZh: '整洁', nameEn: 'tidy', maxScore: 10, perFinding: 1, pointTypes: [] }],
  });
  expect((await api.send('POST', `/api/assessment-schemes/${scheme.id}/retire`)).statusCode).toBe(200);
  retired = scheme;
}

const of = (g: AreaDetail) => points.get(g.code)!;
const get = (url: string) => (): Req => ({ method: 'GET', url });
const outside = (items: { areaCode?: string | null }[]) => items.some((i) => i.areaCode?.startsWith('330822002'));
const schemeBody = () => ({
  code: retired!.code,
  nameZh: retired!.nameZh,
  nameEn: retired!.nameEn,
  items: [{ code: 'X01', nameZh: '整洁', nameEn: 'tidy', maxScore: 10, perFinding: 1 }],
});

export const ASSESSMENT_CASES: Record<string, Case> = {
  'GET /api/point-types': { in: get('/api/point-types') },
  'GET /api/points': {
    in: get('/api/points'),
    out: get('/api/points?limit=1000'),
    leaks: (b) => outside(JSON.parse(b.toString()) as { areaCode: string }[]),
  },
  'GET /api/points/:id': {
    in: (c) => ({ method: 'GET', url: `/api/points/${of(c.inGrid).id}` }),
    out: () => ({ method: 'GET', url: `/api/points/${outPoint.id}` }),
  },
  // the code of another point: 409 once the role got through and the place was checked, nothing written
  'POST /api/points': {
    in: (c) => ({
      method: 'POST',
      url: '/api/points',
      payload: {
        code: of(c.inGrid).code,
        name: '矩阵新点位',
        typeCode: 'market',
        geometry: { type: 'Point', coordinates: c.inGrid.labelPoint },
      },
    }),
  },
  // a sheet without its columns: 422 naming them, nothing written
  'POST /api/points/import': {
    in: () => ({
      method: 'POST',
      url: '/api/points/import',
      payload: { files: [{ name: 'p.csv', content: Buffer.from('名称\n矩阵\n').toString('base64') }] },
    }),
  },
  'PATCH /api/points/:id': {
    in: (c) => ({ method: 'PATCH', url: `/api/points/${of(c.inGrid).id}`, payload: { code: outPoint.code } }),
    // an empty patch leaves the point as it was (routed again, to the same grid)
    out: () => ({ method: 'PATCH', url: `/api/points/${outPoint.id}`, payload: {} }),
  },
  // the point is used by the round: 409, never deleted
  'DELETE /api/points/:id': { in: (c) => ({ method: 'DELETE', url: `/api/points/${of(c.inGrid).id}` }) },
  'GET /api/assessment-schemes': { in: get('/api/assessment-schemes') },
  'GET /api/assessment-schemes/:id': { in: () => ({ method: 'GET', url: `/api/assessment-schemes/${retired!.id}` }) },
  // the code exists: 409
  'POST /api/assessment-schemes': {
    in: () => ({ method: 'POST', url: '/api/assessment-schemes', payload: schemeBody() }),
  },
  // a retired version is not edited: 409
  'PUT /api/assessment-schemes/:id': {
    in: () => ({ method: 'PUT', url: `/api/assessment-schemes/${retired!.id}`, payload: schemeBody() }),
  },
  // retired already: retiring again keeps it as it was
  'POST /api/assessment-schemes/:id/retire': {
    in: () => ({ method: 'POST', url: `/api/assessment-schemes/${retired!.id}/retire` }),
  },
  // a point count in the caller's scope: the whole round's only for those who see every point
  'GET /api/assessment-rounds': {
    in: get('/api/assessment-rounds'),
    out: get('/api/assessment-rounds?limit=500'),
    leaks: (b) =>
      (JSON.parse(b.toString()) as { id: number; pointCount: number }[]).some(
        (r) => r.id === roundId && r.pointCount === points.size,
      ),
  },
  'GET /api/assessment-rounds/:id': {
    in: () => ({ method: 'GET', url: `/api/assessment-rounds/${roundId}` }),
    out: () => ({ method: 'GET', url: `/api/assessment-rounds/${roundId}` }),
    leaks: (b) => (JSON.parse(b.toString()) as RoundDetail).points.some((p) => p.pointId === outPoint.id),
  },
  // a retired scheme: 409, no round started
  'POST /api/assessment-rounds': {
    in: (c) => ({
      method: 'POST',
      url: '/api/assessment-rounds',
      payload: {
        schemeId: retired!.id,
        name: '矩阵新轮次',
        kind: 'inspection',
        heldOn: '2026-03-03',
        pointIds: [of(c.inGrid).id],
      },
    }),
  },
  // an item not in the round's scheme: 400 once the point was found in the caller's scope, nothing scored
  'POST /api/assessment-rounds/:id/points/:pointId/scores': {
    in: (c) => ({
      method: 'POST',
      url: `/api/assessment-rounds/${roundId}/points/${of(c.inGrid).id}/scores`,
      payload: { items: [{ itemId: retired!.items[0]!.id, score: 1 }] },
    }),
  },
};
