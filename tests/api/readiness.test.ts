import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { loadConfig } from '../../api/config';
import { preparation, type Preparation } from '../../api/plugins/readiness';
import { startServer } from '../../api/server';
import { appOn, backends } from './harness';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const DEMO = { zh: '示范城市', en: 'the demo city' };

// Issue 15: a first start answered nothing for 144 s while it seeded the demo. Now the server
// listens first and says how far the preparation is; issue 11: the product does not import its demo.
describe('the product and its demo', () => {
  it('api/ imports nothing from data/ (the demo is wired in by data/demo/start.ts)', () => {
    const offenders: string[] = [];
    const visit = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, e.name);
        if (e.isDirectory()) visit(path);
        else if (/\.ts$/.test(e.name) && /from\s+['"](\.\.\/)+data\//.test(readFileSync(path, 'utf8')))
          offenders.push(relative(ROOT, path));
      }
    };
    visit(join(ROOT, 'api'));
    expect(offenders).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.serve).toContain('data/demo/start.ts');
    expect(pkg.scripts.start).toContain('data/demo/start.ts');
  });
});

describe.each(backends())('while preparing on $name', (backend) => {
  let db: Db, app: FastifyInstance, prep: Preparation;
  beforeAll(async () => {
    db = await backend.open();
    prep = preparation(DEMO);
    app = await appOn(db, { readiness: prep });
    prep.report(0.4);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('health says preparing with the share done, without the database', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'preparing',
      progress: 0.4,
      message: { zh: '正在准备示范城市：40 %', en: 'preparing the demo city: 40 %' },
    });
  });

  it("every other route answers 503 in the caller's language and writes nothing", async () => {
    const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log')).rows[0]!.n;
    const audited = await count();
    const zh = await app.inject({ method: 'GET', url: '/api/areas/tree' });
    expect(zh.statusCode).toBe(503);
    expect(zh.headers['retry-after']).toBe('2');
    expect(zh.json()).toMatchObject({ error: 'Preparing', message: '正在准备示范城市：40 %，请稍后再试' });
    const en = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'accept-language': 'en' },
      payload: { username: 'admin', password: 'x' },
    });
    expect(en.statusCode).toBe(503);
    expect(en.json()).toMatchObject({
      error: 'Preparing',
      message: 'preparing the demo city: 40 %; try again in a few seconds',
    });
    expect((await app.inject({ method: 'GET', url: '/tiles/areas/12/3416/1684.mvt' })).statusCode).toBe(503);
    expect(await count()).toBe(audited);
  });

  it('a browser gets a page that says how far it is and reloads itself', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('正在准备示范城市：40 %');
    expect(res.body).toContain('Preparing the demo city: 40 %');
    expect(res.body).toMatch(/<meta http-equiv="refresh" content="\d+">/);
    expect(res.body).not.toContain('<script'); // the CSP allows no inline script
  });

  it('serves again once ready', async () => {
    prep.ready();
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.json()).toMatchObject({ status: 'ok', database: backend.name });
    expect((await app.inject({ method: 'GET', url: '/api/areas/tree' })).statusCode).toBe(401);
  });
});

describe('before the app exists', () => {
  it('the bare listener gives the same answers as the gate', async () => {
    const { createServer } = await import('node:http');
    const { answerPreparing } = await import('../../api/plugins/readiness');
    const prep = preparation(DEMO);
    prep.report(0.4);
    const server = createServer((req, res) => answerPreparing(req, res, prep));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
    try {
      const address = server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      expect(await (await fetch(`${url}/api/health`)).json()).toEqual({
        status: 'preparing',
        progress: 0.4,
        message: { zh: '正在准备示范城市：40 %', en: 'preparing the demo city: 40 %' },
      });
      const refused = await fetch(`${url}/api/areas/tree`, { headers: { 'accept-language': 'en' } });
      expect([refused.status, refused.headers.get('retry-after'), await refused.json()]).toEqual([
        503,
        '2',
        { error: 'Preparing', message: 'preparing the demo city: 40 %; try again in a few seconds' },
      ]);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('正在准备示范城市：40 %');
    } finally {
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
    }
  });
});

describe.each(backends())('startServer on $name', (backend) => {
  it('listens before its preparation ends, reports the progress, then serves', async () => {
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    const seen: number[] = [];
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      WANGGE_WEB_ROOT: join(ROOT, 'no-web-here'),
    });
    const server = await startServer({
      config,
      db: await backend.open(),
      prepare: {
        what: DEMO,
        run: async ({ progress }) => {
          progress(0.4);
          seen.push(0.4);
          await held;
        },
      },
    });
    try {
      const address = server.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const health = async () =>
        (await fetch(`${url}/api/health`)).json() as Promise<{ status: string; progress?: number }>;
      expect(seen).toEqual([0.4]);
      // the preparer's 40 % after opening and migrating (the first 25 % of the bar)
      expect(await health()).toMatchObject({ status: 'preparing', progress: 0.55 });
      expect((await fetch(`${url}/api/areas/tree`)).status).toBe(503);
      release();
      await server.ready;
      expect(await health()).toMatchObject({ status: 'ok' });
    } finally {
      release();
      await server.close();
    }
  });
});
