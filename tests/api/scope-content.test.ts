import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Db } from '../../api/db/types';
import { allows, CITY_WIDE, ROLES, type Access, type Role } from '../../api/auth/roles';
import { controllableClock } from '../../api/domain/clock';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession, type Session } from './accounts';
import { NOW, seedScopeCity, type Fixture } from './scope-content-fixture';
import { CASES, type Ctx } from './scope-content-cases';
import type { Ref } from './scope-content-refs';

/**
 * Scope proven on content, not on status codes (issue 10): for every role and every route that
 * returns problems, areas, people, units or figures, every row an answer names must be one the
 * caller can open by id. The routes come from the app's route table, like the authorization
 * matrix: a route a scoped role may call needs a case in scope-content-cases.ts or a line in
 * NO_ROWS saying why it names no such row, so a new route cannot slip by.
 */
const NO_ROWS: Record<string, string> = {
  'GET /api/health': 'public liveness',
  'POST /api/auth/login': "the caller's own session",
  'POST /api/auth/logout': "the caller's own session",
  'GET /api/auth/me': "the caller's own account and scope codes",
  'POST /api/auth/password': "the caller's own password",
  'GET /api/categories': 'the problem taxonomy: reference data, the same for everyone',
  'GET /api/figures/indicators': 'the KPI library: definitions, no data',
  'GET /api/ranking-schemes': 'ranking rules: definitions, no data',
  'GET /api/campaigns': 'campaign definitions and targets, no data',
  'GET /api/photos/:id': 'the bytes of one photo, served only when its problem is readable (tests/api/photos.test.ts)',
  'GET /api/photos/:id/thumb': 'the bytes of one thumbnail, as above',
  'GET /api/point-types': 'point types: reference data, the same for everyone',
  'GET /api/assessment-schemes': 'assessment schemes: definitions, no data',
  'GET /api/assessment-schemes/:id': 'one assessment scheme: a definition, no data',
  'POST /api/points':
    "the answer to one's own write, read back in the writer's scope (403 otherwise: tests/api/assessment.test.ts)",
  'PATCH /api/points/:id': 'as above: a point out of scope is 404 before any write',
  'DELETE /api/points/:id': 'no body',
  'GET /api/assessment-rounds':
    "round names, days and the count of points in the caller's scope: no point or area ids (the detail has a case)",
  'POST /api/assessment-rounds':
    "answered with GET /api/assessment-rounds/:id in the writer's scope (points out of scope refused: tests/api/assessment.test.ts)",
  'POST /api/display/session': "a wall's own display session: the token's name and scope areas",
  'GET /api/assessment-index/weeks': 'the published weeks: start, issue number and time, the same for everyone',
  'POST /api/assessment-rounds/:id/points/:pointId/scores':
    "ids of the caller's own findings and problems; the point must be in scope (404)",
};
const SCOPED: Role[] = ROLES.filter((r) => !CITY_WIDE.includes(r));

describe.each(backends())('content-level scope on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let fx: Fixture;
  const routes: { key: string; access: Access }[] = [];
  const entities = new Map<string, number[]>();

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, { onRoute: (r) => routes.push(r), clock: controllableClock(NOW) });
    const admin: Session = await adminSession(app, db);
    await loadMiniCity(app, admin);
    fx = await seedScopeCity(app, db, admin);
    for (const level of ['county', 'street', 'community', 'grid'])
      entities.set(
        level,
        fx.areas.filter((a) => a.level === level).map((a) => a.id),
      );
    entities.set(
      'unit',
      fx.units.map((u) => u.id),
    );
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const ctxOf = (role: Role): Ctx => {
    const session = fx.sessions.get(role)!;
    const send = (r: InjectOptions) =>
      app.inject({ ...r, headers: { ...session.headers, ...(r.headers as Record<string, string> | undefined) } });
    return {
      role,
      fx,
      send,
      get: (url) => send({ method: 'GET', url }),
      entities: (level) => entities.get(level) ?? [],
    };
  };

  /** May this role open the row by id? Answers are cached per role and row. */
  const reader = (c: Ctx) => {
    const cache = new Map<string, Promise<boolean>>();
    let people: Promise<Set<number>> | null = null;
    const status = async (url: string) => (await c.get(url)).statusCode === 200;
    const check = async (r: Ref): Promise<boolean> => {
      switch (r.kind) {
        case 'problem':
          return status(`/api/problems/${r.id}`);
        case 'notice':
          return status(`/api/notices/${r.id}`);
        case 'area':
          return status(`/api/areas/${r.id}`);
        case 'areaCode':
          return status(`/api/areas/by-code/${r.id}`);
        case 'unit':
          return status(`/api/units/${r.id}/grids`);
        case 'point':
          return status(`/api/points/${r.id}`);
        case 'person':
          people ??= c
            .get('/api/people?limit=1000')
            .then((res) => new Set((res.json() as { id: number }[]).map((p) => p.id)));
          return (await people).has(Number(r.id));
      }
    };
    const can = (r: Ref): Promise<boolean> => {
      const key = `${r.kind}:${r.id}`;
      if (!cache.has(key)) cache.set(key, check(r));
      return cache.get(key)!;
    };
    // where a readable problem (or notice) lies is part of it (scope-content-refs.ts)
    return async (r: Ref) => (await can(r)) || (!!r.in && (r.kind === 'area' || r.kind === 'areaCode') && can(r.in));
  };

  it('has a case (or a reason for none) for every route a scoped role may call', () => {
    expect(routes.length).toBeGreaterThan(30);
    const reachable = routes.filter((r) => SCOPED.some((role) => allows(r.access, role))).map((r) => r.key);
    expect(
      reachable.filter((k) => !CASES[k] && !NO_ROWS[k]),
      'routes that may return rows and have no content-scope case',
    ).toEqual([]);
    const known = new Set(routes.map((r) => r.key));
    expect(
      [...Object.keys(CASES), ...Object.keys(NO_ROWS)].filter((k) => !known.has(k)),
      'cases of routes that no longer exist',
    ).toEqual([]);
  });

  it("holds rows out of every scoped role's reach, 暗访 included, so that a leak would show", async () => {
    for (const role of SCOPED) {
      const can = reader(ctxOf(role));
      const hidden = [];
      for (const id of fx.problemIds) if (!(await can({ kind: 'problem', id }))) hidden.push(id);
      const undercover = (
        await db.query<{ id: number }>(`SELECT id FROM problems WHERE id = ANY ($1) AND source = 'undercover'`, [
          hidden,
        ])
      ).rows;
      expect(hidden.length, role).toBeGreaterThan(5);
      expect(undercover.length, `${role}: 暗访 problems out of reach`).toBeGreaterThan(0);
      expect(await can({ kind: 'area', id: fx.areas.find((a) => a.code.startsWith('330822002'))!.id }), role).toBe(
        false,
      );
    }
  });

  for (const role of ROLES) {
    it(`${role}: every row of every answer is one the caller may open by id`, async () => {
      const c = ctxOf(role);
      const can = reader(c);
      const leaks: string[] = [];
      for (const { key, access } of routes) {
        const run = CASES[key];
        if (!run || !allows(access, role)) continue;
        const refs = await run(c);
        // the admin reads everything: a case that finds nothing for the admin tests nothing
        if (role === 'admin') expect(refs.length, `${key} names no row at all`).toBeGreaterThan(0);
        for (const r of refs) if (!(await can(r))) leaks.push(`${key}: ${r.kind} ${r.id}`);
      }
      expect([...new Set(leaks)]).toEqual([]);
    });
  }
});
