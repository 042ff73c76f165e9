import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { controllableClock } from '../../api/domain/clock';
import type { LiveZoneEvent } from '../../api/schemas/events';
import type { ZoneDraft } from '../../api/schemas/zones';
import { adminSession, createUser, login, type Session } from './accounts';
import { bj, contractingApi } from './contracting-fixture';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { userWithUnit } from './problem-fixture';

// Live zone events (issue 13, docs/ZONES.md "Live updates"): each write of a zone draft reaches
// the other planners' streams with the draft; an applied plan reaches, without the draft, the
// streams of the units it gave or took grids from and of callers whose scope holds those grids.
const NOW = new Date(bj('2026-03-04T10:00:00'));
const FROM = bj('2024-01-01T00:00:00');
const LATER = bj('2026-04-01T00:00:00');
const S0 = '330822001001001'; // unit A
const N2 = '330822002002001'; // unit C

/** An open stream's `zones` messages (and waiting for one). */
function zoneReader(res: Response, abort: AbortController) {
  const got: LiveZoneEvent[] = [];
  let wake = () => {};
  let ready = false;
  void (async () => {
    const dec = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += dec.decode(chunk, { stream: true });
        let cut;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'ready') ready = true;
          if (event === 'zones') got.push(JSON.parse(data!) as LiveZoneEvent);
          wake();
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  const waitUntil = async (pred: () => boolean, ms = 2000) => {
    const until = Date.now() + ms;
    while (!pred()) {
      const left = until - Date.now();
      if (left <= 0) throw new Error(`not within ${ms} ms; zone events: ${JSON.stringify(got)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        wake = () => (clearTimeout(t), r());
      });
    }
  };
  return {
    got,
    ready: () => waitUntil(() => ready),
    waitFor: async (pred: (e: LiveZoneEvent) => boolean) => {
      await waitUntil(() => got.some(pred));
      return got.find(pred)!;
    },
    close: () => abort.abort(),
  };
}

describe.each(backends())('live zone events on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let base: string;
  const s = {} as Record<'planner' | 'planner2' | 'cmd' | 'unitA' | 'unitB' | 'unitC' | 'supS', Session>;
  const area = {} as Record<'s0' | 'n2', number>;
  const unit = {} as Record<'A' | 'B' | 'C', number>;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, {
      clock: controllableClock(NOW),
      events: { lifetimeMs: 3600_000, sessionCheckMs: 60_000, heartbeatMs: 60_000 },
    });
    const admin = await adminSession(app, db);
    await loadMiniCity(app, admin);
    const api = contractingApi(app, admin);
    unit.A = (await api.unit('县教育局')).id;
    unit.B = (await api.unit('县卫生健康局')).id;
    unit.C = (await api.unit('县住建局')).id;
    area.s0 = (await api.area(S0)).id;
    area.n2 = (await api.area(N2)).id;
    await api.assign({ areaId: area.s0, role: 'lead', unitId: unit.A, validFrom: FROM });
    await api.assign({ areaId: area.n2, role: 'lead', unitId: unit.C, validFrom: FROM });
    await createUser(db, 'ze-planner', 'planner');
    await createUser(db, 'ze-planner2', 'planner');
    await createUser(db, 'ze-cmd', 'commander');
    await createUser(db, 'ze-sup-s', 'supervisor', ['330822002']); // the east street: n2, not s0
    s.planner = await login(app, 'ze-planner');
    s.planner2 = await login(app, 'ze-planner2');
    s.cmd = await login(app, 'ze-cmd');
    s.supS = await login(app, 'ze-sup-s');
    s.unitA = (await userWithUnit(app, db, 'ze-unit-a', 'unit_staff', unit.A)).session;
    s.unitB = (await userWithUnit(app, db, 'ze-unit-b', 'unit_staff', unit.B)).session;
    s.unitC = (await userWithUnit(app, db, 'ze-unit-c', 'unit_staff', unit.C)).session;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(async () => {
    for (const r of open) r.close();
    await app?.close();
    await db?.close();
  });

  const stream = async (session: Session) => {
    const abort = new AbortController();
    const res = await fetch(`${base}/api/events`, { headers: { cookie: session.cookie }, signal: abort.signal });
    expect(res.status).toBe(200);
    const r = zoneReader(res, abort);
    open.push(r);
    await r.ready();
    return r;
  };
  const send = async <T>(who: Session, method: 'POST' | 'DELETE', url: string, payload: object) => {
    const res = await app.inject({ method, url, headers: who.headers, payload });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return (res.body ? res.json() : null) as T;
  };
  const draftWith = async (name: string, areaId: number, lead: number) => {
    const d = await send<ZoneDraft>(s.planner, 'POST', '/api/zone-drafts', { name });
    return send<ZoneDraft>(s.planner, 'POST', `/api/zone-drafts/${d.id}/edits`, {
      version: d.version,
      areaIds: [areaId],
      lead,
    });
  };

  it('tells other planners of each draft write, and the units and scopes an applied plan touched', async () => {
    const [p2, cmd, unitA, unitB, unitC, supS] = [
      await stream(s.planner2),
      await stream(s.cmd),
      await stream(s.unitA),
      await stream(s.unitB),
      await stream(s.unitC),
      await stream(s.supS),
    ];
    // s0: A → B
    const d = await draftWith('西片', area.s0, unit.B);
    await p2.waitFor((e) => e.action === 'created' && e.draftId === d.id);
    await p2.waitFor((e) => e.action === 'updated' && e.draftId === d.id && e.version === d.version);
    const applied = await send<ZoneDraft>(s.planner, 'POST', `/api/zone-drafts/${d.id}/apply`, {
      version: d.version,
      effectiveAt: LATER,
    });
    const hint = { action: 'applied', draftId: null, version: null, effectiveAt: applied.effectiveAt };
    expect(await p2.waitFor((e) => e.action === 'applied')).toEqual({
      action: 'applied',
      draftId: d.id,
      version: applied.version,
      effectiveAt: applied.effectiveAt,
    });
    // the unit that loses s0, the one that gains it, a city-wide role: the hint, no draft
    expect(await unitA.waitFor((e) => e.action === 'applied')).toEqual(hint);
    expect(await unitB.waitFor((e) => e.action === 'applied')).toEqual(hint);
    expect(await cmd.waitFor((e) => e.action === 'applied')).toEqual(hint);

    // a revert is a new draft; a deleted draft is gone from the other planners' lists
    const back = await send<ZoneDraft>(s.planner, 'POST', `/api/zone-drafts/${d.id}/revert`, {});
    await p2.waitFor((e) => e.action === 'created' && e.draftId === back.id);
    await send(s.planner, 'DELETE', `/api/zone-drafts/${back.id}?version=${back.version}`, {});
    await p2.waitFor((e) => e.action === 'deleted' && e.draftId === back.id);

    // n2: C → A; C, A and the east street's supervisor get it, B does not
    const d2 = await draftWith('东片', area.n2, unit.A);
    const a2 = await send<ZoneDraft>(s.planner, 'POST', `/api/zone-drafts/${d2.id}/apply`, {
      version: d2.version,
      effectiveAt: LATER,
    });
    const second = (e: LiveZoneEvent) => e.action === 'applied' && e.effectiveAt === a2.effectiveAt;
    await unitC.waitFor(second);
    await supS.waitFor(second);
    await unitA.waitFor((e) => e.action === 'applied' && unitA.got.filter((x) => x.action === 'applied').length === 2);
    await cmd.waitFor((e) => e.action === 'applied' && cmd.got.length === 2);
    // streams that were live for both (they got the second) got nothing of what was not theirs
    expect(unitC.got).toEqual([{ ...hint, effectiveAt: a2.effectiveAt }]);
    expect(supS.got).toEqual([{ ...hint, effectiveAt: a2.effectiveAt }]);
    expect(unitB.got).toEqual([hint]);
    expect(unitA.got.every((e) => e.draftId === null && e.action === 'applied')).toBe(true);
    expect(p2.got.map((e) => e.action)).toEqual([
      'created',
      'updated',
      'applied',
      'created',
      'deleted',
      'created',
      'updated',
      'applied',
    ]);
  });
});
