import { describe, expect, it } from 'vitest';
import {
  rankEntities,
  rulesProblems,
  scoreItem,
  withHistory,
  type RankInput,
  type RankingRules,
} from '../../api/domain/ranking';

const RULES: RankingRules = {
  minProblems: { indicator: 'due', count: 5 },
  sourceWeights: { undercover: 2 },
  items: [
    { indicator: 'on_time_rate', kind: 'deduct_below', points: 50, threshold: 70, perPoint: 1 },
    { indicator: 'rectification_rate', kind: 'linear', points: 30 },
    { indicator: 'accountability', kind: 'deduct_per_count', points: 10, perItem: 2 },
  ],
  lists: { red: 1, black: 1 },
  lastPlaceWeeks: 2,
};
const entity = (id: number, onTime: number | null, rect: number | null, acc = 0, problems = 10): RankInput => ({
  entityId: id,
  code: `U${String(id).padStart(2, '0')}`,
  name: `单位${id}`,
  problems,
  figures: { on_time_rate: { value: onTime }, rectification_rate: { value: rect }, accountability: { value: acc } },
});

describe('scoring one rule', () => {
  it('按期结案率 50 pts, −1 per point below 70 %', () => {
    const item = RULES.items[0]!;
    expect(scoreItem(item, { value: 75.82 }).earned).toBe(50);
    expect(scoreItem(item, { value: 65 }).earned).toBe(45);
    expect(scoreItem(item, { value: 64.5 })).toMatchObject({
      earned: 44.5,
      note: { zh: expect.stringContaining('5.5 个百分点') },
    });
    expect(scoreItem(item, { value: 5 }).earned).toBe(0); // never below zero
    expect(scoreItem(item, { value: null })).toMatchObject({ earned: 50, note: { en: 'no data: no deduction' } });
  });

  it('scales linear points, deducts per count, and keeps numerator and denominator for the breakdown', () => {
    expect(scoreItem(RULES.items[1]!, { value: 93.72, numerator: 911, denominator: 972 })).toMatchObject({
      earned: 28.12,
      numerator: 911,
      denominator: 972,
    });
    expect(scoreItem(RULES.items[2]!, { value: 3 }).earned).toBe(4);
    expect(scoreItem(RULES.items[2]!, { value: 8 }).earned).toBe(0);
    expect(
      scoreItem(
        { indicator: 'rework_rate', kind: 'deduct_above', points: 10, threshold: 10, perPoint: 0.5 },
        { value: 30 },
      ).earned,
    ).toBe(0);
  });
});

describe('ranking a week', () => {
  const week = rankEntities(RULES, [
    entity(1, 80, 100), // 50 + 30 + 10 = 90
    entity(2, 60, 90), // 40 + 27 + 10 = 77
    entity(3, 60, 90), // tie with 2
    entity(4, 50, 50, 2), // 30 + 15 + 6 = 51
    entity(5, 100, 100, 0, 4), // one fast fix: below the minimum
  ]);

  it('scores every entity with a breakdown that adds up', () => {
    for (const e of week.filter((x) => x.ranked))
      expect(e.score).toBeCloseTo(
        e.breakdown.reduce((s, b) => s + b.earned, 0),
        6,
      );
    expect(week.map((e) => [e.code, e.score])).toEqual([
      ['U01', 90],
      ['U02', 77],
      ['U03', 77],
      ['U04', 51],
      ['U05', null],
    ]);
  });

  it('shares ranks on equal scores and lists the unranked last, with the reason', () => {
    expect(week.map((e) => e.rank)).toEqual([1, 2, 2, 4, null]);
    expect(week[4]).toMatchObject({ ranked: false, reason: { zh: expect.stringContaining('少于 5') } });
  });

  it('puts the top on the 红榜, the bottom on the 黑榜, and marks last place', () => {
    expect(week.map((e) => e.list)).toEqual(['red', null, null, 'black', null]);
    expect(week.map((e) => e.lastPlace)).toEqual([false, false, false, true, false]);
  });

  it('never lists one entity on both lists when few are ranked', () => {
    const two = rankEntities({ ...RULES, lists: { red: 3, black: 3 } }, [entity(1, 80, 100), entity(2, 60, 90)]);
    expect(two.map((e) => e.list)).toEqual(['red', 'black']);
    const one = rankEntities(RULES, [entity(1, 80, 100)]);
    expect([one[0]!.list, one[0]!.lastPlace]).toEqual([null, false]);
  });

  it('is stable: the same figures in another order give the same ranking', () => {
    const shuffled = rankEntities(RULES, [
      entity(4, 50, 50, 2),
      entity(3, 60, 90),
      entity(5, 100, 100, 0, 4),
      entity(1, 80, 100),
      entity(2, 60, 90),
    ]);
    expect(shuffled).toEqual(week);
  });
});

describe('weeks running', () => {
  it('gives the rank change and names publicly who is last two weeks running', () => {
    const lastWeek = rankEntities(RULES, [entity(1, 60, 90), entity(2, 80, 100), entity(4, 40, 40)]);
    const before = rankEntities(RULES, [entity(1, 80, 100), entity(4, 80, 100), entity(2, 40, 40)]);
    const now = withHistory(RULES, rankEntities(RULES, [entity(1, 80, 100), entity(2, 60, 90), entity(4, 50, 50, 2)]), [
      lastWeek,
      before,
    ]);
    expect(now.map((e) => [e.code, e.rank, e.previousRank, e.rankChange])).toEqual([
      ['U01', 1, 2, 1],
      ['U02', 2, 1, -1],
      ['U04', 3, 3, 0],
    ]);
    expect(now.map((e) => [e.lastPlaceRun, e.namedPublicly])).toEqual([
      [0, false],
      [0, false],
      [2, true],
    ]);
    const three = withHistory(
      { ...RULES, lastPlaceWeeks: 3 },
      rankEntities(RULES, [entity(1, 80, 100), entity(2, 60, 90), entity(4, 50, 50, 2)]),
      [lastWeek, before],
    );
    expect(three.find((e) => e.code === 'U04')).toMatchObject({ lastPlaceRun: 2, namedPublicly: false });
  });
});

describe('rules as data', () => {
  it('refuses rules naming an unknown indicator or a count where a rate is scored', () => {
    expect(rulesProblems(RULES)).toEqual([]);
    const bad = rulesProblems({
      ...RULES,
      minProblems: { indicator: 'rectification_rate', count: 1 },
      items: [
        { indicator: 'speed', kind: 'linear', points: 1 },
        { indicator: 'found', kind: 'deduct_below', points: 1, threshold: 1, perPoint: 1 },
      ],
    });
    expect(bad.map((p) => p.field)).toEqual([
      'rules/minProblems/indicator',
      'rules/items/0/indicator',
      'rules/items/1/indicator',
    ]);
  });
});
