import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backends, withMiniCity } from './harness';
import { createUser, login, type Session } from './accounts';
import { insertProblems, type ProblemSpec } from './problem-rows';
import { parseCsv } from '../../api/domain/csv';
import type { CampaignProgress, RankingResult } from '../../api/schemas/figures';

const H = 3600_000;
const W1 = '2026-03-02',
  W2 = '2026-03-09';
const monday = (d: string) => new Date(`${d}T00:00:00+08:00`);
const GRID1 = '330822001001001',
  GRID2 = '330822002002002';

/** n problems of one kind reported in the week of `week`, all due by its end. */
function batch(
  week: string,
  unit: number,
  kind: 'onTime' | 'late' | 'overdue',
  n: number,
  extra: Partial<ProblemSpec> = {},
  grid = GRID1,
): ProblemSpec[] {
  return Array.from({ length: n }, (_, k) => {
    const r = new Date(monday(week).getTime() + (k + 1) * H);
    const base = { grid, reportedAt: r, deadline: new Date(r.getTime() + 24 * H), leadUnitId: unit, ...extra };
    if (kind === 'overdue') return { ...base, state: 'assigned' as const };
    return {
      ...base,
      state: 'closed' as const,
      fixedAt: new Date(r.getTime() + (kind === 'onTime' ? 20 : 30) * H),
      closedAt: new Date(r.getTime() + 32 * H),
      closedOnTime: kind === 'onTime',
    };
  });
}

