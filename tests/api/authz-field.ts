import type { InjectOptions } from 'fastify';
import type { AreaDetail } from '../../api/schemas/areas';

/**
 * The authorization-matrix cases of issue 14's routes (the field workspace). The coverage list
 * holds grids inside the caller's scope only: nothing of street 2 (330822002…), which no scoped
 * role of the matrix may see.
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

const url = '/api/field/coverage';
export const FIELD_CASES: Record<string, Case> = {
  'GET /api/field/coverage': {
    in: () => ({ method: 'GET', url }),
    out: () => ({ method: 'GET', url }),
    leaks: (b) => b.toString().includes('"330822002'),
  },
};
