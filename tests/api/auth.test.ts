import { beforeAll, describe, expect, it } from 'vitest';
import { appOn, backends, withMiniCity } from './harness';
import { cookieFrom, createUser, login, passwordOf } from './accounts';
import { fc, feature, rectPolygon } from '../fixtures/mini-city';

describe.each(backends())('accounts and sessions on $name', (backend) => {
  const t = withMiniCity(backend);
  beforeAll(async () => {
    await createUser(t.db, 'leader1', 'grid_leader', ['330822001001001']);
  });

  const audit = async (username: string) =>
    (
      await t.db.query<{ action: string; outcome: string; status: number; detail: { reason?: string } | null }>(
        'SELECT action, outcome, status, detail FROM audit_log WHERE username = $1 ORDER BY id DESC',
        [username],
      )
    ).rows;
  const attempt = (username: string, password: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers });

  it('logs in with an httpOnly SameSite=Strict cookie and tells who and where', async () => {
    const res = await attempt('leader1', passwordOf('leader1'));
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = cookieFrom(res.headers['set-cookie']);
    const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie } });
    expect(me.json()).toMatchObject({
      user: {
        username: 'leader1',
        role: 'grid_leader',
        scope: [{ code: '330822001001001', level: 'grid', name: '文峰社区第01网格' }],
      },
    });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('gives the same answer for an unknown user and a wrong password, and audits both', async () => {
    const unknown = await attempt('nobody-here', 'whatever-123');
    const wrong = await attempt('leader1', 'wrong-password-1', { 'accept-language': 'en' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().message).toBe('用户名或密码错误');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().message).toBe('wrong username or password');
    expect((await audit('nobody-here'))[0]).toMatchObject({
      action: 'login',
      outcome: 'denied',
      detail: { reason: 'unknown user' },
    });
    expect((await audit('leader1'))[0]).toMatchObject({
      action: 'login',
      outcome: 'denied',
      detail: { reason: 'wrong password' },
    });
  });

  // The throttle that replaced the hard lock (issue 10, finding 2): tests/api/login-throttle.test.ts

  it('issues a new session at login, never the one presented (session fixation)', async () => {
    const first = await login(t.app, 'leader1');
    const second = await login(t.app, 'leader1', passwordOf('leader1'), first.cookie);
    expect(second.cookie).not.toBe(first.cookie);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: first.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: second.cookie } })).statusCode).toBe(200);
  });

  it('refuses idle-expired, absolutely-expired and tampered sessions, and audits them', async () => {
    const idle = await login(t.app, 'leader1');
    await t.db.query(
      `UPDATE sessions SET last_seen_at = now() - interval '9 hours' WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
      [idle.cookie.split('=')[1]],
    );
    const r1 = await t.app.inject({ url: '/api/areas/tree', headers: { cookie: idle.cookie } });
    expect(r1.statusCode).toBe(401);
    expect(r1.json().message).toBe('登录已过期或无效，请重新登录');
    const old = await login(t.app, 'leader1');
    await t.db.query(
      `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
      [old.cookie.split('=')[1]],
    );
    expect((await t.app.inject({ url: '/api/areas/tree', headers: { cookie: old.cookie } })).statusCode).toBe(401);
    const good = await login(t.app, 'leader1');
    const tampered = good.cookie.slice(0, -2) + (good.cookie.endsWith('AA') ? 'BB' : 'AA');
    const r3 = await t.app.inject({ url: '/api/areas/tree', headers: { cookie: tampered } });
    expect(r3.statusCode).toBe(401);
    expect(String(r3.headers['set-cookie'])).toMatch(/wangge_session=;/); // the bad cookie is cleared
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'GET /api/areas/tree' AND outcome = 'denied' AND detail->>'reason' = 'bad or expired session'`,
    );
    expect(rows[0]!.n).toBe(3);
  });

  it('refuses a write without the CSRF token, writes nothing, and audits it', async () => {
    const county = fc([feature('330899', '测试县', rectPolygon([119, 29, 119.01, 29.01]))]);
    const count = async () =>
      (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas WHERE code = '330899'`)).rows[0]!.n;
    const none = await t.app.inject({
      method: 'POST',
      url: '/api/areas/import',
      payload: { level: 'county', collection: county },
      headers: { cookie: t.admin.cookie },
    });
    expect(none.statusCode).toBe(403);
    expect(none.json().error).toBe('CsrfTokenMissing');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/areas/import',
      payload: { level: 'county', collection: county },
      headers: { cookie: t.admin.cookie, 'x-csrf-token': 'x'.repeat(43) },
    });
    expect(wrong.statusCode).toBe(403);
    expect(await count()).toBe(0);
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/areas/import',
      payload: { level: 'county', collection: county },
      headers: t.admin.headers,
    });
    expect(right.statusCode).toBe(201);
    expect(await count()).toBe(1);
    const rows = await audit('test-admin');
    expect(rows.slice(0, 3).map((r) => [r.action, r.outcome, r.status])).toEqual([
      ['POST /api/areas/import', 'ok', 201],
      ['POST /api/areas/import', 'denied', 403],
      ['POST /api/areas/import', 'denied', 403],
    ]);
  });

  it('keeps the audit log append-only', async () => {
    await expect(t.db.query(`UPDATE audit_log SET outcome = 'ok'`)).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    const list = await t.app.inject({ url: '/api/audit?limit=3&outcome=denied', headers: t.admin.headers });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { outcome: string }[]).every((r) => r.outcome === 'denied')).toBe(true);
  });

  it('logs out: the session is gone and the cookie cleared', async () => {
    const s = await login(t.app, 'leader1');
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/wangge_session=;/);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('changes a password: checks the current one and the rule, ends the other sessions', async () => {
    await createUser(t.db, 'changer', 'planner');
    const a = await login(t.app, 'changer');
    const b = await login(t.app, 'changer');
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/auth/password', payload, headers: a.headers });
    expect((await post({ current: 'not-it-123', next: 'new-password-2027' })).json().details[0].field).toBe('current');
    expect((await post({ current: passwordOf('changer'), next: 'short1' })).json().message).toBe('密码至少 10 个字符');
    expect((await post({ current: passwordOf('changer'), next: 'new-password-2027' })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: b.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie: a.cookie } })).statusCode).toBe(200);
    expect((await attempt('changer', passwordOf('changer'))).statusCode).toBe(401);
    expect((await attempt('changer', 'new-password-2027')).statusCode).toBe(200);
  });

  it('lets an admin create scoped accounts and reset a password, which must then be changed', async () => {
    const create = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/users', payload, headers: t.admin.headers });
    const noScope = await create({
      username: 'super2',
      displayName: '督查二',
      role: 'supervisor',
      password: 'temp-password-1',
      scopeCodes: [],
    });
    expect(noScope.statusCode).toBe(422);
    const badScope = await create({
      username: 'leader2',
      displayName: '网格长二',
      role: 'grid_leader',
      password: 'temp-password-1',
      scopeCodes: ['330822009009009'],
    });
    expect(badScope.json().message).toBe('区域编码不存在：330822009009009');
    const ok = await create({
      username: 'leader2',
      displayName: '网格长二',
      role: 'grid_leader',
      password: 'temp-password-1',
      scopeCodes: ['330822001001002'],
    });
    expect(ok.statusCode).toBe(201);
    const dup = await create({
      username: 'leader2',
      displayName: 'x',
      role: 'commander',
      password: 'temp-password-1',
      scopeCodes: [],
    });
    expect(dup.statusCode).toBe(409);
    const s = await login(t.app, 'leader2', 'temp-password-1');
    const forced = await t.app.inject({ url: '/api/areas/tree', headers: s.headers });
    expect(forced.statusCode).toBe(403);
    expect(forced.json().error).toBe('PasswordChangeRequired');
    await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: { current: 'temp-password-1', next: 'my-own-password-9' },
      headers: s.headers,
    });
    expect((await t.app.inject({ url: '/api/areas/tree', headers: s.headers })).statusCode).toBe(200);
    const id = (ok.json() as { id: number }).id;
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/users/${id}/reset-password`,
          payload: { password: 'reset-password-7' },
          headers: t.admin.headers,
        })
      ).statusCode,
    ).toBe(204);
    expect((await t.app.inject({ url: '/api/auth/me', headers: s.headers })).statusCode).toBe(401);
    const deactivated = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      payload: { active: false },
      headers: t.admin.headers,
    });
    expect(deactivated.json()).toMatchObject({ active: false });
    expect((await attempt('leader2', 'reset-password-7')).statusCode).toBe(401);
  });
});

describe('login rate limit', () => {
  it('answers 429 past the limit per address', async () => {
    const [backend] = backends();
    const db = await backend!.open();
    const app = await appOn(db, { loginRateLimit: 3 });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++)
        codes.push(
          (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x-user', password: 'y' } }))
            .statusCode,
        );
      expect(codes).toEqual([401, 401, 401, 429]);
      const en = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'x-user', password: 'y' },
        headers: { 'accept-language': 'en' },
      });
      expect(en.json()).toMatchObject({
        error: 'TooManyRequests',
        message: expect.stringMatching(/^too many attempts: try again in \d+ s$/),
      });
    } finally {
      await app.close();
      await db.close();
    }
  });
});
