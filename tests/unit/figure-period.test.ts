import { describe, expect, it } from 'vitest';
import { addDays, mondayOf, periodDays, periodRange } from '../../web/src/features/figures/period';

describe('figure periods (Beijing days)', () => {
  it('start weeks on Monday', () => {
    expect(mondayOf('2026-11-25')).toBe('2026-11-23'); // Wednesday
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
    expect(mondayOf('2026-11-29')).toBe('2026-11-23'); // Sunday
    expect(mondayOf('2027-01-02')).toBe('2026-12-28'); // across the year
  });

  it('cover this week, this month and the last 90 days up to today, today included', () => {
    const today = '2026-11-25';
    expect(periodDays({ kind: 'week', first: '', last: '' }, today)).toEqual({ first: '2026-11-23', last: today });
    expect(periodDays({ kind: 'month', first: '', last: '' }, today)).toEqual({ first: '2026-11-01', last: today });
    expect(periodDays({ kind: '90d', first: '', last: '' }, today)).toEqual({ first: '2026-08-28', last: today });
    expect(addDays('2026-08-28', 89)).toBe(today);
  });

  it('give the API half-open instants in Beijing time: the last day is counted to its end', () => {
    expect(periodRange({ kind: 'week', first: '', last: '' }, '2026-11-25')).toEqual({
      from: '2026-11-23T00:00:00+08:00',
      to: '2026-11-26T00:00:00+08:00',
    });
    expect(periodRange({ kind: 'custom', first: '2026-02-01', last: '2026-02-28' }, '2026-11-25')).toEqual({
      from: '2026-02-01T00:00:00+08:00',
      to: '2026-03-01T00:00:00+08:00',
    });
  });

  it('never make an empty custom period: a last day before the first, or no day, is the first day', () => {
    expect(periodDays({ kind: 'custom', first: '2026-05-10', last: '2026-05-01' }, '2026-11-25')).toEqual({
      first: '2026-05-10',
      last: '2026-05-10',
    });
    expect(periodDays({ kind: 'custom', first: 'x', last: '' }, '2026-11-25')).toEqual({
      first: '2026-11-25',
      last: '2026-11-25',
    });
  });
});
