import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Db } from '../../api/db/types';
import { ROLES, CITY_WIDE, allows, type Access, type Role } from '../../api/auth/roles';
import type { AreaDetail } from '../../api/schemas/areas';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession, createUser, login, type Session } from './accounts';
import { decode, tileOf } from './mvt-decode';
import { ASSESSMENT_CASES, seedAssessment } from './authz-assessment';
import { ASSESSMENT_LEDGER_CASES, seedAssessmentLedgers } from './authz-assessment-ledgers';
import { CONTRACTING_CASES, seedContracting, type ContractingIds } from './authz-contracting';
import { FIGURES_CASES } from './authz-figures';
import { FIELD_CASES } from './authz-field';
import { PHOTO_CASES, seedPhotos, type PhotoIds } from './authz-photos';
import { PROBLEM_CASES, seedProblems } from './authz-problems';
import { ZONE_CASES, seedZones } from './authz-zones';
import { WALL_CASES, seedWall } from './authz-wall';

// Scopes in the mini city (see tests/fixtures/mini-city.ts): street 1 = 330822001 (天马街道).
const SCOPES: Record<Role, string[]> = {
  admin: [],
  commander: [],
  planner: [],
  supervisor: ['330822001'],
  unit_staff: ['330822001002001', '330822001002002'],
  grid_leader: ['330822001001001'],
  grid_member: ['330822001001002'],
};
/** a grid each role may see, and one nobody scoped may see (in street 2) */
const IN_GRID: Record<Role, string> = {
  admin: '330822001001001',
  commander: '330822001001001',
  planner: '330822001001001',
  supervisor: '330822001001001',
  unit_staff: '330822001002001',
  grid_leader: '330822001001001',
  grid_member: '330822001001002',
};
const OUT_GRID = '330822002002002';
const outside = (code: unknown) => typeof code === 'string' && code.startsWith('330822002');

interface Ctx {
  role: Role | null;
  session: Session | null;
  inGrid: AreaDetail;
  outGrid: AreaDetail;
  userId: number;
  fresh: () => Promise<Session | null>;
  contracting: ContractingIds;
  photos: PhotoIds;
}
type Req = InjectOptions & { url: string };
interface Case {
  in: (c: Ctx) => Req | Promise<Req>;
  /** the same route asked about something out of every scoped role's scope */
  out?: (c: Ctx) => Req;
  /** for lists: did the answer reveal out-of-scope data? (records: a 404 is the answer) */
  leaks?: (body: Buffer, status: number) => boolean;
}

const json = (b: Buffer) => (b.length ? JSON.parse(b.toString()) : null);
const tileAt = (g: AreaDetail, z = 15) => {
  const [tz, x, y] = tileOf(g.labelPoint[0], g.labelPoint[1], z);
  return `/tiles/areas/${tz}/${x}/${y}.mvt`;
};

/** Every guarded route must have a case here; a new route without one fails the matrix. */
const CASES: Record<string, Case> = {
  'GET /api/health': { in: () => ({ method: 'GET', url: '/api/health' }) },
  'POST /api/auth/login': {
    in: () => ({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'x' } }),
  },
  'POST /api/auth/logout': {
    in: async (c) => {
      const s = await c.fresh();
      return { method: 'POST', url: '/api/auth/logout', headers: s?.headers ?? {} };
    },
  },
  'GET /api/auth/me': { in: () => ({ method: 'GET', url: '/api/auth/me' }) },
  'POST /api/auth/password': {
    in: () => ({ method: 'POST', url: '/api/auth/password', payload: { current: 'wrong-password-1', next: 'short' } }),
  },
  'GET /api/users': { in: () => ({ method: 'GET', url: '/api/users' }) },
  'POST /api/users': {
    in: () => ({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'matrix-new', displayName: 'x', role: 'commander', password: 'weak', scopeCodes: [] },
    }),
  },
  'PATCH /api/users/:id': { in: (c) => ({ method: 'PATCH', url: `/api/users/${c.userId}`, payload: {} }) },
  'POST /api/users/:id/reset-password': {
    in: (c) => ({ method: 'POST', url: `/api/users/${c.userId}/reset-password`, payload: { password: 'weak' } }),
  },
  'GET /api/audit': { in: () => ({ method: 'GET', url: '/api/audit?limit=5' }) },
  'POST /api/areas/import': {
    in: () => ({
      method: 'POST',
      url: '/api/areas/import',
      payload: { level: 'grid', collection: { type: 'FeatureCollection', features: [] } },
    }),
  },
  'GET /api/areas/tree': {
    in: () => ({ method: 'GET', url: '/api/areas/tree' }),
    out: () => ({ method: 'GET', url: '/api/areas/tree' }),
    leaks: (b) => b.toString().includes('"330822002'),
  },
  'GET /api/areas/search': {
    in: (c) => ({ method: 'GET', url: `/api/areas/search?q=${c.inGrid.code}` }),
    out: () => ({ method: 'GET', url: `/api/areas/search?q=${encodeURIComponent('东门')}` }),
    leaks: (b) => (json(b) as { code: string }[]).some((a) => outside(a.code)),
  },
  'GET /api/areas/at': {
    in: (c) => ({ method: 'GET', url: `/api/areas/at?lon=${c.inGrid.labelPoint[0]}&lat=${c.inGrid.labelPoint[1]}` }),
    out: (c) => ({ method: 'GET', url: `/api/areas/at?lon=${c.outGrid.labelPoint[0]}&lat=${c.outGrid.labelPoint[1]}` }),
    leaks: (b) => (json(b) as { code: string }[]).some((a) => outside(a.code)),
  },
  'GET /api/areas/by-code/:code': {
    in: (c) => ({ method: 'GET', url: `/api/areas/by-code/${c.inGrid.code}` }),
    out: () => ({ method: 'GET', url: `/api/areas/by-code/${OUT_GRID}` }),
  },
  'GET /api/areas/:id': {
    in: (c) => ({ method: 'GET', url: `/api/areas/${c.inGrid.id}` }),
    out: (c) => ({ method: 'GET', url: `/api/areas/${c.outGrid.id}` }),
  },
  'GET /api/areas/:id/children': {
    in: (c) => ({ method: 'GET', url: `/api/areas/${c.inGrid.parentId}/children` }),
    out: (c) => ({ method: 'GET', url: `/api/areas/${c.outGrid.parentId}/children` }),
  },
  'GET /tiles/:tileset/:z/:x/:y.mvt': {
    in: (c) => ({ method: 'GET', url: tileAt(c.inGrid) }),
    out: (c) => ({ method: 'GET', url: tileAt(c.outGrid) }),
    leaks: (b, status) => status === 200 && decode(new Uint8Array(b)).some((f) => outside(f.properties.code)),
  },
  ...ASSESSMENT_CASES,
  ...CONTRACTING_CASES,
  ...FIGURES_CASES,
  ...FIELD_CASES,
  ...PHOTO_CASES,
  ...PROBLEM_CASES,
  ...ZONE_CASES,
  ...WALL_CASES,
  ...ASSESSMENT_LEDGER_CASES,
};

