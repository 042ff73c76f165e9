import { describe, expect, it } from 'vitest';
import { delayAfter, notBefore, FORGET_AFTER_MS, MAX_DELAY_MS } from '../../api/auth/login-throttle';
import { auditBudget, auditTarget } from '../../api/auth/audit-budget';

const T0 = new Date('2026-12-05T13:30:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('login throttle policy', () => {
  it('lets five failures pass, then doubles the wait from 1 s up to 15 minutes', () => {
    expect([0, 4, 5, 6, 7, 14, 15, 40, 1e6].map(delayAfter)).toEqual([
      0,
      0,
      1_000,
      2_000,
      4_000,
      512_000,
      MAX_DELAY_MS,
      MAX_DELAY_MS,
      MAX_DELAY_MS,
    ]);
  });

  it('waits from the last failure of this address and forgets it after an hour', () => {
    const pair = { failures: 7, lastFailureAt: T0 };
    expect(notBefore(at(1_000), pair, null)).toEqual(at(4_000));
    expect(notBefore(at(4_000), pair, null)).toBeNull();
    expect(notBefore(at(0), null, { failures: 500, lastFailureAt: T0 })).toBeNull(); // a clean address
    const big = { failures: 40, lastFailureAt: T0 };
    expect(notBefore(at(FORGET_AFTER_MS), big, null)).toBeNull();
  });

  it('past the whole-name ceiling holds an address that failed until its own count is forgotten', () => {
    const pair = { failures: 1, lastFailureAt: T0 };
    expect(notBefore(at(10), pair, { failures: 99, lastFailureAt: T0 })).toBeNull();
    expect(notBefore(at(10), pair, { failures: 100, lastFailureAt: T0 })).toEqual(at(FORGET_AFTER_MS));
  });
});

describe('audit budget for anonymous refusals', () => {
  it('writes perWindow rows per address per window and reports the rest with the next one', () => {
    const b = auditBudget({ perWindow: 2, windowMs: 60_000, maxAddresses: 10 });
    const took = [0, 1, 2, 3].map((i) => b.take('a', i).write);
    expect(took).toEqual([true, true, false, false]);
    expect(b.take('b', 5)).toEqual({ write: true, suppressed: 0 });
    expect(b.take('a', 60_000)).toEqual({ write: true, suppressed: 2 });
  });

  it('keeps a bounded number of addresses: a spray shares one allowance', () => {
    const b = auditBudget({ perWindow: 1, windowMs: 60_000, maxAddresses: 2 });
    expect(['a', 'b', 'c', 'd'].map((ip) => b.take(ip, 0).write)).toEqual([true, true, true, false]);
    // once the old windows are over, their counts travel with the next row written
    expect(b.take('e', 60_000)).toEqual({ write: true, suppressed: 1 });
  });

  it('stores a URL as its path and parameter names, at most 512 characters', () => {
    expect(auditTarget('/api/figures/problems?indicator=found&level=unit&entity=6')).toBe(
      '/api/figures/problems?indicator&level&entity',
    );
    expect(auditTarget('/api/areas/tree')).toBe('/api/areas/tree');
    expect(auditTarget(`/api/x?${'k'.repeat(2000)}=1`)).toHaveLength(512);
  });
});
