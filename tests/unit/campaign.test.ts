import { describe, expect, it } from 'vitest';
import { dueInstant, gapOf, meets, statusOf, targetsAt, type Target } from '../../api/domain/campaign';

// seed 002: 整改达标率 ≥ 90 % by the end of May, ≥ 95 % June, ≥ 98 % July, ≈ 100 % August
const t = (dueOn: string, target: number, comparison: Target['comparison'] = 'at_least', tolerance = 0): Target => ({
  indicator: 'rectification_rate',
  dueOn,
  target,
  comparison,
  tolerance,
  label: null,
});
const TARGETS = [
  t('2026-07-31', 98),
  t('2026-05-31', 90),
  t('2026-08-31', 100, 'approximately', 0.5),
  t('2026-06-30', 95),
];
const bj = (s: string) => new Date(`${s}+08:00`);

describe('campaign targets', () => {
  it('falls due at the end of the Beijing day', () => {
    expect(dueInstant('2026-05-31').toISOString()).toBe('2026-05-31T16:00:00.000Z');
  });

  it('holds nothing in force before the first date, then the last date passed', () => {
    expect(targetsAt(TARGETS, 'rectification_rate', bj('2026-05-31T23:59:59'))).toEqual({
      current: null,
      next: TARGETS[1],
    });
    expect(targetsAt(TARGETS, 'rectification_rate', bj('2026-06-01T00:00:00'))).toEqual({
      current: TARGETS[1],
      next: TARGETS[3],
    });
    expect(targetsAt(TARGETS, 'rectification_rate', bj('2026-09-10T00:00:00'))).toEqual({
      current: TARGETS[2],
      next: null,
    });
    expect(targetsAt(TARGETS, 'on_time_rate', bj('2026-06-10T00:00:00'))).toEqual({ current: null, next: null });
  });

  it('says who is behind the target in force and who is not yet on course for the next', () => {
    const { current, next } = targetsAt(TARGETS, 'rectification_rate', bj('2026-06-10T00:00:00'));
    expect(statusOf(89.99, current, next)).toBe('behind');
    expect(gapOf(89.5, current, next)).toBe(0.5);
    expect(statusOf(92, current, next)).toBe('at_risk');
    expect(gapOf(92, current, next)).toBe(3);
    expect(statusOf(95, current, next)).toBe('on_track');
    expect(gapOf(95, current, next)).toBe(0);
    expect(statusOf(null, current, next)).toBe('no_data');
  });

  it('reads "接近100%" as within its tolerance', () => {
    expect(meets(TARGETS[2]!, 99.5)).toBe(true);
    expect(meets(TARGETS[2]!, 99.49)).toBe(false);
  });
});
