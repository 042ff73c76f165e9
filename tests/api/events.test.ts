import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { controllableClock } from '../../api/domain/clock';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession, createUser, login, type Session } from './accounts';
import { contractingApi } from './contracting-fixture';
import { leafIds, problemApi, userWithUnit, type ProblemApi } from './problem-fixture';

// GET /api/events (issue 12): a real port and fetch, since a stream never ends by itself.
const START = new Date('2026-03-02T09:00:00+08:00');
const FROM = '2024-01-01T00:00:00+08:00';
const GRID1: [number, number] = [118.505, 28.905]; // 330822001001001, unit A
const GRID2: [number, number] = [118.515, 28.905]; // 330822001001002
const UNIT_B_GRID: [number, number] = [118.505, 28.915]; // 330822001002001, unit B

interface Message {
  event: string;
  id: number | null;
  data: Record<string, unknown>;
}

/** An open stream: every message it got so far, and waiting for one. */
function reader(res: Response, abort: AbortController) {
  const messages: Message[] = [];
  let notify = () => {};
  let lastId: number | null = null;
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
            if (line.startsWith(':')) continue;
            const i = line.indexOf(': ');
            if (i > 0) f[line.slice(0, i)] = line.slice(i + 2);
          }
          if (f.id !== undefined) lastId = Number(f.id);
          if (f.event)
            messages.push({
              event: f.event,
              id: f.id === undefined ? null : Number(f.id),
              data: JSON.parse(f.data ?? '{}'),
            });
          notify();
        }
      }
    } catch {
      // aborted by the test
    }
    notify();
  })();
  return {
    messages,
    ended,
    get lastId() {
      return lastId;
    },
    problemIds: () =>
      messages.filter((m) => m.event === 'problem' || m.event === 'notice').map((m) => m.data.problemId as number),
    async waitFor(pred: (m: Message) => boolean, ms = 2000): Promise<Message> {
      const until = Date.now() + ms;
      for (;;) {
        const hit = messages.find(pred);
        if (hit) return hit;
        const left = until - Date.now();
        if (left <= 0)
          throw new Error(
            `no such message within ${ms} ms; got ${JSON.stringify(messages.map((m) => [m.event, m.data.problemId ?? m.data.reason]))}`,
          );
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          notify = () => (clearTimeout(t), r());
        });
      }
    },
    close: () => abort.abort(),
  };
}

