import { describe, expect, it } from 'vitest';
import {
  bandOf,
  flagsOf,
  indexOf,
  rankIndex,
  rulesProblems,
  type IndexRules,
  type WeekOutcome,
} from '../../api/domain/assessment-index';
import { ledgerStep, sniffDocument } from '../../api/domain/ledgers';

// Worked numbers of docs/ASSESSMENT.md "Weekly index" with the seeded formula chuangwen-index v1.
const RULES: IndexRules = {
  weights: { problems: 30, points: 40, ledgers: 15, satisfaction: 15 },
  bands: { red: 75, green: 90 },
  problemWindowDays: 28,
};

describe('创文指数', () => {
  it('is the weighted mean of the components present', () => {
    // (30×95 + 40×88 + 15×100 + 15×92) / 100 = 92.5
    expect(indexOf({ problems: 95, points: 88, ledgers: 100, satisfaction: 92 }, RULES)).toBe(92.5);
    // no problems due: (40×80 + 15×50 + 15×85) / 70 = 74.64
    expect(indexOf({ problems: null, points: 80, ledgers: 50, satisfaction: 85 }, RULES)).toBe(74.64);
    expect(indexOf({ problems: null, points: null, ledgers: null, satisfaction: null }, RULES)).toBeNull();
    // a zero weight leaves the component out whatever its value
    expect(
      indexOf(
        { problems: 0, points: 90, ledgers: null, satisfaction: null },
        { ...RULES, weights: { ...RULES.weights, problems: 0 } },
      ),
    ).toBe(90);
  });

  it('bands red below 75, green from 90, yellow between', () => {
    expect([74.99, 75, 89.99, 90, null].map((x) => bandOf(x, RULES))).toEqual([
      'red',
      'yellow',
      'yellow',
      'green',
      null,
    ]);
  });

  it('ranks best first, ties sharing a rank, entities with no index last and unranked', () => {
    const e = (id: number, code: string, points: number | null) => ({
      id,
      code,
      name: code,
      components: { problems: null, points, ledgers: null, satisfaction: null },
    });
    const rows = rankIndex([e(1, 'a', 80), e(2, 'b', 92), e(3, 'c', null), e(4, 'd', 80), e(5, 'e', 60)], RULES);
    expect(rows.map((r) => [r.code, r.rank, r.band])).toEqual([
      ['b', 1, 'green'],
      ['a', 2, 'yellow'],
      ['d', 2, 'yellow'],
      ['e', 4, 'red'],
      ['c', null, null],
    ]);
  });

  it('flags 累计两次红色, 全程绿色 and 连续两次末位 by name', () => {
    const w = (band: WeekOutcome['band'], rank: number, lastRank = 10): WeekOutcome => ({ band, rank, lastRank });
    expect(flagsOf([w('red', 9), w('yellow', 5), w('red', 8)])).toEqual(['two_reds']);
    expect(flagsOf([w('red', 9), w('yellow', 5)])).toEqual([]);
    expect(flagsOf([w('green', 1), w('green', 2)])).toEqual(['green_all_along']);
    expect(flagsOf([w('green', 1), w('yellow', 2), w('green', 1)])).toEqual([]);
    expect(flagsOf([w('yellow', 10), w('red', 10)])).toEqual(['last_twice']);
    // last, then not, then last: not in a row
    expect(flagsOf([w('yellow', 10), w('yellow', 9), w('yellow', 10)])).toEqual([]);
    // alone in the ranking is not "last"
    expect(flagsOf([w('green', 1, 1), w('green', 1, 1)])).toEqual(['green_all_along']);
  });

  it('checks a formula', () => {
    expect(rulesProblems(RULES)).toEqual([]);
    expect(rulesProblems({ ...RULES, bands: { red: 90, green: 75 } }).map((p) => p.field)).toEqual(['bands']);
    expect(
      rulesProblems({
        ...RULES,
        weights: { problems: 0, points: 0, ledgers: 0, satisfaction: 0 },
        problemWindowDays: 3,
      }).map((p) => p.field),
    ).toEqual(['weights', 'problemWindowDays']);
  });
});

describe('ledgers', () => {
  it('knows documents by their first bytes', () => {
    expect(sniffDocument(Buffer.from('%PDF-1.7'))).toBe('pdf');
    expect(sniffDocument(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('zip');
    expect(sniffDocument(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpg');
    expect(sniffDocument(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffDocument(Buffer.from('MZ\x90\x00'))).toBeNull();
    expect(sniffDocument(Buffer.from('hello.pdf'))).toBeNull();
  });

  it('steps submit → pass / return → resubmit', () => {
    expect(ledgerStep('pending', 'submit')).toBe('submitted');
    expect(ledgerStep('submitted', 'return')).toBe('returned');
    expect(ledgerStep('returned', 'submit')).toBe('submitted');
    expect(ledgerStep('submitted', 'pass')).toBe('passed');
    expect(typeof ledgerStep('passed', 'submit')).toBe('object');
    expect(typeof ledgerStep('submitted', 'submit')).toBe('object');
    expect(typeof ledgerStep('returned', 'pass')).toBe('object');
  });
});
