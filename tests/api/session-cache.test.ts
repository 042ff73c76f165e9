import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { appOn, backends } from './harness';
import { adminSession, createUser, login, passwordOf, type Session } from './accounts';

// The per-process session cache (issue 15, api/services/session-cache.ts): a cached session is
// refused as soon as it ends — logout, deactivation, password change — in this app instance and
// in a second one on the same database, which hears of it only through NOTIFY (migration 020).

/** until `check` passes: a NOTIFY reaches another listener a moment after the commit */
async function eventually(check: () => Promise<void>, ms = 2000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((ok) => setTimeout(ok, 10));
    }
  }
}

for (const backend of backends()) {
  describe(`session cache (${backend.name})`, () => {
    let db: Db;
    let a: FastifyInstance;
    let b: FastifyInstance;
    let admin: Session;

    const me = (app: FastifyInstance, s: Session) =>
      app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    /** a session that both instances have cached */
    const cachedOnBoth = async (s: Session) => {
      for (const app of [a, b]) {
        expect((await me(app, s)).statusCode).toBe(200);
        const hits = app.sessionCache.stats.hits;
        expect((await me(app, s)).statusCode).toBe(200);
        expect(app.sessionCache.stats.hits).toBe(hits + 1);
      }
    };
    const refusedOnBoth = async (s: Session) => {
      expect((await me(a, s)).statusCode).toBe(401);
      await eventually(async () => expect((await me(b, s)).statusCode).toBe(401));
    };

    beforeAll(async () => {
      db = await backend.open();
      a = await appOn(db);
      // a second API instance on the same database (natively its own listening connection)
      b = await appOn(db);
      admin = await adminSession(a, db);
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await db?.close();
    });

    it('serves a repeated request from the cache', async () => {
      await createUser(db, 'cache-reader', 'commander');
      const s = await login(a, 'cache-reader');
      await cachedOnBoth(s);
      expect((await me(a, s)).json()).toMatchObject({ user: { username: 'cache-reader', role: 'commander' } });
    });

    it('refuses a cached session at once after logout', async () => {
      await createUser(db, 'cache-logout', 'commander');
      const s = await login(a, 'cache-logout');
      await cachedOnBoth(s);
      const out = await a.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers });
      expect(out.statusCode).toBeLessThan(300);
      await refusedOnBoth(s);
    });

    it('refuses a cached session at once after deactivation', async () => {
      const id = await createUser(db, 'cache-deactivated', 'commander');
      const s = await login(a, 'cache-deactivated');
      await cachedOnBoth(s);
      const res = await a.inject({
        method: 'PATCH',
        url: `/api/users/${id}`,
        headers: admin.headers,
        payload: { active: false },
      });
      expect(res.statusCode, res.body).toBe(200);
      await refusedOnBoth(s);
    });

    it('refuses the other cached sessions after a password change, keeps the changing one', async () => {
      await createUser(db, 'cache-password', 'commander');
      const keep = await login(a, 'cache-password');
      const other = await login(a, 'cache-password');
      await cachedOnBoth(keep);
      await cachedOnBoth(other);
      const res = await a.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: keep.headers,
        payload: { current: passwordOf('cache-password'), next: 'a-brand-new-Passw0rd-2026' },
      });
      expect(res.statusCode, res.body).toBe(204);
      await refusedOnBoth(other);
      expect((await me(a, keep)).statusCode).toBe(200);
      expect((await me(b, keep)).statusCode).toBe(200);
    });

    it('follows a role change written outside the API (NOTIFY reaches both instances)', async () => {
      const id = await createUser(db, 'cache-role', 'commander');
      const s = await login(a, 'cache-role');
      await cachedOnBoth(s);
      await db.query(`UPDATE users SET role = 'planner' WHERE id = $1`, [id]);
      for (const app of [a, b])
        await eventually(async () => expect((await me(app, s)).json()).toMatchObject({ user: { role: 'planner' } }));
    });

    it('reads every time with the cache turned off', async () => {
      const off = await appOn(db, { sessionCache: { ttlMs: 0 } });
      try {
        await createUser(db, 'cache-off', 'commander');
        const s = await login(off, 'cache-off');
        expect((await me(off, s)).statusCode).toBe(200);
        expect((await me(off, s)).statusCode).toBe(200);
        expect(off.sessionCache.stats.hits).toBe(0);
      } finally {
        await off.close();
      }
    });
  });
}
