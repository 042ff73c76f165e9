import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backends, withMiniCity } from './harness';
import { createUser, login, type Session } from './accounts';
import { insertProblems, workedExample } from './problem-rows';
import { parseCsv } from '../../api/domain/csv';
import type { FiguresResult, ProblemsBehind } from '../../api/schemas/figures';

const GRID = '330822001001001';
// Monday 2 March 2026, 00:00 Beijing; the week ends seven days later and is judged then.
const WEEK = new Date('2026-03-02T00:00:00+08:00');
const END = new Date(WEEK.getTime() + 7 * 86400_000);
const period = `from=${encodeURIComponent(WEEK.toISOString())}&to=${encodeURIComponent(END.toISOString())}&asOf=${encodeURIComponent(END.toISOString())}`;

describe.each(backends())('figures on $name', (backend) => {
  const t = withMiniCity(backend);
  const s = {} as Record<'leader' | 'unit' | 'supervisor', Session>;
  let unitId = 0;
  let gridId = 0;

  beforeAll(async () => {
    unitId = (
      await t.db.query<{ id: number }>(
        `INSERT INTO units (code, name, type) VALUES ('F1', '县城管局', 'county') RETURNING id`,
      )
    ).rows[0]!.id;
    gridId = (await t.db.query<{ id: number }>(`SELECT id FROM areas WHERE code = $1`, [GRID])).rows[0]!.id;
    await insertProblems(
      t.db,
      workedExample(GRID, WEEK, END).map((p) => ({ ...p, leadUnitId: unitId })),
    );
    // another week: an undercover problem not yet assigned, and one assigned, in the same grid
    const later = new Date(END.getTime() + 86400_000);
    await insertProblems(t.db, [
      { grid: GRID, state: 'verified', source: 'undercover', reportedAt: later },
      {
        grid: GRID,
        state: 'assigned',
        source: 'undercover',
        reportedAt: later,
        deadline: new Date(later.getTime() + 3600_000),
      },
    ]);
    await createUser(t.db, 'f-leader', 'grid_leader', ['330822001001002']);
    await createUser(t.db, 'f-unit', 'unit_staff', [GRID]);
    await createUser(t.db, 'f-super', 'supervisor', ['330822001']);
    s.leader = await login(t.app, 'f-leader');
    s.unit = await login(t.app, 'f-unit');
    s.supervisor = await login(t.app, 'f-super');
  });

  const get = (url: string, who?: Session) => t.app.inject({ method: 'GET', url, headers: (who ?? t.admin).headers });
  const figures = async (query: string, who?: Session) => {
    const res = await get(`/api/figures?${query}`, who);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as FiguresResult;
  };

  it('reproduces the worked numbers at every level: 972 due, 911 closed, 737 on time → 93.72 %, 75.82 %', async () => {
    for (const level of ['grid', 'community', 'street', 'county', 'unit']) {
      const r = await figures(`level=${level}&${period}`);
      const row = r.rows.find((x) => x.figures.due!.value! > 0)!;
      expect(row, level).toBeDefined();
      expect(row.figures.rectification_rate, level).toEqual({ value: 93.72, numerator: 911, denominator: 972 });
      expect(row.figures.on_time_rate, level).toEqual({ value: 75.82, numerator: 737, denominator: 972 });
      expect(row.figures.due!.value).toBe(972);
      expect(row.figures.closed!.value).toBe(911);
      expect(row.figures.closed_on_time!.value).toBe(737);
    }
  });

  it('keeps suspended problems out of the denominator and counts the rest of the library', async () => {
    const r = await figures(`level=grid&${period}`);
    expect(r.rows).toHaveLength(8); // every grid, zeros included (the map needs them)
    const f = r.rows.find((x) => x.code === GRID)!.figures;
    expect(f.suspended!.value).toBe(15);
    expect(f.overdue!.value).toBe(61);
    expect(f.found!.value).toBe(972 + 15 + 9 + 1); // rejected reports are not problems
    expect(f.open!.value).toBe(61 + 15 + 9 + 1);
    expect(f.supervised!.value).toBe(174 + 61);
    expect(f.accountability!.value).toBe(20);
    // 737 fixes after 20 h and 174 after 30 h
    expect(f.mean_hours_to_fix).toEqual({ value: 21.91, n: 911 });
    expect(f.p90_hours_to_fix!.value).toBe(30);
    const empty = r.rows.find((x) => x.code !== GRID)!.figures;
    expect(empty.found!.value).toBe(0);
    expect(empty.rectification_rate).toEqual({ value: null, numerator: 0, denominator: 0 });
    expect(r.indicators.find((i) => i.id === 'rectification_rate')).toMatchObject({
      numerator: { zh: expect.stringContaining('结案数') },
      denominator: { zh: expect.stringContaining('应结案数') },
    });
  });

  it('judges states at asOf: two days into the week fewer problems are due and overdue', async () => {
    const asOf = new Date(WEEK.getTime() + 2 * 86400_000);
    const r = await figures(
      `level=grid&indicators=due,closed,overdue&from=${encodeURIComponent(WEEK.toISOString())}&to=${encodeURIComponent(END.toISOString())}&asOf=${encodeURIComponent(asOf.toISOString())}`,
    );
    const f = r.rows.find((x) => x.code === GRID)!.figures;
    expect(Object.keys(f).sort()).toEqual(['closed', 'due', 'overdue']);
    expect(f.due!.value!).toBeLessThan(972);
    expect(f.closed!.value!).toBeLessThan(911);
    expect(f.due!.value!).toBeGreaterThanOrEqual(f.closed!.value! + f.overdue!.value!);
  });

  it('lists the problems behind each part of a figure, the numerator inside the denominator', async () => {
    const behind = async (indicator: string, part: string, limit = 1000, offset = 0) => {
      const res = await get(
        `/api/figures/problems?indicator=${indicator}&part=${part}&level=grid&entity=${gridId}&${period}&limit=${limit}&offset=${offset}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as ProblemsBehind;
    };
    const num = await behind('rectification_rate', 'numerator');
    const den = await behind('rectification_rate', 'denominator');
    expect([num.total, den.total]).toEqual([911, 972]);
    expect(num.problems).toHaveLength(911);
    expect(num.problems.every((p) => p.state === 'closed')).toBe(true);
    const inDen = new Set(den.problems.map((p) => p.id));
    expect(num.problems.every((p) => inDen.has(p.id))).toBe(true);
    expect(den.problems.some((p) => p.state === 'suspended')).toBe(false);
    expect((await behind('on_time_rate', 'numerator')).total).toBe(737);
    expect((await behind('suspended', 'numerator')).total).toBe(15);
    const page = await behind('due', 'numerator', 10, 965);
    expect([page.total, page.problems.length]).toEqual([972, 7]);
    expect(page.entity).toMatchObject({ id: gridId, code: GRID });
    const hours = await behind('mean_hours_to_fix', 'numerator', 5);
    expect(hours.total).toBe(911);
    expect(hours.problems.every((p) => p.hoursToFix === 20 || p.hoursToFix === 30)).toBe(true);
  });

  it('refuses what is not a figure: unknown indicator, reversed period, a count asked for its denominator', async () => {
    const unknown = await get(`/api/figures?level=grid&indicators=found,speed&${period}`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'UnknownIndicator', details: [{ field: 'indicators' }] });
    expect(unknown.json().message).toContain('speed');
    const reversed = await get(
      `/api/figures?level=grid&from=${encodeURIComponent(END.toISOString())}&to=${encodeURIComponent(WEEK.toISOString())}`,
    );
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json()).toMatchObject({ error: 'BadPeriod', details: [{ field: 'to' }] });
    const den = await get(
      `/api/figures/problems?indicator=found&part=denominator&level=grid&entity=${gridId}&${period}`,
    );
    expect(den.statusCode).toBe(400);
    expect(den.json()).toMatchObject({ error: 'NoDenominator', details: [{ field: 'part' }] });
    const level = await get(`/api/figures?level=city&${period}`);
    expect(level.statusCode).toBe(400);
  });

  it('applies scope: entities inside the scope only, never an ancestor; out of scope is an audited 404', async () => {
    const grids = await figures(`level=grid&${period}`, s.leader);
    expect(grids.rows.map((r) => r.code)).toEqual(['330822001001002']);
    expect((await figures(`level=street&${period}`, s.leader)).rows).toEqual([]);
    expect((await figures(`level=county&${period}`, s.supervisor)).rows).toEqual([]);
    expect((await figures(`level=street&${period}`, s.supervisor)).rows.map((r) => r.code)).toEqual(['330822001']);
    // unit staff see the units that contract in their scope (none here: F1 holds no assignment)
    expect((await figures(`level=unit&${period}`, s.unit)).rows).toEqual([]);
    const out = await get(`/api/figures/problems?indicator=due&level=grid&entity=${gridId}&${period}`, s.leader);
    expect(out.statusCode).toBe(404);
    const { rows } = await t.db.query<{ status: number }>(
      `SELECT status FROM audit_log WHERE username = 'f-leader' AND outcome = 'denied'`,
    );
    expect(rows.map((r) => r.status)).toEqual([404]);
  });

  it('hides undercover problems from unit staff until they are assigned, in counts too', async () => {
    const later = new Date(END.getTime() + 86400_000);
    const q = `level=grid&indicators=found&from=${encodeURIComponent(later.toISOString())}&to=${encodeURIComponent(new Date(later.getTime() + 86400_000).toISOString())}`;
    expect((await figures(q)).rows.find((r) => r.code === GRID)!.figures.found!.value).toBe(2);
    expect((await figures(q, s.unit)).rows.find((r) => r.code === GRID)!.figures.found!.value).toBe(1);
  });

  it('exports the figures to .xlsx and CSV with the period and the definitions in the header', async () => {
    const x = await get(`/api/figures/export.xlsx?level=grid&indicators=rectification_rate,on_time_rate&${period}`);
    expect(x.statusCode, x.body).toBe(200);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    const text = (r: number) =>
      (ws.getRow(r).values as unknown[]).filter((v) => v !== undefined && v !== null).map(String);
    const all = Array.from({ length: ws.rowCount }, (_, i) => text(i + 1));
    expect(all[1]![0]).toBe('统计周期');
    expect(all[1]![1]).toContain('2026-03-02');
    expect(all.some((r) => r[0] === '整改达标率' && r[1]!.includes('应结案数'))).toBe(true);
    const row = all.find((r) => r[0] === GRID)!;
    expect(row.slice(2)).toEqual(['93.72', '911', '972', '75.82', '737', '972']);

    const c = await get(`/api/figures/export.csv?level=grid&indicators=rectification_rate&${period}`);
    expect(c.statusCode).toBe(200);
    const rows = parseCsv(c.body.replace(/^\uFEFF/, ''));
    expect(rows[1]).toEqual(['统计周期', expect.stringContaining('2026-03-09')]);
    expect(rows.find((r) => r[0] === GRID)!.slice(2)).toEqual(['93.72', '911', '972']);
  });
});
