import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { openPgliteDb } from '../../api/db/pglite';
import { openPgDb } from '../../api/db/pg';
import type { Db } from '../../api/db/types';
import { buildApp, type AppOptions } from '../../api/app';
import { adminUrl, databaseUrl } from './native';
import { adminSession, type Session } from './accounts';
import { loadMiniCity } from './load-mini-city';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** a fresh, migrated, empty database of this backend */
  open(): Promise<Db>;
}

const pglite: Backend = {
  name: 'pglite',
  async open() {
    const dump = await readFile(inject('pgliteDump'));
    return openPgliteDb({ loadDataDir: new Blob([dump]) });
  },
};

const postgres = (url: string, template: string): Backend => ({
  name: 'postgres',
  async open() {
    const name = `wangge_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl(url) });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.end();
    const db = openPgDb(databaseUrl(url, name));
    const close = db.close;
    // Dropping the per-file database on close keeps the server clean between runs.
    return {
      ...db,
      async close() {
        await close();
        const a = new pg.Client({ connectionString: adminUrl(url) });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      },
    };
  },
});

/** PGlite always; native PostGIS too when TEST_DATABASE_URL is set (CI sets it). */
export function backends(): Backend[] {
  const url = process.env.TEST_DATABASE_URL;
  const template = inject('nativeTemplate');
  return url && template ? [pglite, postgres(url, template)] : [pglite];
}

/** The app on a database; login and stream-connect rate limits are raised since tests log in many times a minute. */
export async function appOn(db: Db, options: Omit<AppOptions, 'db'> = {}): Promise<FastifyInstance> {
  // event streams end right after their replay: requests injected by the tests get an end
  // (tests/api/events.test.ts sets its own lifetime and listens on a port)
  const app = await buildApp({
    loginRateLimit: 10_000,
    ...options,
    events: { lifetimeMs: 0, connectsPerMinute: 10_000, ...options.events },
    db,
  });
  await app.ready();
  return app;
}

export interface MiniCityContext {
  db: Db;
  app: FastifyInstance;
  /** an admin's session (cookie + CSRF headers) */
  admin: Session;
}

/**
 * The usual fixture of an API test file: a fresh database of this backend, the app on it, an
 * admin session, and the mini city imported through the API; closed after the file.
 */
export function withMiniCity(backend: Backend): MiniCityContext {
  const ctx = {} as MiniCityContext;
  beforeAll(async () => {
    ctx.db = await backend.open();
    ctx.app = await appOn(ctx.db);
    ctx.admin = await adminSession(ctx.app, ctx.db);
    await loadMiniCity(ctx.app, ctx.admin);
  });
  afterAll(async () => {
    await ctx.app?.close();
    await ctx.db?.close();
  });
  return ctx;
}
