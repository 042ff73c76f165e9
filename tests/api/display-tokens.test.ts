import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { controllableClock, type ControllableClock } from '../../api/domain/clock';
import type { DisplaySessionInfo, DisplayTokenIssued, DisplayTokenSummary } from '../../api/schemas/display';
import type { AreaDetail } from '../../api/schemas/areas';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession, cookieFrom, createUser, login, type Session } from './accounts';
import { leafIds, problemApi, type ProblemApi } from './problem-fixture';

// Display tokens and read-only display sessions for walls (issue 12): a real port and fetch for
// the event streams, which never end by themselves.
const START = new Date('2026-03-02T09:00:00+08:00');
const STREET1 = '330822001';
const GRID1: [number, number] = [118.505, 28.905]; // 330822001001001

interface Message {
  event: string;
  data: Record<string, unknown>;
}

/** An open event stream: its messages so far, and whether it ended. */
function reader(res: Response, abort: AbortController) {
  const messages: Message[] = [];
  let done = false;
  const ended = (async () => {
    const dec = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += dec.decode(chunk, { stream: true });
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const f: Record<string, string> = {};
          for (const line of block.split('\n')) {
            const i = line.indexOf(': ');
            if (!line.startsWith(':') && i > 0) f[line.slice(0, i)] = line.slice(i + 2);
          }
          if (f.event) messages.push({ event: f.event, data: JSON.parse(f.data ?? '{}') });
        }
      }
    } catch {
      // aborted by the test
    }
    done = true;
  })();
  return {
    messages,
    ended,
    get done() {
      return done;
    },
    async waitFor(pred: (m: Message) => boolean, ms = 2000): Promise<Message> {
      const until = Date.now() + ms;
      for (;;) {
        const hit = messages.find(pred);
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`no such message in ${ms} ms: ${JSON.stringify(messages)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => abort.abort(),
  };
}

describe.each(backends())('display tokens on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let clock: ControllableClock;
  let base: string;
  let admin: Session;
  let sup: ProblemApi;
  let cat: Record<string, number>;
  let outGrid: AreaDetail;
  const open: { close(): void }[] = [];

  const issue = async (body: object, lang = 'zh') =>
    app.inject({
      method: 'POST',
      url: '/api/display-tokens',
      headers: { ...admin.headers, 'accept-language': lang },
      payload: body,
    });
  const issued = async (body: object) => {
    const res = await issue(body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as DisplayTokenIssued;
  };
  const exchange = (token: string) => app.inject({ method: 'POST', url: '/api/display/session', payload: { token } });
  const wall = async (token: string) => {
    const res = await exchange(token);
    expect(res.statusCode, res.body).toBe(200);
    return { cookie: cookieFrom(res.headers['set-cookie']), info: res.json() as DisplaySessionInfo };
  };
  const stream = async (cookie: string) => {
    const abort = new AbortController();
    const res = await fetch(`${base}/api/events`, { headers: { cookie }, signal: abort.signal });
    expect(res.status).toBe(200);
    const r = reader(res, abort);
    open.push(r);
    await r.waitFor((m) => m.event === 'ready');
    return r;
  };
  const report = (at: [number, number]) =>
    sup.report({ lon: at[0], lat: at[1], categoryId: cat['010101'], source: 'patrol', description: '大屏测试' });
  const auditRows = async (action: string) =>
    (
      await db.query<{ username: string; outcome: string; detail: Record<string, unknown> | null }>(
        'SELECT username, outcome, detail FROM audit_log WHERE action = $1 ORDER BY id',
        [action],
      )
    ).rows;

  beforeAll(async () => {
    db = await backend.open();
    clock = controllableClock(START);
    app = await appOn(db, {
      clock,
      controllableClock: true,
      events: { lifetimeMs: 3600_000, sessionCheckMs: 200, heartbeatMs: 60_000 },
    });
    admin = await adminSession(app, db);
    await loadMiniCity(app, admin);
    await createUser(db, 'dt-sup', 'supervisor', ['330822001', '330822002']);
    sup = problemApi(app, await login(app, 'dt-sup'));
    cat = await leafIds(app, admin);
    outGrid = (await app.inject({ url: '/api/areas/by-code/330822002002002', headers: admin.headers })).json();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    for (const r of open) r.close();
    await app?.close();
    await db?.close();
  });

  it('issues a token once, lists it without the token, and audits the issue', async () => {
    const t = await issued({ name: '指挥中心大屏 1', cityWide: false, scopeCodes: [STREET1] });
    expect(t.token).toMatch(/^wd_[A-Za-z0-9_-]{40,}$/);
    expect(t).toMatchObject({ name: '指挥中心大屏 1', cityWide: false, status: 'active', sessions: 0 });
    expect(t.scope.map((a) => a.code)).toEqual([STREET1]);
    const list = (
      await app.inject({ url: '/api/display-tokens', headers: admin.headers })
    ).json() as DisplayTokenSummary[];
    const listed = list.find((x) => x.id === t.id)!;
    expect(listed).toMatchObject({ name: '指挥中心大屏 1', createdBy: 'test-admin', status: 'active' });
    expect(JSON.stringify(list)).not.toContain(t.token);
    const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM display_tokens WHERE id = $1', [
      t.id,
    ]);
    expect(stored.rows[0]!.token_hash).not.toContain(t.token); // a hash, never the token
    const rows = await auditRows('POST /api/display-tokens');
    expect(rows.at(-1)).toMatchObject({ username: 'test-admin', outcome: 'ok', detail: { scopeCodes: [STREET1] } });
  });

  it('refuses a bad scope or expiry in the caller’s language, writing nothing', async () => {
    const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM display_tokens')).rows[0]!.n;
    const cases: [object, string, string][] = [
      [{ name: 'x', cityWide: true, scopeCodes: [STREET1] }, 'ScopeNotAllowed', 'scopeCodes'],
      [{ name: 'x', cityWide: false, scopeCodes: [] }, 'ScopeRequired', 'scopeCodes'],
      [{ name: 'x', cityWide: false, scopeCodes: ['330822009'] }, 'UnknownArea', 'scopeCodes'],
      [
        { name: 'x', cityWide: true, scopeCodes: [], expiresAt: '2026-03-01T00:00:00+08:00' },
        'ExpiryInPast',
        'expiresAt',
      ],
    ];
    for (const [body, code, field] of cases) {
      const zh = await issue(body);
      expect(zh.statusCode, zh.body).toBe(422);
      expect(zh.json()).toMatchObject({ error: code, details: [{ field }] });
      expect((zh.json() as { message: string }).message).toMatch(/[\u4e00-\u9fff]/);
      const en = await issue(body, 'en');
      expect((en.json() as { message: string }).message).toMatch(/^[\x20-\x7e]+$/);
    }
    const blank = await issue({ name: '  ', cityWide: true, scopeCodes: [] }, 'en');
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('name');
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM display_tokens')).rows[0]!.n).toBe(before);
  });

  it('opens a display session that reads within the token’s scope and never writes', async () => {
    const t = await issued({ name: '天马大屏', cityWide: false, scopeCodes: [STREET1] });
    const bad = await exchange('wd_not-a-real-token-at-all');
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ error: 'BadDisplayToken' });
    const { cookie, info } = await wall(t.token);
    expect(info.name).toBe('天马大屏');
    expect(info.scope!.map((a) => a.code)).toEqual([STREET1]);
    const me = (await app.inject({ url: '/api/auth/me', headers: { cookie } })).json() as {
      user: { role: string; scope: { code: string }[] };
    };
    expect(me.user.role).toBe('commander');
    expect(me.user.scope.map((a) => a.code)).toEqual([STREET1]);
    const inside = await report(GRID1);
    const outside = await report(outGrid.labelPoint);
    expect((await app.inject({ url: `/api/problems/${inside.id}`, headers: { cookie } })).statusCode).toBe(200);
    expect((await app.inject({ url: `/api/problems/${outside.id}`, headers: { cookie } })).statusCode).toBe(404);
    // every write is refused before its route runs, whatever the route and even with a CSRF header
    for (const [method, url] of [
      ['POST', '/api/problems'],
      ['POST', `/api/problems/${inside.id}/actions/assign`],
      ['PATCH', '/api/users/1'],
      ['PUT', '/api/assessment-schemes/1'],
      ['DELETE', '/api/points/1'],
      ['POST', '/api/auth/logout'],
    ] as const) {
      for (const lang of ['zh', 'en']) {
        const res = await app.inject({
          method,
          url,
          headers: { cookie, 'x-csrf-token': 'x', 'accept-language': lang },
          payload: {},
        });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.json()).toMatchObject({ error: 'DisplayReadOnly' });
        expect((res.json() as { message: string }).message).toMatch(lang === 'zh' ? /大屏/ : /display session/);
      }
    }
    const refused = (
      await db.query<{ username: string; user_id: number | null }>(
        `SELECT username, user_id FROM audit_log WHERE action = 'POST /api/problems' AND outcome = 'denied' ORDER BY id DESC LIMIT 1`,
      )
    ).rows[0]!;
    expect(refused).toEqual({ username: `display#${t.id}`, user_id: null });
    const list = (
      await app.inject({ url: '/api/display-tokens', headers: admin.headers })
    ).json() as DisplayTokenSummary[];
    expect(list.find((x) => x.id === t.id)).toMatchObject({ sessions: 1 });
    expect(list.find((x) => x.id === t.id)!.lastUsedAt).not.toBeNull();
  });

  it('streams only the events in the token’s scope to a display session', async () => {
    const street = await issued({ name: '街道屏', cityWide: false, scopeCodes: [STREET1] });
    const city = await issued({ name: '全市屏', cityWide: true, scopeCodes: [] });
    const [s1, s2] = [await stream((await wall(street.token)).cookie), await stream((await wall(city.token)).cookie)];
    const outside = await report(outGrid.labelPoint);
    const inside = await report(GRID1);
    const isP = (id: number) => (m: Message) => m.event === 'problem' && m.data.problemId === id;
    await s2.waitFor(isP(outside.id));
    await s2.waitFor(isP(inside.id));
    await s1.waitFor(isP(inside.id));
    expect(s1.messages.filter((m) => m.event === 'problem').map((m) => m.data.problemId)).toEqual([inside.id]);
  });

  it('revokes: requests get 401 at once, open streams end within the session check, audited', async () => {
    const t = await issued({ name: '撤销屏', cityWide: true, scopeCodes: [] });
    const { cookie } = await wall(t.token);
    const s = await stream(cookie);
    const res = await app.inject({ method: 'POST', url: `/api/display-tokens/${t.id}/revoke`, headers: admin.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'revoked', sessions: 0 });
    expect((await app.inject({ url: '/api/problems', headers: { cookie } })).statusCode).toBe(401);
    expect((await exchange(t.token)).statusCode).toBe(401);
    await s.waitFor((m) => m.event === 'end', 2000);
    await s.ended;
    expect(s.done).toBe(true);
    // again: nothing changes, still answered and audited
    const again = await app.inject({
      method: 'POST',
      url: `/api/display-tokens/${t.id}/revoke`,
      headers: admin.headers,
    });
    expect(again.json()).toMatchObject({ status: 'revoked' });
    const rows = await auditRows('POST /api/display-tokens/:id/revoke');
    expect(rows.slice(-2).map((r) => r.detail)).toEqual([
      { alreadyRevoked: false, sessionsEnded: 1 },
      { alreadyRevoked: true, sessionsEnded: 0 },
    ]);
    const missing = await app.inject({
      method: 'POST',
      url: '/api/display-tokens/999999/revoke',
      headers: admin.headers,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('ends with the token’s expiry by the app clock', async () => {
    const t = await issued({
      name: '临时屏',
      cityWide: true,
      scopeCodes: [],
      expiresAt: new Date(clock.now().getTime() + 3600_000).toISOString(),
    });
    const { cookie } = await wall(t.token);
    expect((await app.inject({ url: '/api/problems', headers: { cookie } })).statusCode).toBe(200);
    clock.advance(2 * 3600_000);
    expect((await app.inject({ url: '/api/problems', headers: { cookie } })).statusCode).toBe(401);
    expect((await exchange(t.token)).statusCode).toBe(401);
    const list = (
      await app.inject({ url: '/api/display-tokens', headers: admin.headers })
    ).json() as DisplayTokenSummary[];
    expect(list.find((x) => x.id === t.id)!.status).toBe('expired');
  });
});
