import { describe, expect, it } from 'vitest';
import { KPIS, describe as describeKpi, figureOf, kpiById, rate, setsFor, type Kpi } from '../../api/domain/kpi';
import { COHORT_SQL, partSql, SET_SQL } from '../../api/repositories/figure-sets';

const k = (id: string) => kpiById(id)!;

describe('the KPI library', () => {
  it('gives the worked numbers: 911 of 972 due → 93.72 %, 737 of 972 → 75.82 %', () => {
    expect(rate(911, 972)).toBe(93.72);
    expect(rate(737, 972)).toBe(75.82);
    const counts = { n_due: 972, n_closed: 911, n_closed_on_time: 737 };
    expect(figureOf(k('rectification_rate'), counts)).toEqual({ value: 93.72, numerator: 911, denominator: 972 });
    expect(figureOf(k('on_time_rate'), counts)).toEqual({ value: 75.82, numerator: 737, denominator: 972 });
  });

  it('has no rate where nothing is due, and counts zero where nothing was found', () => {
    expect(rate(0, 0)).toBeNull();
    expect(figureOf(k('rectification_rate'), {})).toEqual({ value: null, numerator: 0, denominator: 0 });
    expect(figureOf(k('found'), {})).toEqual({ value: 0 });
    expect(figureOf(k('mean_hours_to_fix'), { mean_hours: 21.9099, n_fixed_timed: 911 })).toEqual({
      value: 21.91,
      n: 911,
    });
    expect(figureOf(k('p90_hours_to_fix'), { p90_hours: null })).toEqual({ value: null, n: 0 });
  });

  it('defines each indicator once, with a numerator, a denominator for rates, and exclusions', () => {
    const ids = KPIS.map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const x of KPIS as readonly Kpi[]) {
      expect(x.name.zh && x.name.en && x.exclusions.zh && x.exclusions.en, x.id).toBeTruthy();
      const d = describeKpi(x);
      expect(d.numerator.zh.length, x.id).toBeGreaterThan(2);
      expect(d.denominator === null, x.id).toBe(x.kind !== 'rate');
    }
    expect(k('rectification_rate')).toMatchObject({ kind: 'rate', numerator: 'closed', denominator: 'due' });
    expect(k('on_time_rate')).toMatchObject({ kind: 'rate', numerator: 'closed_on_time', denominator: 'due' });
  });

  it('leaves suspended (挂账) problems out of what is due', () => {
    expect(SET_SQL.due).toContain(`p.state <> 'suspended'`);
    expect(k('rectification_rate').exclusions.zh).toContain('挂账');
  });

  it('takes a rate’s numerator inside its denominator, so its list is a sub-list', () => {
    const r = k('rework_rate');
    expect(partSql(r, 'denominator')).toBe(SET_SQL.fixed_once);
    expect(partSql(r, 'numerator')).toBe(`(${SET_SQL.fixed_once}) AND (${SET_SQL.reworked})`);
    expect(partSql(k('overdue'), 'numerator')).toBe(SET_SQL.overdue);
    expect(partSql(k('overdue'), 'denominator')).toBeNull();
    expect(partSql(k('mean_hours_to_fix'), 'numerator')).toBe(SET_SQL.fixed_timed);
  });

  it('counts each problem set once however many indicators share it', () => {
    expect(setsFor([k('rectification_rate'), k('on_time_rate'), k('due')]).sort()).toEqual([
      'closed',
      'closed_on_time',
      'due',
    ]);
  });

  it('keeps SQL to the three documented placeholders, and the cohort drops rejected and merged reports', () => {
    for (const [id, sql] of Object.entries(SET_SQL)) {
      for (const m of sql.matchAll(/\$(\d+)/g)) expect(['3'], id).toContain(m[1]);
      expect(sql, id).not.toMatch(/;|--/);
    }
    expect(COHORT_SQL).toContain(`NOT IN ('invalid', 'duplicate')`);
  });
});
