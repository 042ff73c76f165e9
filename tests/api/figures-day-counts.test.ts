import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { backends, withMiniCity } from './harness';
import { createUser } from './accounts';
import { insertProblems, type ProblemSpec } from './problem-rows';
import { kpiById, SET_IDS, setsFor, type Kpi } from '../../api/domain/kpi';
import { SET_SQL } from '../../api/repositories/figure-sets';
import {
  DAY_COUNT_SETS,
  figuresRepository,
  figuresSql,
  readsDayCounts,
  wholeDays,
  type FigureViewer,
  type Level,
} from '../../api/repositories/figures';
import type { FiguresResult } from '../../api/schemas/figures';

// The indicators whose sets problem_day_counts keeps: the figures that read the aggregate.
const KPIS = ['found', 'suspended', 'supervised', 'accountability', 'rework_rate', 'relapse_rate', 'returned_rate'].map(
  (id) => kpiById(id)!,
) as Kpi[];
const LEVELS: Level[] = ['grid', 'community', 'street'];
const H = 3600_000;
const DAY = 24 * H;
// Thursday 10 December 2026, 10:17:05 Beijing: periods end mid-day so that both edges are partial days.
const END = new Date('2026-12-10T10:17:05.123+08:00');

/** A seeded mix over 400 days: every state, source and counter, in and outside grids. */
function spread(grids: string[], n: number, seed: number): ProblemSpec[] {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const states = ['reported', 'invalid', 'verified', 'assigned', 'suspended', 'fixed', 'closed', 'closed'] as const;
  const sources = ['inspection', 'undercover', 'patrol', 'citizen', 'camera', 'higher_level'] as const;
  const out: ProblemSpec[] = [];
  for (let i = 0; i < n; i++) {
    const state = states[Math.floor(rnd() * states.length)]!;
    const reportedAt = new Date(END.getTime() - rnd() * 400 * DAY);
    const g = Math.floor(rnd() * (grids.length + 1));
    const done = state === 'fixed' || state === 'closed';
    out.push({
      grid: g < grids.length ? grids[g]! : null,
      at: [120.02, 29.9], // outside every grid when no grid is named
      state,
      source: sources[Math.floor(rnd() * sources.length)]!,
      reportedAt,
      assignedAt: state === 'verified' && rnd() < 0.3 ? new Date(reportedAt.getTime() + H) : undefined,
      fixedAt: done ? new Date(reportedAt.getTime() + 20 * H) : null,
      closedAt: state === 'closed' ? new Date(reportedAt.getTime() + 30 * H) : null,
      closedOnTime: state === 'closed' ? rnd() < 0.7 : null,
      revisitedAt: state === 'closed' && rnd() < 0.5 ? new Date(reportedAt.getTime() + 8 * DAY) : null,
      rework: rnd() < 0.2 ? 1 : 0,
      relapse: rnd() < 0.1 ? 1 : 0,
      returned: rnd() < 0.1 ? 1 : 0,
      supervision: rnd() < 0.15 ? 1 : 0,
      accountability: rnd() < 0.05 ? 1 : 0,
    });
  }
  return out;
}

