import type { FastifyInstance, InjectOptions } from 'fastify';
import { expect } from 'vitest';
import type { AreaDetail } from '../../api/schemas/areas';
import { sweepOverdue } from '../../api/services/problem-sweep';
import type { Session } from './accounts';
import { leafIds, problemApi } from './problem-fixture';

/**
 * The authorization-matrix cases of issue 4's routes (categories, problems, actions, queue,
 * notices, the dev clock), with their data: one assigned problem with a supervision notice in
 * each grid a role may see, and one in the grid nobody scoped may see.
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

/** per grid code: its problem and that problem's supervision notice */
const seeded = new Map<string, { problem: number; notice: number }>();
let categoryId = 0;

export async function seedProblems(app: FastifyInstance, admin: Session, inGrids: string[], outGrid: string) {
  seeded.clear();
  const api = problemApi(app, admin);
  categoryId = (await leafIds(app, admin))['010101']!;
  for (const code of [...inGrids, outGrid]) {
    const area = await api.get<AreaDetail>(`/api/areas/by-code/${code}`);
    const p = await api.report({
      lon: area.labelPoint[0],
      lat: area.labelPoint[1],
      categoryId,
      source: 'patrol',
      description: `矩阵问题 ${code}`,
    });
    await api.act(p.id, 'verify');
    await api.act(p.id, 'assign');
    seeded.set(code, { problem: p.id, notice: 0 });
  }
  // two days on, every one of them is overdue and has its supervision notice
  await sweepOverdue(app.db, new Date(app.clock.now().getTime() + 48 * 3600_000));
  for (const [, s] of seeded) {
    const notices = (await api.get<{ items: { id: number }[] }>(`/api/notices?problemId=${s.problem}`)).items;
    expect(notices).toHaveLength(1);
    s.notice = notices[0]!.id;
  }
}

const of = (g: AreaDetail) => seeded.get(g.code)!;
const at = (g: AreaDetail) => `lon=${g.labelPoint[0]}&lat=${g.labelPoint[1]}`;
const outside = (items: { areaCode?: string | null }[]) => items.some((i) => i.areaCode?.startsWith('330822002'));
/** the data of each message of an event stream's answer */
const sseData = (b: Buffer) =>
  b
    .toString()
    .split('\n')
    .filter((l) => l.startsWith('data: '))
    .map((l) => JSON.parse(l.slice(6)) as { areaCode?: string | null });
const items = (b: Buffer) => (JSON.parse(b.toString()) as { items: { areaCode?: string | null }[] }).items;

export const PROBLEM_CASES: Record<string, Case> = {
  'GET /api/categories': { in: () => ({ method: 'GET', url: '/api/categories' }) },
  'POST /api/categories': {
    in: () => ({ method: 'POST', url: '/api/categories', payload: { code: 'x', nameZh: '', nameEn: '' } }),
  },
  'PATCH /api/categories/:id': {
    in: () => ({ method: 'PATCH', url: `/api/categories/${categoryId}`, payload: { deadlineHours: 0 } }),
  },
  'POST /api/problems': {
    // a group, not a leaf: a 400 that proves the role got through, and nothing written
    in: (c) => ({
      method: 'POST',
      url: '/api/problems',
      payload: {
        lon: c.inGrid.labelPoint[0],
        lat: c.inGrid.labelPoint[1],
        categoryId: 1,
        source: 'patrol',
        description: 'x',
      },
    }),
  },
  'GET /api/problems/nearby': {
    in: (c) => ({ method: 'GET', url: `/api/problems/nearby?${at(c.inGrid)}` }),
    out: (c) => ({ method: 'GET', url: `/api/problems/nearby?${at(c.outGrid)}` }),
    leaks: (b) => outside(JSON.parse(b.toString()) as { areaCode: string }[]),
  },
  'GET /api/problems': {
    in: () => ({ method: 'GET', url: '/api/problems' }),
    out: () => ({ method: 'GET', url: '/api/problems?limit=500' }),
    leaks: (b) => outside(items(b)),
  },
  'GET /api/problems/queue': { in: () => ({ method: 'GET', url: '/api/problems/queue' }) },
  'GET /api/problems/:id': {
    in: (c) => ({ method: 'GET', url: `/api/problems/${of(c.inGrid).problem}` }),
    out: (c) => ({ method: 'GET', url: `/api/problems/${of(c.outGrid).problem}` }),
  },
  'POST /api/problems/:id/actions/:action': {
    // a stale version: 409 for every role that may act, before any role or state rule
    in: (c) => ({
      method: 'POST',
      url: `/api/problems/${of(c.inGrid).problem}/actions/fix`,
      payload: { version: 999 },
    }),
  },
  'GET /api/notices': {
    in: () => ({ method: 'GET', url: '/api/notices' }),
    out: () => ({ method: 'GET', url: '/api/notices?limit=500' }),
    leaks: (b) => outside(items(b)),
  },
  'GET /api/notices/:id': {
    in: (c) => ({ method: 'GET', url: `/api/notices/${of(c.inGrid).notice}` }),
    out: (c) => ({ method: 'GET', url: `/api/notices/${of(c.outGrid).notice}` }),
  },
  // the whole history replayed (the test harness ends a stream after its replay): no event of a
  // problem out of the caller's scope
  'GET /api/events': {
    in: () => ({ method: 'GET', url: '/api/events?since=0' }),
    out: () => ({ method: 'GET', url: '/api/events?since=0' }),
    leaks: (b) => outside(sseData(b)),
  },
  'GET /api/dev/clock': { in: () => ({ method: 'GET', url: '/api/dev/clock' }) },
  'POST /api/dev/clock': { in: () => ({ method: 'POST', url: '/api/dev/clock', payload: { advanceHours: 0 } }) },
};