describe.each(backends())('authorization matrix on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  const sessions = new Map<Role, Session>();
  const routes: { key: string; access: Access }[] = [];
  let areaOf: (code: string) => Promise<AreaDetail>;
  let targetUserId = 0;
  let contracting: ContractingIds;
  let photos: PhotoIds;

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, { onRoute: (r) => routes.push(r), controllableClock: true });
    const seedAdmin = await adminSession(app, db);
    await loadMiniCity(app, seedAdmin);
    contracting = await seedContracting(app, seedAdmin, [...new Set(Object.values(IN_GRID))], OUT_GRID);
    photos = await seedPhotos(db, [...new Set(Object.values(IN_GRID))], OUT_GRID);
    await seedProblems(app, seedAdmin, [...new Set(Object.values(IN_GRID))], OUT_GRID);
    await seedAssessment(app, seedAdmin, [...new Set(Object.values(IN_GRID))], OUT_GRID);
    await seedAssessmentLedgers(app, seedAdmin, db, [...new Set(Object.values(IN_GRID))], OUT_GRID);
    await seedZones(db);
    await seedWall(app, seedAdmin);
    for (const role of ROLES) {
      const id = await createUser(db, `m-${role.replace('_', '')}`, role, SCOPES[role]);
      if (role === 'grid_member') targetUserId = id;
      sessions.set(role, await login(app, `m-${role.replace('_', '')}`));
    }
    const admin = sessions.get('admin')!;
    areaOf = async (code) =>
      (await app.inject({ url: `/api/areas/by-code/${code}`, headers: admin.headers })).json() as AreaDetail;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('has a case for every guarded route, and every route declares its access', () => {
    expect(routes.length).toBeGreaterThan(15);
    const missing = routes.map((r) => r.key).filter((k) => !CASES[k]);
    expect(missing, 'routes without an authorization-matrix case').toEqual([]);
    const stale = Object.keys(CASES).filter((k) => !routes.some((r) => r.key === k));
    expect(stale, 'cases for routes that no longer exist').toEqual([]);
  });

  for (const principal of [null, ...ROLES] as (Role | null)[]) {
    it(`${principal ?? 'anonymous'}: allowed where the rule allows, in scope only`, async () => {
      const outGrid = await areaOf(OUT_GRID);
      const inGrid = await areaOf(IN_GRID[principal ?? 'admin']);
      const session = principal ? sessions.get(principal)! : null;
      const username = principal ? `m-${principal.replace('_', '')}` : null;
      const ctx: Ctx = {
        role: principal,
        session,
        inGrid,
        outGrid,
        userId: targetUserId,
        fresh: async () => (username ? login(app, username) : null),
        contracting,
        photos,
      };
      for (const { key, access } of routes) {
        const c = CASES[key]!;
        const send = async (r: Req) =>
          app.inject({
            ...r,
            headers: { ...(session?.headers ?? {}), ...(r.headers as Record<string, string> | undefined) },
          });
        const res = await send(await c.in(ctx));
        const label = `${principal ?? 'anonymous'} ${key} → ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode, label).toBeLessThan(500);
        if ('public' in access) continue;
        if (!allows(access, principal)) {
          expect(res.statusCode, label).toBe(principal ? 403 : 401);
          continue;
        }
        expect([401, 403, 404], label).not.toContain(res.statusCode);
        if (!c.out) continue;
        const out = await send(c.out(ctx));
        const outLabel = `${principal} ${key} (out of scope) → ${out.statusCode} ${out.body.slice(0, 200)}`;
        const cityWide = CITY_WIDE.includes(principal!);
        if (c.leaks) {
          expect(out.statusCode, outLabel).toBeLessThan(400);
          expect(c.leaks(out.rawPayload, out.statusCode), outLabel).toBe(cityWide);
        } else {
          expect(out.statusCode, outLabel).toBe(cityWide ? 200 : 404);
        }
      }
    });
  }
});