describe.each(backends())('rankings and campaigns on $name', (backend) => {
  const t = withMiniCity(backend);
  const u = {} as Record<'A' | 'B' | 'C' | 'D' | 'E', number>;
  let staff: Session;

  beforeAll(async () => {
    for (const k of ['A', 'B', 'C', 'D', 'E'] as const) {
      u[k] = (
        await t.db.query<{ id: number }>(
          `INSERT INTO units (code, name, type) VALUES ($1, $2, 'county') RETURNING id`,
          [`R${k}`, `单位${k}`],
        )
      ).rows[0]!.id;
    }
    await insertProblems(t.db, [
      // week 1 (scheme v1; no rework anywhere, so +10 each): A 100, B 84, C 29 (last), D too few, E none
      ...batch(W1, u.A, 'onTime', 10),
      ...batch(W1, u.B, 'onTime', 6),
      ...batch(W1, u.B, 'late', 2),
      ...batch(W1, u.B, 'overdue', 2),
      ...batch(W1, u.C, 'onTime', 3),
      ...batch(W1, u.C, 'overdue', 7, { accountability: 1 }),
      ...batch(W1, u.D, 'onTime', 2),
      // week 2: B 100, A 78, E (暗访 counts double) 43.33, C 29 again (last two weeks running)
      ...batch(W2, u.A, 'onTime', 6),
      ...batch(W2, u.A, 'overdue', 4),
      ...batch(W2, u.B, 'onTime', 10),
      ...batch(W2, u.C, 'onTime', 3),
      ...batch(W2, u.C, 'overdue', 7, { accountability: 1 }),
      ...batch(W2, u.D, 'onTime', 2),
      ...batch(W2, u.E, 'onTime', 5),
      ...batch(W2, u.E, 'overdue', 5, { source: 'undercover', assignedAt: monday(W2) }),
    ]);
    const grid2 = (await t.db.query<{ id: number }>(`SELECT id FROM areas WHERE code = $1`, [GRID2])).rows[0]!.id;
    await t.db.query(
      `INSERT INTO assignments (area_id, area_level, role, unit_id, valid_from) VALUES ($1, 'grid', 'lead', $2, '2026-01-01')`,
      [grid2, u.B],
    );
    await createUser(t.db, 'r-unit', 'unit_staff', [GRID2]); // the grid unit B contracts
    staff = await login(t.app, 'r-unit');
  });

  const get = (url: string, who?: Session) =>
    t.app.inject({ method: 'GET', url, headers: { ...(who ?? t.admin).headers, 'accept-language': 'zh-CN' } });
  const ranking = async (week: string, who?: Session) => {
    const res = await get(`/api/rankings?kind=unit&week=${week}`, who);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as RankingResult;
  };

  it('ranks units by the weighted score, with min problems, 红黑榜 and the breakdown', async () => {
    const r = await ranking('2026-03-04'); // any day of the week
    expect([r.weekStart, r.provisional, r.scheme.code, r.scheme.version]).toEqual([W1, false, 'weekly', 1]);
    expect(r.entries.map((e) => [e.name, e.rank, e.score])).toEqual([
      ['单位A', 1, 100],
      ['单位B', 2, 84],
      ['单位C', 3, 29],
      ['单位D', null, null],
      ['单位E', null, null],
    ]);
    expect(r.entries.map((e) => e.list)).toEqual(['red', null, 'black', null, null]);
    const b = r.entries[1]!.breakdown;
    expect(b.find((x) => x.indicator === 'on_time_rate')).toMatchObject({
      value: 60,
      numerator: 6,
      denominator: 10,
      earned: 40,
      note: expect.stringContaining('低于 70%'),
    });
    expect(r.entries[3]).toMatchObject({ ranked: false, problems: 2, reason: expect.stringContaining('少于 5') });
  });

  it('gives the rank change vs last week and names who is last two weeks running; 暗访 counts double', async () => {
    const r = await ranking(W2);
    expect(r.entries.map((e) => [e.name, e.rank, e.previousRank, e.rankChange])).toEqual([
      ['单位B', 1, 2, 1],
      ['单位A', 2, 1, -1],
      ['单位E', 3, null, null],
      ['单位C', 4, 3, -1],
      ['单位D', null, null, null],
    ]);
    const c = r.entries.find((e) => e.name === '单位C')!;
    expect([c.lastPlace, c.lastPlaceRun, c.namedPublicly]).toEqual([true, 2, true]);
    const e = r.entries.find((x) => x.name === '单位E')!;
    expect(e.problems).toBe(10); // the minimum counts problems, not weights
    expect(e.breakdown.find((x) => x.indicator === 'on_time_rate')).toMatchObject({
      numerator: 5,
      denominator: 15,
      value: 33.33,
    });
    expect(e.score).toBe(43.33); // 13.33 + 10 + 10 + 10
  });

  it('keeps a published week: later changes to its problems do not move it', async () => {
    const first = await ranking(W2);
    await insertProblems(t.db, batch(W2, u.C, 'onTime', 30));
    const again = await ranking(W2);
    expect(again.publishedAt).toBe(first.publishedAt);
    expect(again.entries).toEqual(first.entries);
  });

  it('shows scoped callers their own units only, with the city-wide rank', async () => {
    const r = await ranking(W2, staff);
    expect(r.entries.map((e) => [e.name, e.rank])).toEqual([['单位B', 1]]);
  });

  it('exports the ranking with the period and the definitions in the header', async () => {
    const c = await get(`/api/rankings/export.csv?kind=unit&week=${W2}`);
    expect(c.statusCode, c.body).toBe(200);
    const rows = parseCsv(c.body.replace(/^\uFEFF/, ''));
    expect(rows[1]).toEqual(['统计周期', expect.stringContaining('2026-03-09')]);
    expect(rows.some((r) => r[0] === '按期结案率' && String(r[1]).includes('应结案数'))).toBe(true);
    const c4 = rows.find((r) => r[2] === '单位C')!;
    expect(c4.slice(0, 9)).toEqual(['4', 'RC', '单位C', '29', '3', '↓1', '黑榜', '2', '是']);
    const x = await get(`/api/rankings/export.xlsx?kind=unit&week=${W2}`);
    expect(x.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.rawPayload as unknown as ExcelJS.Buffer);
    expect(String(wb.worksheets[0]!.getCell(1, 1).value)).toContain('周排名');
  });

  it('refuses a week that has not started and a date that is not one', async () => {
    expect((await get('/api/rankings?kind=unit&week=2099-01-05')).json()).toMatchObject({
      error: 'BadWeek',
      details: [{ field: 'week' }],
    });
    expect((await get('/api/rankings?kind=unit&week=2026-02-30')).statusCode).toBe(400);
    expect((await get('/api/rankings?kind=grid')).statusCode).toBe(400);
    expect((await get('/api/rankings?kind=unit&scheme=nope')).statusCode).toBe(404);
  });

  it('tracks campaign progress against the target in force and lists who is behind', async () => {
    const june = '2026-06-08';
    await insertProblems(t.db, [
      ...batch(june, u.A, 'onTime', 23),
      ...batch(june, u.A, 'overdue', 2), // street 1: 92 %
      ...batch(june, u.B, 'onTime', 8, {}, GRID2),
      ...batch(june, u.B, 'overdue', 2, {}, GRID2), // street 2: 80 %
    ]);
    const res = await get('/api/campaigns/1/progress?kind=street&at=2026-06-20T12:00:00%2B08:00');
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json() as CampaignProgress;
    expect([p.indicator, p.current?.target, p.current?.dueOn, p.next?.target]).toEqual([
      'rectification_rate',
      90,
      '2026-05-31',
      95,
    ]);
    expect(p.rows.map((r) => [r.code, r.value, r.status, r.gap])).toEqual([
      ['330822001', 92, 'at_risk', 3],
      ['330822002', 80, 'behind', 10],
    ]);
    expect(p.behind).toEqual([p.rows[1]!.id]);
    expect(p.overall).toMatchObject({ numerator: 31, denominator: 35, value: 88.57, status: 'behind' });
    expect((await get('/api/campaigns/1/progress?kind=street&at=2026-04-01T00:00:00%2B08:00')).statusCode).toBe(400);
    expect((await get('/api/campaigns/99/progress?kind=street')).statusCode).toBe(404);
  });

  it('versions ranking rules: a new version for admins, refused rules name the field', async () => {
    const rules = {
      minProblems: { indicator: 'due', count: 1 },
      sourceWeights: { undercover: 3 },
      items: [{ indicator: 'on_time_rate', kind: 'linear', points: 100 }],
      lists: { red: 1, black: 1 },
      lastPlaceWeeks: 2,
    };
    const post = (body: object) =>
      t.app.inject({ method: 'POST', url: '/api/ranking-schemes', headers: t.admin.headers, payload: body });
    const bad = await post({
      code: 'weekly',
      nameZh: '新',
      nameEn: 'new',
      rules: { ...rules, items: [{ indicator: 'found', kind: 'linear', points: 1 }] },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ error: 'BadRankingRules', details: [{ field: 'rules/items/0/indicator' }] });
    const ok = await post({ code: 'weekly', nameZh: '新方案', nameEn: 'new scheme', rules });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ code: 'weekly', version: 2 });
    const r = await ranking(W2);
    expect(r.scheme.version).toBe(2);
    expect(r.entries.find((e) => e.name === '单位D')!.ranked).toBe(true);
  });
});
