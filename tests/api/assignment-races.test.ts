import { beforeAll, describe, expect, it } from 'vitest';
import type { Assignment } from '../../api/schemas/contracting';
import { backends, withMiniCity } from './harness';
import { bj, contractingApi } from './contracting-fixture';

// ISSUES #10 finding 10: reassign, close and reassign fired at once on one lead assignment could
// all succeed (the later ones, dated earlier, shortened the period again), leaving the grid
// without a lead unit between two ends. On PGlite the three requests are serialized by its one
// connection; on native PostGIS (TEST_DATABASE_URL) they run on three pool connections and meet
// at the row lock. Either way exactly one may win, whichever it is.
const START = bj('2025-01-01T00:00:00');
const T1 = bj('2025-09-01T10:00:00');
const T2 = bj('2025-09-01T09:00:00');
const T3 = bj('2025-09-01T08:00:00');
const GRIDS = [
  '330822001001001',
  '330822001001002',
  '330822001002001',
  '330822001002002',
  '330822002001001',
  '330822002001002',
];
const ms = (iso: string) => Date.parse(iso);

type Step = { kind: 'reassign'; at: string; unit: 'B' | 'C' } | { kind: 'close'; at: string };
const STEPS: Step[] = [
  { kind: 'reassign', at: T1, unit: 'B' },
  { kind: 'close', at: T2 },
  { kind: 'reassign', at: T3, unit: 'C' },
];

describe.each(backends())('concurrent steps on one assignment on $name', (backend) => {
  const t = withMiniCity(backend);
  let api: ReturnType<typeof contractingApi>;
  const unit = {} as Record<'A' | 'B' | 'C', number>;

  beforeAll(async () => {
    api = contractingApi(t.app, t.admin);
    for (const [k, name] of [
      ['A', '县教育局'],
      ['B', '县卫生健康局'],
      ['C', '县住建局'],
    ] as const)
      unit[k] = (await api.unit(name)).id;
  });

  const stepRequest = (id: number, s: Step) =>
    s.kind === 'close'
      ? api.send('POST', `/api/assignments/${id}/close`, { at: s.at })
      : api.send('POST', `/api/assignments/${id}/reassign`, { at: s.at, unitId: unit[s.unit] });

  /** Lead units in force at an instant, from the grid's history (half-open periods). */
  const leadsAt = (rows: Assignment[], at: number) =>
    rows.filter((r) => ms(r.validFrom) <= at && (r.validTo === null || at < ms(r.validTo))).length;

  it('lets exactly one of reassign, close and reassign win; the grid keeps one lead unit at every instant', async () => {
    for (const [trial, code] of GRIDS.entries()) {
      const grid = await api.area(code);
      const lead = await api.assign({ areaId: grid.id, role: 'lead', unitId: unit.A, validFrom: START });
      // each trial sends them in another order, so that on PGlite each kind is first (and wins) in turn
      const order = STEPS.map((_, i) => STEPS[(i + trial) % STEPS.length]!);
      const results = await Promise.all(order.map((s) => stepRequest(lead.id, s)));
      const statuses = results.map((r) => r.statusCode);
      expect(
        statuses.filter((s) => s === 200),
        `trial ${trial}: ${statuses.join(', ')}`,
      ).toHaveLength(1);
      for (const r of results.filter((x) => x.statusCode !== 200)) {
        expect(r.statusCode, r.body).toBe(409);
        expect(r.json()).toMatchObject({ error: 'AlreadyEnded', details: [{ field: 'at' }] });
        expect(r.json().message).toMatch(new RegExp(`分配 #${lead.id} 已于 .* 结束`));
      }
      const winner = order[statuses.indexOf(200)]!;
      const history = (await api.send('GET', `/api/grids/${grid.id}/assignments`)).json() as Assignment[];
      const leads = history.filter((h) => h.role === 'lead').sort((a, b) => ms(a.validFrom) - ms(b.validFrom));
      const end = ms(winner.at);
      expect(leads[0]).toMatchObject({ id: lead.id, unitId: unit.A, validFrom: START, validTo: winner.at });
      if (winner.kind === 'reassign') {
        // the old period hands over to the new holder at the same instant, open-ended: no gap
        expect(leads).toHaveLength(2);
        expect(leads[1]).toMatchObject({ unitId: unit[winner.unit], validFrom: winner.at, validTo: null });
      } else {
        expect(leads).toHaveLength(1);
      }
      // every boundary any of the three steps named, and a second either side of it
      for (const at of [START, T3, T2, T1].map(ms).flatMap((x) => [x - 1000, x, x + 1000])) {
        if (at < ms(START)) continue;
        const expected = winner.kind === 'close' && at >= end ? 0 : 1;
        expect(
          leadsAt(leads, at),
          `trial ${trial} (${winner.kind} at ${winner.at}) at ${new Date(at).toISOString()}`,
        ).toBe(expected);
      }
    }
  });

  it('refuses to end an ended assignment again, even at an earlier instant, in either language', async () => {
    const grid = await api.area('330822002002001');
    const lead = await api.assign({ areaId: grid.id, role: 'lead', unitId: unit.A, validFrom: START });
    await api.reassign(lead.id, T1, { unitId: unit.B });
    const close = await t.app.inject({
      method: 'POST',
      url: `/api/assignments/${lead.id}/close`,
      headers: { ...t.admin.headers, 'accept-language': 'en' },
      payload: { at: T2 },
    });
    expect(close.statusCode, close.body).toBe(409);
    expect(close.json().message).toMatch(
      new RegExp(`assignment #${lead.id} already ended at ${new Date(T1).toISOString()}`),
    );
    const again = await stepRequest(lead.id, { kind: 'reassign', at: T3, unit: 'C' });
    expect(again.statusCode, again.body).toBe(409);
    const leads = ((await api.send('GET', `/api/grids/${grid.id}/assignments`)).json() as Assignment[]).filter(
      (h) => h.role === 'lead',
    );
    expect(leads.map((l) => [l.unitId, l.validFrom, l.validTo]).sort()).toEqual(
      [
        [unit.A, START, T1],
        [unit.B, T1, null],
      ].sort(),
    );
  });

  it('still brings a planned end forward once', async () => {
    const grid = await api.area('330822002002002');
    const planned = await api.assign({ areaId: grid.id, role: 'lead', unitId: unit.A, validFrom: START, validTo: T1 });
    const late = await api.send('POST', `/api/assignments/${planned.id}/close`, { at: bj('2025-10-01T00:00:00') });
    expect(late.statusCode, late.body).toBe(422);
    const closed = await api.send('POST', `/api/assignments/${planned.id}/close`, { at: T2 });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ validTo: T2 });
    expect((await api.send('POST', `/api/assignments/${planned.id}/close`, { at: T3 })).statusCode).toBe(409);
  });
});
