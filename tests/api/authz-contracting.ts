import type { FastifyInstance, InjectOptions } from 'fastify';
import type { AreaDetail } from '../../api/schemas/areas';
import type { Session } from './accounts';
import { contractingApi } from './contracting-fixture';

/**
 * The authorization-matrix cases of issue 3's routes (units, people, assignments, lookup,
 * coverage, import/export), with the data they need: one unit and one person holding the grids
 * every scoped role may see, and another pair holding a grid nobody scoped may see.
 */
export interface ContractingIds {
  unitIn: number;
  personIn: number;
  assignmentIn: number;
}
interface Ctx {
  inGrid: AreaDetail;
  outGrid: AreaDetail;
  contracting: ContractingIds;
}
type Req = InjectOptions & { url: string };
interface Case {
  in: (c: Ctx) => Req;
  out?: (c: Ctx) => Req;
  leaks?: (body: Buffer, status: number) => boolean;
}

const FROM = '2024-01-01T00:00:00+08:00';
const OUT_UNIT = '矩阵外单位';
const OUT_PHONE = '13900000002';

export async function seedContracting(
  app: FastifyInstance,
  admin: Session,
  inGrids: string[],
  outGrid: string,
): Promise<ContractingIds> {
  const api = contractingApi(app, admin);
  const unitIn = (await api.unit('矩阵内单位')).id;
  const unitOut = (await api.unit(OUT_UNIT)).id;
  const personIn = (await api.person('矩阵内', '13900000001')).id;
  const personOut = (await api.person('矩阵外', OUT_PHONE)).id;
  let assignmentIn = 0;
  for (const code of inGrids) {
    const area = await api.area(code);
    assignmentIn = (await api.assign({ areaId: area.id, role: 'lead', unitId: unitIn, validFrom: FROM })).id;
    await api.assign({ areaId: area.id, role: 'leader', personId: personIn, validFrom: FROM });
  }
  const out = await api.area(outGrid);
  await api.assign({ areaId: out.id, role: 'lead', unitId: unitOut, validFrom: FROM });
  await api.assign({ areaId: out.id, role: 'leader', personId: personOut, validFrom: FROM });
  return { unitIn, personIn, assignmentIn };
}

const has = (s: string) => (b: Buffer) => b.toString().includes(s);
const at = (g: AreaDetail) => `lon=${g.labelPoint[0]}&lat=${g.labelPoint[1]}`;
const before = { at: '2000-01-01T00:00:00Z' }; // before every period: a 422 that proves the role got through

export const CONTRACTING_CASES: Record<string, Case> = {
  'GET /api/units': {
    in: () => ({ method: 'GET', url: '/api/units' }),
    out: () => ({ method: 'GET', url: '/api/units' }),
    leaks: has(OUT_UNIT),
  },
  'POST /api/units': {
    in: () => ({ method: 'POST', url: '/api/units', payload: { code: 'X1', name: 'x', type: 'nonsense' } }),
  },
  'PATCH /api/units/:id': { in: (c) => ({ method: 'PATCH', url: `/api/units/${c.contracting.unitIn}`, payload: {} }) },
  'GET /api/units/:id/grids': {
    in: (c) => ({ method: 'GET', url: `/api/units/${c.contracting.unitIn}/grids` }),
    out: () => ({ method: 'GET', url: '/api/units/2/grids' }),
  },
  'GET /api/people': {
    in: () => ({ method: 'GET', url: '/api/people' }),
    out: () => ({ method: 'GET', url: '/api/people' }),
    leaks: has(OUT_PHONE),
  },
  'POST /api/people': { in: () => ({ method: 'POST', url: '/api/people', payload: { name: 'x', phone: '12345' } }) },
  'PATCH /api/people/:id': {
    in: (c) => ({ method: 'PATCH', url: `/api/people/${c.contracting.personIn}`, payload: {} }),
  },
  'POST /api/assignments': {
    in: (c) => ({
      method: 'POST',
      url: '/api/assignments',
      payload: { areaId: c.inGrid.id, role: 'lead', validFrom: FROM },
    }),
  },
  'POST /api/assignments/:id/close': {
    in: (c) => ({ method: 'POST', url: `/api/assignments/${c.contracting.assignmentIn}/close`, payload: before }),
  },
  'POST /api/assignments/:id/reassign': {
    in: (c) => ({
      method: 'POST',
      url: `/api/assignments/${c.contracting.assignmentIn}/reassign`,
      payload: { ...before, unitId: c.contracting.unitIn },
    }),
  },
  'GET /api/grids/:id/assignments': {
    in: (c) => ({ method: 'GET', url: `/api/grids/${c.inGrid.id}/assignments` }),
    out: (c) => ({ method: 'GET', url: `/api/grids/${c.outGrid.id}/assignments` }),
  },
  'GET /api/responsibility': {
    in: (c) => ({ method: 'GET', url: `/api/responsibility?${at(c.inGrid)}` }),
    out: (c) => ({ method: 'GET', url: `/api/responsibility?${at(c.outGrid)}` }),
  },
  'GET /api/coverage/responsibility': {
    in: () => ({ method: 'GET', url: '/api/coverage/responsibility' }),
    out: () => ({ method: 'GET', url: '/api/coverage/responsibility' }),
    leaks: has('"330822002'),
  },
  'POST /api/contracting/import': {
    in: () => ({
      method: 'POST',
      url: '/api/contracting/import',
      payload: { files: [{ name: 'x.csv', content: Buffer.from('a,b\n1,2\n').toString('base64') }] },
    }),
  },
  'GET /api/contracting/export.xlsx': { in: () => ({ method: 'GET', url: '/api/contracting/export.xlsx' }) },
  'GET /api/contracting/export.csv': {
    in: () => ({ method: 'GET', url: '/api/contracting/export.csv?table=assignments' }),
    out: () => ({ method: 'GET', url: '/api/contracting/export.csv?table=people' }),
    leaks: has(OUT_PHONE),
  },
};
