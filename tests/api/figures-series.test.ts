import { beforeAll, describe, expect, it } from 'vitest';
import { backends, withMiniCity } from './harness';
import { createUser, login, type Session } from './accounts';
import { insertProblems, workedExample } from './problem-rows';
import type { FiguresResult, FiguresSeries } from '../../api/schemas/figures';

const GRID = '330822001001001';
// Monday 2 March 2026, 00:00 Beijing; the worked example's problems are reported in its first five days
const WEEK = new Date('2026-03-02T00:00:00+08:00');
const END = new Date(WEEK.getTime() + 7 * 86400_000);
const AS_OF = encodeURIComponent(END.toISOString());
const SERIES = `/api/figures/series?from=2026-03-02&to=2026-03-08&asOf=${AS_OF}`;

describe.each(backends())('figures series on $name', (backend) => {
  const t = withMiniCity(backend);
  const s = {} as Record<'leader' | 'supervisor', Session>;

  beforeAll(async () => {
    await insertProblems(t.db, workedExample(GRID, WEEK, END));
    await createUser(t.db, 's-leader', 'grid_leader', ['330822001001002']);
    await createUser(t.db, 's-super', 'supervisor', ['330822001']);
    s.leader = await login(t.app, 's-leader');
    s.supervisor = await login(t.app, 's-super');
  });

  const get = (url: string, who?: Session, lang = 'zh') =>
    t.app.inject({ method: 'GET', url, headers: { ...(who ?? t.admin).headers, 'accept-language': lang } });
  const series = async (query: string, who?: Session) => {
    const res = await get(`${SERIES}${query}`, who);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as FiguresSeries;
  };

  it('gives every day of the week in one answer, with the worked numbers per day', async () => {
    const r = await series('');
    expect(r.days.map((d) => d.day)).toEqual([
      '2026-03-02',
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-08',
    ]);
    expect(r.area).toBeNull();
    const [mon, tue, wed, , , sat, sun] = r.days.map((d) => d.figures);
    // Monday, hours 0–23 of the example: 161 closed on time + 48 closed late, 24 overdue, 15
    // suspended, 1 not yet filed → found 249, due 161 + 48 + 24 = 233
    expect(mon!.found!.value).toBe(249);
    expect(mon!.closed!.value).toBe(209);
    expect(mon!.overdue!.value).toBe(24);
    expect(mon!.rectification_rate).toEqual({ value: 89.7, numerator: 209, denominator: 233 });
    expect(mon!.on_time_rate).toEqual({ value: 69.1, numerator: 161, denominator: 233 });
    // Tuesday: 144 on time + 48 late, 24 overdue → 192 / 216 = 88.89 %, 144 / 216 = 66.67 %
    expect(tue!.rectification_rate).toEqual({ value: 88.89, numerator: 192, denominator: 216 });
    expect(tue!.on_time_rate).toEqual({ value: 66.67, numerator: 144, denominator: 216 });
    // Wednesday: 144 + 30 closed, the last 13 overdue
    expect(wed!.closed!.value).toBe(174);
    expect(wed!.overdue!.value).toBe(13);
    // nothing on Saturday: zeros, and no rate (no denominator)
    expect(sat!.found!.value).toBe(0);
    expect(sat!.rectification_rate!.value).toBeNull();
    // Sunday night: 9 assigned, not yet due
    expect(sun!.found!.value).toBe(9);
    expect(sun!.open!.value).toBe(9);
    expect(sun!.due!.value).toBe(0);
    // the week adds up to the worked example: 972 due, 911 closed, 737 on time
    const sum = (id: string) => r.days.reduce((n, d) => n + (d.figures[id]!.value ?? 0), 0);
    expect([sum('due'), sum('closed'), sum('closed_on_time')]).toEqual([972, 911, 737]);
  });

  it('is, day by day, exactly GET /api/figures for that day (one definition)', async () => {
    const r = await series('&indicators=found,closed,overdue,rectification_rate,on_time_rate');
    for (const d of r.days) {
      const from = new Date(`${d.day}T00:00:00+08:00`);
      const to = new Date(from.getTime() + 86400_000);
      const res = await get(
        `/api/figures?level=county&indicators=found,closed,overdue,rectification_rate,on_time_rate&from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}&asOf=${AS_OF}`,
      );
      expect((res.json() as FiguresResult).rows[0]!.figures, d.day).toEqual(d.figures);
    }
  });

  it('judges states at asOf: on Tuesday noon Monday had fewer problems closed', async () => {
    const noon = encodeURIComponent(new Date(WEEK.getTime() + 36 * 3600_000).toISOString());
    const res = await get(`/api/figures/series?from=2026-03-02&to=2026-03-02&asOf=${noon}&indicators=closed`);
    const r = res.json() as FiguresSeries;
    expect(r.days).toHaveLength(1);
    // closed on time 22 h after report, late 31 h after: by 36 h those reported before 14:00 / 05:00
    expect(r.days[0]!.figures.closed!.value).toBeLessThan(209);
    expect(r.days[0]!.figures.closed!.value).toBeGreaterThan(0);
  });

  it('narrows to an area inside the scope; another area is an audited 404; scope always applies', async () => {
    const grid = await series(`&area=${GRID}&indicators=found`);
    expect(grid.area).toMatchObject({ code: GRID, level: 'grid' });
    expect(grid.days[0]!.figures.found!.value).toBe(249);
    const other = await series('&area=330822001001002&indicators=found');
    expect(other.days.every((d) => d.figures.found!.value === 0)).toBe(true);
    // the supervisor's street holds the grid; the leader's grid does not
    expect((await series(`&area=330822001&indicators=found`, s.supervisor)).days[0]!.figures.found!.value).toBe(249);
    expect((await series('&indicators=found', s.leader)).days[0]!.figures.found!.value).toBe(0);
    for (const code of ['330822001', GRID, '330822']) {
      const res = await get(`${SERIES}&area=${code}`, s.leader);
      expect(res.statusCode, code).toBe(404);
    }
    const { rows } = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_log WHERE username = 's-leader' AND outcome = 'denied'`,
    );
    expect(rows[0]!.n).toBe(3);
    // an area that does not exist: 404, not audited
    expect((await get(`${SERIES}&area=330822999`, s.leader)).statusCode).toBe(404);
    expect(
      (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE username = 's-leader'`)).rows[0]!
        .n,
    ).toBeGreaterThanOrEqual(3);
  });

  it('refuses bad periods and indicators with a 400 naming the field, in the caller’s language', async () => {
    const reversed = await get('/api/figures/series?from=2026-03-08&to=2026-03-02', undefined, 'en');
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().message).toContain('to');
    const long = await get('/api/figures/series?from=2025-01-01&to=2026-03-02');
    expect(long.statusCode).toBe(400);
    expect(long.json().message).toContain('366');
    const unknown = await get('/api/figures/series?from=2026-03-02&to=2026-03-08&indicators=nope', undefined, 'en');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('nope');
    expect((await get('/api/figures/series?from=2026-02-30&to=2026-03-08')).statusCode).toBe(400);
  });
});
