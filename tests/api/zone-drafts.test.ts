import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { controllableClock } from '../../api/domain/clock';
import type { AreaDetail } from '../../api/schemas/areas';
import type { Responsibility } from '../../api/schemas/contracting';
import type { ZoneBalance, ZoneDraft, ZoneDraftSummary } from '../../api/schemas/zones';
import { adminSession, createUser, login, type Session } from './accounts';
import { bj, contractingApi } from './contracting-fixture';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';

// The zone editor's drafts (issue 13) on the mini city: 2 × 4 grids, columns x0…x3 west to east,
// rows S and N. A leads the west street (x0, x1), B the south-east row, C the north-east row.
const NOW = new Date(bj('2026-03-04T10:00:00'));
const FROM = bj('2024-01-01T00:00:00');
const LATER = bj('2026-04-01T00:00:00');
const CODES = {
  s0: '330822001001001',
  s1: '330822001001002',
  n0: '330822001002001',
  n1: '330822001002002',
  s2: '330822002001001',
  s3: '330822002001002',
  n2: '330822002002001',
  n3: '330822002002002',
};
type Key = keyof typeof CODES;

describe.each(backends())('zone drafts on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let planner: Session;
  let planner2: Session;
  const grid = {} as Record<Key, AreaDetail>;
  const unit = {} as Record<'A' | 'B' | 'C' | 'D', number>;
  let person = 0;

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, { clock: controllableClock(NOW) });
    const admin = await adminSession(app, db);
    await loadMiniCity(app, admin);
    await createUser(db, 'z-planner', 'planner');
    await createUser(db, 'z-planner2', 'planner');
    planner = await login(app, 'z-planner');
    planner2 = await login(app, 'z-planner2');
    const api = contractingApi(app, admin);
    for (const [k, name] of [
      ['A', '县教育局'],
      ['B', '县卫生健康局'],
      ['C', '县住建局'],
      ['D', '县文旅局'],
    ] as const)
      unit[k] = (await api.unit(name)).id;
    person = (await api.person('王网格', '13900001111')).id;
    for (const k of Object.keys(CODES) as Key[]) {
      grid[k] = await api.area(CODES[k]);
      const u = k.endsWith('0') || k.endsWith('1') ? unit.A : k.startsWith('s') ? unit.B : unit.C;
      await api.assign({ areaId: grid[k].id, role: 'lead', unitId: u, validFrom: FROM });
    }
    await api.assign({ areaId: grid.s3.id, role: 'support', unitId: unit.D, validFrom: FROM });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const send = (s: Session, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: { ...s.headers, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });
  const ok = async <T>(res: Awaited<ReturnType<typeof send>>, status = 200) => {
    expect(res.statusCode, res.body).toBe(status);
    return res.json() as T;
  };
  const newDraft = async (name: string, s = planner) =>
    ok<ZoneDraft>(await send(s, 'POST', '/api/zone-drafts', { name }), 201);
  const edit = (d: { id: number; version: number }, body: object, s = planner) =>
    send(s, 'POST', `/api/zone-drafts/${d.id}/edits`, { version: d.version, ...body });
  const leadAt = async (k: Key, at: string) => {
    const [lon, lat] = grid[k].labelPoint;
    const r = await ok<Responsibility>(
      await send(planner, 'GET', `/api/responsibility?lon=${lon}&lat=${lat}&at=${at}`),
    );
    return r.leadUnit?.unitId ?? null;
  };

  it('creates, lists and edits a draft; the diff names before → after', async () => {
    const d = await newDraft('西片调整');
    expect(d).toMatchObject({ status: 'draft', version: 1, baseAt: NOW.toISOString(), changeCount: 0 });
    const list = await ok<ZoneDraftSummary[]>(await send(planner2, 'GET', '/api/zone-drafts'));
    expect(list.find((x) => x.id === d.id)?.authorName).toBe('z-planner');
    const e = await ok<ZoneDraft>(await edit(d, { areaIds: [grid.s1.id], lead: unit.B }));
    expect(e.version).toBe(2);
    expect(e.diff).toEqual([
      expect.objectContaining({
        code: CODES.s1,
        before: expect.objectContaining({ lead: { id: unit.A, name: '县教育局' } }),
        after: expect.objectContaining({ lead: { id: unit.B, name: '县卫生健康局' } }),
      }),
    ]);
  });

  it('balances: per unit before → after, index, compactness equal to the ST_Union dissolve, contiguity', async () => {
    const d = await newDraft('均衡表');
    const e = await ok<ZoneDraft>(await edit(d, { areaIds: [grid.s1.id, grid.n0.id], lead: unit.B }));
    const b = await ok<ZoneBalance>(await send(planner, 'GET', `/api/zone-drafts/${e.id}/balance`));
    const A = b.units.find((u) => u.unitId === unit.A)!;
    const B = b.units.find((u) => u.unitId === unit.B)!;
    expect([A.before.grids, A.after.grids, B.before.grids, B.after.grids]).toEqual([4, 2, 2, 4]);
    expect(A.touched && B.touched).toBe(true);
    expect(b.units.find((u) => u.unitId === unit.C)!.touched).toBe(false);
    // 4/2/2 grids of equal size → 4/4... after: A 2, B 4, C 2; the index moves
    expect(b.index.before).not.toBeCloseTo(b.index.after, 3);
    // B after = s1, s2, s3 (one strip) + n0 (touches s1 at a corner only): two parts
    expect(B.after.parts).toBe(2);
    expect(B.before.parts).toBe(1);
    // A before = the west street (a 2×2 block): compactness from shared boundaries = the dissolve's
    const ids = [grid.s0.id, grid.s1.id, grid.n0.id, grid.n1.id];
    const { rows } = await db.query<{ pp: number }>(
      `SELECT 4 * pi() * ST_Area(u::geography) / ST_Perimeter(u::geography) ^ 2 AS pp
       FROM (SELECT ST_Union(geom) AS u FROM areas WHERE id = ANY($1::int[])) s`,
      [ids],
    );
    expect(A.before.compactness!).toBeCloseTo(rows[0]!.pp, 6);
    expect(A.before.areaKm2).toBeGreaterThan(0);
  });

  it('refuses bad input with 4xx naming the field, writing nothing', async () => {
    const d = await newDraft('错误输入');
    const unknownUnit = await edit(d, { areaIds: [grid.s0.id], lead: 999_999 });
    expect(unknownUnit.statusCode).toBe(422);
    expect(unknownUnit.json().details[0]).toMatchObject({ field: 'changes[0].lead' });
    const noGrid = await edit(d, { areaIds: [999_999], lead: unit.B });
    expect(noGrid.statusCode).toBe(422);
    expect(noGrid.json().details[0].field).toBe('changes[0].areaId');
    expect(noGrid.json().message).toMatch(/does not exist/);
    const empty = await edit(d, { areaIds: [], lead: unit.B });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toMatch(/areaIds/);
    const nothing = await edit(d, { areaIds: [grid.s0.id] });
    expect(nothing.statusCode).toBe(422);
    const locked = await ok<ZoneDraft>(
      await send(planner, 'PUT', `/api/zone-drafts/${d.id}`, {
        version: 1,
        locks: { grids: [grid.s0.id], units: [unit.C] },
      }),
    );
    const lockedGrid = await edit(locked, { areaIds: [grid.s0.id], lead: unit.B });
    expect(lockedGrid.statusCode).toBe(422);
    expect(lockedGrid.json().message).toMatch(/locked/);
    const lockedUnit = await edit(locked, { areaIds: [grid.n2.id], lead: unit.B });
    expect(lockedUnit.statusCode).toBe(422);
    expect(lockedUnit.json().details[0].field).toBe('changes[0].lead');
    const stale = await edit(d, { areaIds: [grid.s1.id], lead: unit.B }); // version 1, it is 2 now
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toBe('StaleVersion');
    const after = await ok<ZoneDraft>(await send(planner, 'GET', `/api/zone-drafts/${d.id}`));
    expect(after.changes).toEqual([]);
    expect(after.version).toBe(2);
  });

  it('applies at a future date in one transaction, refuses it again, and reverts by a new draft', async () => {
    const d = await newDraft('交给B');
    const e = await ok<ZoneDraft>(
      await edit(d, { areaIds: [grid.s1.id], lead: unit.D, supportAdd: [unit.C], leader: person }),
    );
    const applied = await ok<ZoneDraft>(
      await send(planner, 'POST', `/api/zone-drafts/${e.id}/apply`, { version: e.version, effectiveAt: LATER }),
    );
    expect(applied).toMatchObject({ status: 'applied', effectiveAt: LATER, appliedByName: 'z-planner' });
    expect(await leadAt('s1', NOW.toISOString())).toBe(unit.A);
    expect(await leadAt('s1', LATER)).toBe(unit.D);
    const again = await send(planner, 'POST', `/api/zone-drafts/${e.id}/apply`, { version: applied.version });
    expect(again.statusCode).toBe(409);
    const past = await newDraft('过去');
    const pe = await ok<ZoneDraft>(await edit(past, { areaIds: [grid.n1.id], lead: unit.B }));
    const pastApply = await send(planner, 'POST', `/api/zone-drafts/${pe.id}/apply`, {
      version: pe.version,
      effectiveAt: bj('2025-01-01T00:00:00'),
    });
    expect(pastApply.statusCode).toBe(422);
    expect(pastApply.json().details[0].field).toBe('effectiveAt');

    const revert = await ok<ZoneDraft>(await send(planner, 'POST', `/api/zone-drafts/${e.id}/revert`), 201);
    expect(revert).toMatchObject({ revertsId: e.id, status: 'draft', baseAt: LATER });
    expect(revert.changes).toEqual([{ areaId: grid.s1.id, lead: unit.A, supportRemove: [unit.C], leader: null }]);
    const back = bj('2026-05-01T00:00:00');
    await ok<ZoneDraft>(
      await send(planner, 'POST', `/api/zone-drafts/${revert.id}/apply`, {
        version: revert.version,
        effectiveAt: back,
      }),
    );
    expect(await leadAt('s1', LATER)).toBe(unit.D);
    expect(await leadAt('s1', back)).toBe(unit.A);
  });

  it('refuses with 409 naming the grids that changed since the base time', async () => {
    const d = await newDraft('旧方案');
    const e = await ok<ZoneDraft>(await edit(d, { areaIds: [grid.n1.id, grid.n0.id], lead: unit.C }));
    const other = await newDraft('抢先方案');
    const o = await ok<ZoneDraft>(await edit(other, { areaIds: [grid.n1.id], lead: unit.B }));
    await ok(
      await send(planner2, 'POST', `/api/zone-drafts/${o.id}/apply`, { version: o.version, effectiveAt: LATER }),
    );
    const res = await send(planner, 'POST', `/api/zone-drafts/${e.id}/apply`, {
      version: e.version,
      effectiveAt: LATER,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toBe('ZonesChanged');
    expect(res.json().details.map((x: { feature: string }) => x.feature)).toEqual([CODES.n1]);
    expect(await leadAt('n0', LATER)).toBe(unit.A); // nothing of the refused draft was written
  });

  it('of two planners applying overlapping drafts at once, exactly one wins', async () => {
    const a = await ok<ZoneDraft>(
      await edit(await newDraft('甲'), { areaIds: [grid.s2.id, grid.n2.id], lead: unit.A }),
    );
    const b = await ok<ZoneDraft>(
      await edit(await newDraft('乙', planner2), { areaIds: [grid.n2.id, grid.n3.id], lead: unit.D }, planner2),
    );
    const at = bj('2026-06-01T00:00:00');
    const [ra, rb] = await Promise.all([
      send(planner, 'POST', `/api/zone-drafts/${a.id}/apply`, { version: a.version, effectiveAt: at }),
      send(planner2, 'POST', `/api/zone-drafts/${b.id}/apply`, { version: b.version, effectiveAt: at }),
    ]);
    expect([ra.statusCode, rb.statusCode].sort()).toEqual([200, 409]);
    const winner = ra.statusCode === 200 ? unit.A : unit.D;
    expect(await leadAt('n2', at)).toBe(winner);
    // the loser wrote nothing: its other grid is unchanged
    if (winner === unit.A) expect(await leadAt('n3', at)).toBe(unit.C);
    else expect(await leadAt('s2', at)).toBe(unit.B);
  });

  it('exports the plan as .xlsx and deletes unapplied drafts only', async () => {
    const d = await ok<ZoneDraft>(await edit(await newDraft('导出'), { areaIds: [grid.n1.id], lead: unit.C }));
    const res = await send(planner, 'GET', `/api/zone-drafts/${d.id}/export.xlsx`);
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['调整清单', '均衡表']);
    expect(JSON.stringify(wb.worksheets[0]!.getSheetValues())).toContain(CODES.n1);
    const del = await send(planner, 'DELETE', `/api/zone-drafts/${d.id}?version=${d.version}`);
    expect(del.statusCode).toBe(204);
    expect((await send(planner, 'GET', `/api/zone-drafts/${d.id}`)).statusCode).toBe(404);
  });

  it('auto-balances in a worker into a new draft, streaming progress, keeping locks', async () => {
    const d = await newDraft('自动');
    const locked = await ok<ZoneDraft>(
      await send(planner, 'PUT', `/api/zone-drafts/${d.id}`, {
        version: d.version,
        locks: { grids: [grid.n2.id], units: [] },
        weights: { grids: 1 },
      }),
    );
    const before = await ok<ZoneBalance>(await send(planner, 'GET', `/api/zone-drafts/${locked.id}/balance`));
    const res = await send(planner, 'POST', `/api/zone-drafts/${locked.id}/auto-balance`, { seed: 3 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/ndjson/);
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; draft?: ZoneDraft });
    expect(lines.some((l) => l.type === 'progress')).toBe(true);
    const done = lines.at(-1)!;
    expect(done.type, res.body).toBe('done');
    const nd = done.draft!;
    expect(nd.id).not.toBe(locked.id);
    expect(nd.locks.grids).toEqual([grid.n2.id]);
    expect(nd.changes.some((c) => c.areaId === grid.n2.id)).toBe(false);
    const after = await ok<ZoneBalance>(await send(planner, 'GET', `/api/zone-drafts/${nd.id}/balance`));
    expect(after.index.after).toBeGreaterThanOrEqual(before.index.after);
    for (const u of after.units) if (u.after.grids) expect(u.after.parts, u.name).toBe(1);
    const bad = await send(planner, 'POST', `/api/zone-drafts/${locked.id}/auto-balance`, {
      unitIds: [unit.A, 999_999],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().details[0].field).toBe('unitIds[1]');
  });

  it('refuses to apply a draft whose grid was deleted after it was drafted, writing nothing', async () => {
    // the grid is deleted with its assignments (a boundary re-import) while the draft waits
    const spare = grid.n3;
    const d = await ok<ZoneDraft>(await edit(await newDraft('删除的网格'), { areaIds: [spare.id], lead: unit.B }));
    await db.query('DELETE FROM assignments WHERE area_id = $1', [spare.id]);
    await db.query('DELETE FROM areas WHERE id = $1', [spare.id]);
    const res = await send(planner, 'POST', `/api/zone-drafts/${d.id}/apply`, { version: d.version });
    expect(res.statusCode).toBe(422);
    expect(res.json().details[0]).toMatchObject({ field: 'changes[0].areaId' });
    expect(res.json().message).toMatch(/does not exist \(deleted\?\)/);
    const still = await ok<ZoneDraft>(await send(planner, 'GET', `/api/zone-drafts/${d.id}`));
    expect(still).toMatchObject({ status: 'draft', version: d.version, diff: [] });
  });
});
