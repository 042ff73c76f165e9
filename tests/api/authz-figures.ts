import type { InjectOptions } from 'fastify';
import type { AreaDetail } from '../../api/schemas/areas';

/**
 * The authorization-matrix cases of issue 5's routes (figures, problems behind a figure, rankings,
 * schemes, campaigns, coverage gaps, hotspots, patrols, exports). Lists say whether an answer
 * holds anything of street 2 (330822002…), which no scoped role of the matrix may see.
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

const PERIOD = `from=${encodeURIComponent('2026-01-01T00:00:00+08:00')}&to=${encodeURIComponent('2026-02-01T00:00:00+08:00')}`;
const has = (s: string) => (b: Buffer) => b.toString().includes(s);
const get = (url: string) => (): Req => ({ method: 'GET', url });
const listed = (url: string, mark = '"330822002'): Case => ({ in: get(url), out: get(url), leaks: has(mark) });
const behind = (g: AreaDetail) => `/api/figures/problems?indicator=found&level=grid&entity=${g.id}&${PERIOD}`;
const visit = (g: AreaDetail) => ({
  gridId: g.id,
  startedAt: '2026-01-05T09:00:00+08:00',
  endedAt: '2026-01-05T10:00:00+08:00',
});

export const FIGURES_CASES: Record<string, Case> = {
  'GET /api/figures/indicators': { in: get('/api/figures/indicators') },
  'GET /api/figures': listed(`/api/figures?level=grid&${PERIOD}`),
  'GET /api/figures/problems': {
    in: (c) => ({ method: 'GET', url: behind(c.inGrid) }),
    out: (c) => ({ method: 'GET', url: behind(c.outGrid) }),
  },
  // the daily series of one area: in scope → 200, another street's grid → 404 (as absent)
  'GET /api/figures/series': {
    in: (c) => ({ method: 'GET', url: `/api/figures/series?from=2026-01-01&to=2026-01-31&area=${c.inGrid.code}` }),
    out: (c) => ({ method: 'GET', url: `/api/figures/series?from=2026-01-01&to=2026-01-31&area=${c.outGrid.code}` }),
  },
  'GET /api/figures/export.xlsx': { in: get(`/api/figures/export.xlsx?level=street&${PERIOD}`) },
  'GET /api/figures/export.csv': listed(`/api/figures/export.csv?level=grid&${PERIOD}`, '330822002'),
  'GET /api/rankings': listed('/api/rankings?kind=street'),
  'GET /api/rankings/export.xlsx': { in: get('/api/rankings/export.xlsx?kind=street') },
  'GET /api/rankings/export.csv': listed('/api/rankings/export.csv?kind=community', '330822002'),
  'GET /api/ranking-schemes': { in: get('/api/ranking-schemes') },
  'POST /api/ranking-schemes': {
    in: () => ({ method: 'POST', url: '/api/ranking-schemes', payload: { code: 'matrix' } }),
  },
  'GET /api/campaigns': { in: get('/api/campaigns') },
  'GET /api/campaigns/:id/progress': listed('/api/campaigns/1/progress?kind=street&at=2026-06-15T00:00:00%2B08:00'),
  'GET /api/coverage/gaps': listed('/api/coverage/gaps'),
  'GET /api/hotspots': { in: get(`/api/hotspots?${PERIOD}`) },
  // scope of the patrol list is tested in coverage-gaps.test.ts (the matrix holds no visit in street 2)
  'GET /api/patrols': { in: get('/api/patrols') },
  'POST /api/patrols': { in: (c) => ({ method: 'POST', url: '/api/patrols', payload: visit(c.inGrid) }) },
};