describe.each(backends())('figures from the per-day aggregate on $name', (backend) => {
  const t = withMiniCity(backend);
  const viewers: Record<string, FigureViewer> = {};
  let grids: string[] = [];

  beforeAll(async () => {
    grids = (await t.db.query<{ code: string }>(`SELECT code FROM areas WHERE level = 'grid' ORDER BY code`)).rows.map(
      (r) => r.code,
    );
    await insertProblems(t.db, spread(grids, 1500, 7));
    const unit = (
      await t.db.query<{ id: number }>(
        `INSERT INTO units (code, name, type) VALUES ('D1', '环卫所', 'county') RETURNING id`,
      )
    ).rows[0]!.id;
    const unitUser = await createUser(t.db, 'd-unit', 'unit_staff', [grids[0]!]);
    await t.db.query(`UPDATE users SET unit_id = $1 WHERE id = $2`, [unit, unitUser]);
    viewers.admin = { scope: null, role: 'admin', userId: null };
    viewers.supervisor = {
      scope: [grids[0]!.slice(0, 12)],
      role: 'supervisor',
      userId: await createUser(t.db, 'd-super', 'supervisor', [grids[0]!.slice(0, 12)]),
    };
    viewers.leader = {
      scope: [grids[1]!],
      role: 'grid_leader',
      userId: await createUser(t.db, 'd-leader', 'grid_leader', [grids[1]!]),
    };
    viewers.unit = { scope: [grids[0]!], role: 'unit_staff', userId: unitUser };
  });

  /** Every level × week/month/year (both edges partial days) × viewer: aggregate = the rows. */
  async function expectSameFigures(label: string) {
    let compared = 0;
    for (const days of [7, 30, 365, 0.3]) {
      const from = new Date(END.getTime() - days * DAY);
      for (const level of LEVELS) {
        expect(readsDayCounts(level, KPIS)).toBe(true);
        for (const [who, viewer] of Object.entries(viewers)) {
          const q = { from, to: END, asOf: END, viewer, within: null };
          const fast = await figuresRepository(t.db).aggregates(level, KPIS, q);
          const naive = (
            await t.db.query(figuresSql(level, KPIS), [from, END, END, viewer.role, viewer.scope, null, viewer.userId])
          ).rows;
          const norm = (rows: Record<string, unknown>[]) =>
            rows.map((r) =>
              Object.fromEntries(
                Object.entries(r)
                  .filter(([k]) => k !== 'k')
                  .map(([k, v]) => [k, k.startsWith('n_') ? Number(v ?? 0) : v]),
              ),
            );
          expect(norm(fast), `${label}: ${level}, ${days} days, ${who}`).toEqual(norm(naive));
          compared += fast.reduce((s, r) => s + Number(r.n_found ?? 0), 0);
        }
      }
    }
    expect(compared).toBeGreaterThan(1000); // the comparisons were over real counts, not zeros
  }

  /** The maintained table equals a rebuild from the rows (all-zero keys left by moves aside). */
  async function expectTableIsRebuild() {
    const cols = `day, grid_id, community_id, street_id, area_code, source, assigned, found, suspended, fixed_once, reworked,
      revisited, relapsed, assigned_once, returned, supervised, accountability`;
    const kept = (
      await t.db.query(`SELECT ${cols} FROM problem_day_counts WHERE found <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7`)
    ).rows;
    const rebuilt = await t.db
      .transaction(async (tx) => {
        await tx.query('SELECT problem_day_counts_rebuild()');
        const rows = (await tx.query(`SELECT ${cols} FROM problem_day_counts ORDER BY 1, 2, 3, 4, 5, 6, 7`)).rows;
        throw Object.assign(new Error('rollback'), { rows });
      })
      .catch((e: { rows?: unknown[] }) => e.rows);
    expect(kept.length).toBeGreaterThan(100);
    expect(kept).toEqual(rebuilt);
  }

  it('gives the figures of the rows for week, month, year and part of a day, at every area level and for every kind of viewer', async () => {
    await expectTableIsRebuild();
    await expectSameFigures('as loaded');
  });

  it('stays equal after transitions, re-routing, new reports and deletions (the trigger, same transaction)', async () => {
    const ids = (await t.db.query<{ id: string }>(`SELECT id FROM problems ORDER BY id`)).rows.map((r) => r.id);
    const some = (k: number) => ids.filter((_, i) => i % k === 0);
    await t.db.query(`UPDATE problems SET state = 'invalid' WHERE id = ANY($1::bigint[]) AND state = 'reported'`, [
      some(5),
    ]);
    await t.db.query(
      `UPDATE problems SET state = 'assigned', relapse_count = relapse_count + 1, cycle = cycle + 1, version = version + 1
       WHERE id = ANY($1::bigint[]) AND state = 'closed'`,
      [some(7)],
    );
    await t.db.query(
      `UPDATE problems SET assigned_at = reported_at + interval '2 hours', state = 'assigned', deadline = reported_at + interval '1 day'
       WHERE id = ANY($1::bigint[]) AND state = 'verified'`,
      [some(3)],
    );
    await t.db.query(
      `UPDATE problems SET rework_count = rework_count + 1, supervision_count = supervision_count + 1, return_count = 1
       WHERE id = ANY($1::bigint[])`,
      [some(11)],
    );
    await t.db.query(
      `UPDATE problems SET state = 'suspended', suspended_at = reported_at WHERE id = ANY($1::bigint[]) AND state = 'assigned'`,
      [some(13)],
    );
    // merged duplicates leave the cohort
    await t.db.query(
      `UPDATE problems SET state = 'duplicate', duplicate_of = $2 WHERE id = ANY($1::bigint[]) AND id <> $2 AND state = 'verified'`,
      [some(17), ids[0]],
    );
    // re-routed to another grid (an area correction) and moved to another day of its month (a
    // problem's id names the month of its report, migration 025: 3 days back, or on if that leaves it)
    const [g2] = (
      await t.db.query<{ id: number; c: number; s: number; code: string }>(
        `SELECT g.id, c.id AS c, c.parent_id AS s, g.code FROM areas g JOIN areas c ON c.id = g.parent_id WHERE g.code = $1`,
        [grids[2]],
      )
    ).rows;
    await t.db.query(
      `UPDATE problems SET grid_id = $2, community_id = $3, street_id = $4, area_code = $5,
         reported_at = CASE WHEN problem_month(reported_at - interval '3 days') = problem_month(reported_at)
                            THEN reported_at - interval '3 days' ELSE reported_at + interval '3 days' END
       WHERE id = ANY($1::bigint[])`,
      [some(19), g2!.id, g2!.c, g2!.s, g2!.code],
    );
    // updates that change no set touch nothing (and must not break anything)
    await t.db.query(
      `UPDATE problems SET version = version + 1, description = description || ' ' WHERE id = ANY($1::bigint[])`,
      [some(2)],
    );
    await t.db.query(
      `DELETE FROM problems p WHERE p.id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM problem_events e WHERE e.problem_id = p.id)
         AND NOT EXISTS (SELECT 1 FROM problems d WHERE d.duplicate_of = p.id)`,
      [some(23)],
    );
    await insertProblems(t.db, spread(grids, 300, 99));
    await expectTableIsRebuild();
    await expectSameFigures('after transitions');
  });

  it('notices a drifted aggregate: the comparison is not blind', async () => {
    const from = new Date(END.getTime() - 30 * DAY);
    const q = { from, to: END, asOf: END, viewer: viewers.admin!, within: null };
    const sums = await t.db
      .transaction(async (tx) => {
        const bumped = (
          await tx.query(
            `UPDATE problem_day_counts SET found = found + 1 WHERE street_id IS NOT NULL AND day = (
               SELECT max(day) FROM problem_day_counts WHERE found > 0 AND street_id IS NOT NULL
                 AND day < figures_day($1::timestamptz) - 1) RETURNING 1`,
            [END],
          )
        ).rows.length;
        expect(bumped).toBeGreaterThan(0);
        const fast = await figuresRepository(tx).aggregates('street', KPIS, q);
        const naive = (await tx.query(figuresSql('street', KPIS), [from, END, END, 'admin', null, null, null])).rows;
        const total = (rows: Record<string, unknown>[]) => rows.reduce((n, r) => n + Number(r.n_found ?? 0), 0);
        throw Object.assign(new Error('rollback'), { sums: [total(fast), total(naive), bumped] });
      })
      .catch((e: { sums?: number[] }) => {
        if (!e.sums) throw e;
        return e.sums;
      });
    expect(sums[0]).toBe(sums[1]! + sums[2]!);
  });

  it('serves the route: GET /api/figures reads the aggregate and answers the figures of the rows', async () => {
    const from = new Date(END.getTime() - 30 * DAY);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/figures?level=community&indicators=${KPIS.map((k) => k.id).join(',')}&from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(END.toISOString())}&asOf=${encodeURIComponent(END.toISOString())}`,
      headers: t.admin.headers,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as FiguresResult;
    const naive = (await t.db.query(figuresSql('community', KPIS), [from, END, END, 'admin', null, null, null])).rows;
    for (const r of body.rows) {
      const n = naive.find((x) => x.id === r.id)!;
      expect(r.figures.found!.value).toBe(Number(n.n_found ?? 0));
      expect(r.figures.rework_rate!.numerator).toBe(Number(n.n_reworked ?? 0));
    }
    expect(body.rows.reduce((s, r) => s + r.figures.found!.value!, 0)).toBeGreaterThan(0);
  });

  it('keeps to the figures it can: asOf-dependent sets, weights, units and the county read the rows', () => {
    expect(readsDayCounts('grid', [kpiById('on_time_rate')!])).toBe(false);
    expect(readsDayCounts('grid', [kpiById('overdue')!])).toBe(false);
    expect(readsDayCounts('grid', [kpiById('mean_hours_to_fix')!])).toBe(false);
    expect(readsDayCounts('unit', KPIS)).toBe(false);
    expect(readsDayCounts('county', KPIS)).toBe(false);
    expect(readsDayCounts('grid', KPIS, true)).toBe(false);
    // a short period of what the rows' covering index answers alone reads the rows; a long one the aggregate
    const found = [kpiById('found')!];
    expect(readsDayCounts('grid', found, false, 30)).toBe(false);
    expect(readsDayCounts('grid', found, false, 365)).toBe(true);
    expect(readsDayCounts('grid', KPIS, false, 7)).toBe(true);
    expect(setsFor(KPIS).every((s) => DAY_COUNT_SETS.includes(s))).toBe(true);
    // whole Beijing days: midnight to midnight, or none
    expect(wholeDays(new Date('2026-12-01T10:00:00+08:00'), new Date('2026-12-03T09:00:00+08:00'))).toEqual([
      new Date('2026-12-02T00:00:00+08:00'),
      new Date('2026-12-03T00:00:00+08:00'),
    ]);
    const to = new Date('2026-12-02T09:00:00+08:00');
    expect(wholeDays(new Date('2026-12-01T10:00:00+08:00'), to)).toEqual([to, to]);
  });

  it('writes each kept set exactly as the figures define it (one rule: problem_day_sets in migration 021)', () => {
    const sql = readFileSync(new URL('../../sql/migrations/021-problem-day-counts.sql', import.meta.url), 'utf8');
    const fn = sql.slice(
      sql.indexOf('CREATE FUNCTION problem_day_sets'),
      sql.indexOf('COMMENT ON FUNCTION problem_day_sets'),
    );
    expect(fn).toContain(`p.state NOT IN ('invalid', 'duplicate')`); // the cohort's state rule (COHORT_SQL)
    for (const s of DAY_COUNT_SETS) if (s !== 'found') expect(fn, s).toContain(`(${SET_SQL[s]})::int`);
    // and none of them reads the as-of instant
    for (const s of DAY_COUNT_SETS) expect(SET_SQL[s], s).not.toContain('$3');
    expect(SET_IDS.filter((s) => !DAY_COUNT_SETS.includes(s) && !SET_SQL[s].includes('$3'))).toEqual(['fixed_timed']);
  });
});
