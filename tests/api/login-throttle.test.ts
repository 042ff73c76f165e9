import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { appOn, backends } from './harness';
import { createUser, login, passwordOf } from './accounts';
import { controllableClock } from '../../api/domain/clock';
import type { Db } from '../../api/db/types';

// Issue 10, finding 2 (anyone could keep any account locked; 423 told which names exist) and
// finding 11 (password change: same password accepted, unlimited guesses of the current one).
// Time moves on the app clock, never by sleeping.
describe.each(backends())('login throttle on $name', (backend) => {
  const clock = controllableClock(new Date('2026-12-05T21:30:00+08:00'));
  let db: Db;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, { clock });
    for (const name of ['owner', 'twin', 'guessed', 'forgot', 'ceiling', 'changer', 'guesser'])
      await createUser(db, name, 'commander');
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const attempt = (username: string, password: string, from = '10.0.0.66', lang = 'zh') =>
    app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password },
      remoteAddress: from,
      headers: { 'accept-language': lang },
    });
  const seconds = (ms: number) => clock.advance(ms);

  it('never lets failures from one address keep the owner out at another', async () => {
    const statuses = [];
    for (let i = 0; i < 30; i++) {
      statuses.push((await attempt('owner', `wrong-${i}-password`)).statusCode);
      seconds(1_000);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses).toContain(429); // the guesser is slowed down…
    const owner = await attempt('owner', passwordOf('owner'), '10.0.0.1');
    expect(owner.statusCode).toBe(200); // …the owner at their own desk is not
  });

  it('slows one address with doubling delays; the right password after the delay gets in', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt('guessed', `wrong-${i}-password`)).statusCode).toBe(401);
    const wait1 = await attempt('guessed', passwordOf('guessed')); // refused unchecked, even right
    expect(wait1.statusCode).toBe(429);
    expect(wait1.headers['retry-after']).toBe('1');
    expect(wait1.json()).toMatchObject({ error: 'LoginThrottled', message: '登录失败次数过多，请 1 秒后再试' });
    seconds(1_000);
    expect((await attempt('guessed', 'wrong-6-password')).statusCode).toBe(401);
    const wait2 = await attempt('guessed', 'wrong-7-password', '10.0.0.66', 'en');
    expect(wait2.headers['retry-after']).toBe('2');
    expect(wait2.json().message).toBe('too many failed attempts: try again in 2 s');
    seconds(2_000);
    expect((await attempt('guessed', passwordOf('guessed'))).statusCode).toBe(200);
    // the right password cleared this address's count: a typo afterwards is not delayed
    expect((await attempt('guessed', 'typo-password-1')).statusCode).toBe(401);
    expect((await attempt('guessed', passwordOf('guessed'))).statusCode).toBe(200);
    const { rows } = await db.query<{ status: number; reason: string }>(
      `SELECT status, detail->>'reason' AS reason FROM audit_log WHERE username = 'guessed' AND status = 429`,
    );
    expect(rows).toEqual([
      { status: 429, reason: 'throttled' },
      { status: 429, reason: 'throttled' },
    ]);
  });

  it('answers an unknown name exactly as an existing one, throttled or not', async () => {
    const run = async (name: string) => {
      const seen = [];
      for (let i = 0; i < 8; i++) {
        const r = await attempt(name, `wrong-${i}-password`, '10.0.0.77');
        seen.push([r.statusCode, r.json().error, r.json().message, r.headers['retry-after'] ?? null]);
        seconds(500);
      }
      return seen;
    };
    const known = await run('twin');
    const unknown = await run('no-such-user');
    expect(unknown).toEqual(known);
    expect(known.map((s) => s[0])).toEqual([401, 401, 401, 401, 401, 429, 401, 429]);
    expect(known.some((s) => s[0] === 423)).toBe(false);
  });

  it("forgets an address's failures an hour after the last one", async () => {
    for (let i = 0; i < 5; i++) await attempt('forgot', `wrong-${i}-password`, '10.0.0.88');
    expect((await attempt('forgot', 'wrong-5-password', '10.0.0.88')).statusCode).toBe(429);
    seconds(60 * 60_000);
    // a fresh count: five more tries before any delay
    for (let i = 0; i < 5; i++)
      expect((await attempt('forgot', `again-${i}-password`, '10.0.0.88')).statusCode).toBe(401);
  });

  it('past 100 failures on a name refuses the addresses that failed, not a clean one', async () => {
    const at = clock.now().toISOString();
    await db.query(
      `INSERT INTO login_failures (account, address, failures, last_failure_at) VALUES ('ceiling', '*', 100, $1), ('ceiling', '10.0.0.9', 1, $1)`,
      [at],
    );
    const failedHere = await attempt('ceiling', passwordOf('ceiling'), '10.0.0.9');
    expect(failedHere.statusCode).toBe(429);
    expect(Number(failedHere.headers['retry-after'])).toBe(3600);
    expect((await attempt('ceiling', passwordOf('ceiling'), '10.0.0.10')).statusCode).toBe(200);
  });

  it('refuses the current password as the new one with 400 naming the field, changing nothing', async () => {
    const s = await login(app, 'changer');
    const same = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: { current: passwordOf('changer'), next: passwordOf('changer') },
      headers: s.headers,
    });
    expect(same.statusCode).toBe(400);
    expect(same.json()).toMatchObject({
      error: 'SamePassword',
      message: '新密码（next）不能与当前密码相同',
      details: [{ field: 'next' }],
    });
    const en = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: { current: passwordOf('changer'), next: passwordOf('changer') },
      headers: { ...s.headers, 'accept-language': 'en' },
    });
    expect(en.json().message).toBe('the new password (next) must differ from the current one');
    expect((await attempt('changer', passwordOf('changer'), '10.0.0.2')).statusCode).toBe(200);
  });

  it('counts guesses of the current password into the same throttle as logins', async () => {
    const s = await login(app, 'guesser');
    const change = (current: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/password',
        payload: { current, next: 'new-password-2027' },
        headers: s.headers,
      });
    for (let i = 0; i < 5; i++) expect((await change(`guess-${i}-password`)).statusCode).toBe(422);
    const slowed = await change(passwordOf('guesser'));
    expect(slowed.statusCode).toBe(429);
    expect(slowed.headers['retry-after']).toBe('1');
    // the same count: a login of this name from this address waits as well
    expect((await attempt('guesser', passwordOf('guesser'), '127.0.0.1')).statusCode).toBe(429);
    seconds(1_000);
    expect((await change(passwordOf('guesser'))).statusCode).toBe(204);
  });
});
