import sharp from 'sharp';
import type { AreaDetail, AreaSummary, AreaTree } from '../../api/schemas/areas';
import type { Category, ProblemDetail, ProblemList } from '../../api/schemas/problems';
import type { Unit } from '../../api/schemas/contracting';

/**
 * Problems for the figures test when the demo city has none: reported and walked through the loop
 * by the API (as an admin), in several communities with different shares closed, so that the
 * 整改达标率 differs from community to community. Then the app clock moves past the deadlines,
 * so the ones still assigned are overdue: due to close, not closed.
 */
export interface ApiSession {
  url: string;
  cookie: string;
  csrf: string;
}

async function call<T>(s: ApiSession, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${s.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      cookie: s.cookie,
      'x-csrf-token': s.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${body === undefined ? 'GET' : 'POST'} ${path}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Logs in by the API (one of the file's few login attempts) and returns the cookie and CSRF token. */
export async function apiLogin(url: string, username: string, password: string): Promise<ApiSession> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return { url, cookie, csrf: csrfToken };
}

export const get = <T>(s: ApiSession, path: string) => call<T>(s, path);
export const post = <T>(s: ApiSession, path: string, body: unknown) => call<T>(s, path, body);

/** Polls `probe` until it is true or the deadline passes (a wait, not a timing assertion). */
export async function within(ms: number, what: string, probe: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function leaf(categories: Category[], code: string): number {
  const visit = (cs: (Category & { children?: Category[] })[]): number | undefined => {
    for (const c of cs) {
      if (c.code === code) return c.id;
      const inner = visit((c as { children?: Category[] }).children ?? []);
      if (inner) return inner;
    }
    return undefined;
  };
  const id = visit(categories);
  if (!id) throw new Error(`no category ${code}`);
  return id;
}

/** How many problems exist (any state) for this session. */
export async function problemCount(s: ApiSession): Promise<number> {
  return (await call<ProblemList>(s, '/api/problems?limit=1')).total;
}

/**
 * Reports `perCommunity` problems in each of `communities` communities (at one of its
 * grids), closes `i mod (perCommunity + 1)` of them in the i-th, leaves the rest assigned, then
 * moves the clock `advanceHours` so the assigned ones are overdue. Needs WANGGE_CONTROLLABLE_CLOCK=1.
 */
export async function seedFigureProblems(
  s: ApiSession,
  opts = { communities: 9, perCommunity: 4, advanceHours: 30 },
): Promise<number[]> {
  const categoryId = leaf(await call<Category[]>(s, '/api/categories'), '010101');
  const units = await call<Unit[]>(s, '/api/units');
  const tree = await call<AreaTree>(s, '/api/areas/tree');
  // taken street by street in turn, so every street has enough problems due to be ranked
  const streets = tree.roots[0]!.children;
  const communities = Array.from({ length: Math.max(...streets.map((st) => st.children.length)) }, (_, k) =>
    streets.map((st) => st.children[k]),
  )
    .flat()
    .filter((c) => c !== undefined)
    .slice(0, opts.communities);
  const jpeg = (
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#2f855a' } })
      .jpeg()
      .toBuffer()
  ).toString('base64');
  const ids: number[] = [];
  for (const [i, community] of communities.entries()) {
    const grids = await call<AreaSummary[]>(s, `/api/areas/${community.id}/children`);
    const grid = await call<AreaDetail>(s, `/api/areas/${grids[0]!.id}`);
    const [lon, lat] = grid.labelPoint;
    const closeCount = i % (opts.perCommunity + 1);
    for (let j = 0; j < opts.perCommunity; j++) {
      let p = await call<ProblemDetail>(s, '/api/problems', {
        lon: lon + j * 0.00008,
        lat: lat + j * 0.00005,
        categoryId,
        source: 'inspection',
        description: `测试问题：${community.name} 店外乱摆乱放 ${j + 1}`,
      });
      const act = async (action: string, body: Record<string, unknown> = {}) => {
        p = await call<ProblemDetail>(s, `/api/problems/${p.id}/actions/${action}`, { version: p.version, ...body });
      };
      await act('verify');
      await act('assign', p.leadUnitId ? {} : { unitId: units[0]!.id });
      if (j < closeCount) {
        await act('fix', { comment: '已清理', photos: [{ name: 'after.jpg', dataBase64: jpeg }] });
        await act('accept');
      }
      ids.push(p.id);
    }
  }
  await call(s, '/api/dev/clock', { advanceHours: opts.advanceHours });
  return ids;
}