describe.each(backends())('live events on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let base: string;
  let cat: Record<string, number>;
  const s = {} as Record<'cmd' | 'sup' | 'unitA' | 'unitB' | 'member2', Session>;
  let sup: ProblemApi;
  const open: { close(): void }[] = [];

  const connect = async (session: Session | null, headers: Record<string, string> = {}, query = '') => {
    const abort = new AbortController();
    const res = await fetch(`${base}/api/events${query}`, {
      headers: { ...(session ? { cookie: session.cookie } : {}), ...headers },
      signal: abort.signal,
    });
    return { res, abort };
  };
  const stream = async (session: Session, headers: Record<string, string> = {}) => {
    const { res, abort } = await connect(session, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const r = reader(res, abort);
    open.push(r);
    await r.waitFor((m) => m.event === 'ready');
    return r;
  };
  const report = (at: [number, number], over: object = {}) =>
    sup.report({
      lon: at[0],
      lat: at[1],
      categoryId: cat['010101'],
      source: 'patrol',
      description: '商铺门前乱摆放货物',
      ...over,
    });
  const isProblem = (id: number) => (m: Message) => m.event === 'problem' && m.data.problemId === id;

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, {
      clock: controllableClock(START),
      controllableClock: true,
      events: { lifetimeMs: 3600_000, sessionCheckMs: 200, heartbeatMs: 60_000 },
    });
    const admin = await adminSession(app, db);
    await loadMiniCity(app, admin);
    const c = contractingApi(app, admin);
    const unitA = (await c.unit('县住建局')).id;
    const unitB = (await c.unit('县城管局')).id;
    await c.assign({ areaId: (await c.area('330822001001001')).id, role: 'lead', unitId: unitA, validFrom: FROM });
    await c.assign({ areaId: (await c.area('330822001002001')).id, role: 'lead', unitId: unitB, validFrom: FROM });
    await createUser(db, 'ev-cmd', 'commander');
    await createUser(db, 'ev-sup', 'supervisor', ['330822001']);
    await createUser(db, 'ev-member2', 'grid_member', ['330822001001002']);
    s.cmd = await login(app, 'ev-cmd');
    s.sup = await login(app, 'ev-sup');
    s.member2 = await login(app, 'ev-member2');
    s.unitA = (await userWithUnit(app, db, 'ev-unit-a', 'unit_staff', unitA)).session;
    s.unitB = (await userWithUnit(app, db, 'ev-unit-b', 'unit_staff', unitB)).session;
    sup = problemApi(app, s.sup);
    cat = await leafIds(app, admin);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    for (const r of open) r.close();
    await app?.close();
    await db?.close();
  });

  it('answers 401 without a session, and 400 to a Last-Event-ID that is no id', async () => {
    const anon = await connect(null);
    expect(anon.res.status).toBe(401);
    expect(((await anon.res.json()) as { error: string }).error).toBe('Unauthenticated');
    const bad = await connect(s.cmd, { 'last-event-id': 'abc' });
    expect(bad.res.status).toBe(400);
    expect(((await bad.res.json()) as { message: string }).message).toMatch(/Last-Event-ID/);
  });

  it("brings another user's report to the streams in its scope within 2 s, and to no other", async () => {
    const [cmd, unitA, unitB, member2] = [
      await stream(s.cmd),
      await stream(s.unitA),
      await stream(s.unitB),
      await stream(s.member2),
    ];
    const p = await report(GRID1);
    // committed when the report answers; from then on each in-scope stream has it within 2 s
    const t0 = Date.now();
    const got = await cmd.waitFor(isProblem(p.id), 2000);
    await unitA.waitFor(isProblem(p.id), 2000 - (Date.now() - t0));
    expect(got.data).toMatchObject({
      action: 'report',
      toState: 'reported',
      areaCode: '330822001001001',
      actorName: 'ev-sup',
    });
    expect(got.id).toBe(got.data.id); // the SSE id is the problem_events id
    await cmd.waitFor((m) => m.event === 'figures');
    // later reports that the others do see prove their streams were live when the first one passed
    const p2 = await report(GRID2);
    const p3 = await report(UNIT_B_GRID);
    await member2.waitFor(isProblem(p2.id));
    await unitB.waitFor(isProblem(p3.id));
    await cmd.waitFor(isProblem(p3.id));
    expect(member2.problemIds()).toEqual([p2.id]);
    expect(unitB.problemIds()).toEqual([p3.id]);
    expect(unitA.problemIds()).toEqual([p.id]);
    expect(cmd.problemIds()).toEqual([p.id, p2.id, p3.id]);
  });

  it('hides 暗访 from unit staff until it is assigned, as lists do', async () => {
    const [cmd, unitA] = [await stream(s.cmd), await stream(s.unitA)];
    const hidden = await report(GRID1, { source: 'undercover', description: '暗访发现门前乱堆放' });
    await cmd.waitFor(isProblem(hidden.id));
    const open = await report(GRID1);
    await unitA.waitFor(isProblem(open.id));
    expect(unitA.problemIds()).not.toContain(hidden.id);
    expect((await problemApi(app, s.unitA).send('GET', `/api/problems/${hidden.id}`)).statusCode).toBe(404);
    // once assigned it is the unit's: the assignment reaches it
    await sup.act(hidden.id, 'verify');
    await sup.act(hidden.id, 'assign');
    const assigned = await unitA.waitFor((m) => m.data.problemId === hidden.id && m.data.action === 'assign');
    expect(assigned.data).toMatchObject({ toState: 'assigned', source: 'undercover' });
  });

  it('replays exactly the missed events after Last-Event-ID, each scope its own', async () => {
    const cmd = await stream(s.cmd);
    const unitB = await stream(s.unitB);
    const [since, sinceB] = [cmd.lastId!, unitB.lastId!];
    cmd.close();
    unitB.close();
    const a = await report(GRID1);
    const b = await report(UNIT_B_GRID);
    await sup.act(a.id, 'verify');
    const { rows } = await db.query<{ id: number }>(
      'SELECT id::int AS id FROM problem_events WHERE id > $1 ORDER BY id',
      [since],
    );
    expect(rows).toHaveLength(3);
    const again = await stream(s.cmd, { 'last-event-id': String(since) });
    const replayed = again.messages.filter((m) => m.event === 'problem').map((m) => m.id);
    expect(replayed).toEqual(rows.map((r) => r.id));
    expect(again.messages.at(-1)).toMatchObject({ event: 'ready', id: rows.at(-1)!.id });
    // unit B missed only the report in its grid; ?since= does what the header does
    const { res, abort } = await connect(s.unitB, {}, `?since=${sinceB}`);
    const againB = reader(res, abort);
    open.push(againB);
    await againB.waitFor((m) => m.event === 'ready');
    expect(againB.problemIds()).toEqual([b.id]);
  });

  it('tells a client to reload when its Last-Event-ID is unknown', async () => {
    const { rows } = await db.query<{ n: number }>('SELECT max(id)::int AS n FROM problem_events');
    const r = await stream(s.cmd, { 'last-event-id': String(rows[0]!.n + 1000) });
    expect(r.messages.find((m) => m.event === 'reload')).toMatchObject({
      id: rows[0]!.n,
      data: { reason: 'unknown-id', lastId: rows[0]!.n },
    });
    // and it resumes from the table's end, not from the unknown id
    expect(r.messages.at(-1)).toMatchObject({ event: 'ready', id: rows[0]!.n });
  });

  it('limits connects per address', async () => {
    // a second app on the same database with a low limit; the harness ends injected streams after their replay
    const limited = await appOn(db, { events: { connectsPerMinute: 3 } });
    try {
      const get = () =>
        limited.inject({
          method: 'GET',
          url: '/api/events',
          headers: { cookie: s.cmd.cookie, 'accept-language': 'zh-CN' },
        });
      for (let i = 0; i < 3; i++) expect((await get()).statusCode).toBe(200);
      const refused = await get();
      expect(refused.statusCode).toBe(429);
      expect((refused.json() as { message: string }).message).toMatch(/过于频繁/);
    } finally {
      await limited.close();
    }
  });

  it('closes the stream of a session that logged out', async () => {
    const mine = await login(app, 'ev-cmd');
    const r = await stream(mine);
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: mine.headers });
    expect(out.statusCode).toBe(204);
    await r.waitFor((m) => m.event === 'end', 2000);
    await r.ended;
    expect(r.messages.at(-1)).toMatchObject({ event: 'end', data: { reason: 'session' } });
    // and it cannot come back
    expect((await connect(mine)).res.status).toBe(401);
  });
});
