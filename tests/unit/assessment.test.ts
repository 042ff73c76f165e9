import { describe, expect, it } from 'vitest';
import {
  applies,
  itemInputProblems,
  itemScore,
  onThousand,
  pointScore,
  rollUp,
  versusTargets,
} from '../../api/domain/assessment';

// Worked numbers of docs/ASSESSMENT.md "Rules".
const cleanliness = { maxScore: 20, perFinding: 2, deductionCap: null, pointTypes: [] };
const stairs = { maxScore: 20, perFinding: 4, deductionCap: 16, pointTypes: ['residential', 'back_street'] };

describe('item score', () => {
  it('deducts per finding, or the amount the examiner gives', () => {
    // 20 − (2 + 2 + 5) = 11
    expect(itemScore(cleanliness, { findings: [{}, {}, { deduction: 5 }] })).toEqual({
      score: 11,
      deducted: 9,
      deductions: [2, 2, 5],
    });
  });
  it('caps the deductions and floors the score at 0', () => {
    // 5 findings × 4 = 20, capped at 16 → 20 − 16 = 4
    expect(itemScore(stairs, { findings: [{}, {}, {}, {}, {}] })).toMatchObject({ score: 4, deducted: 16 });
    // no cap: 11 × 2 = 22 > 20 → 0, never negative
    expect(itemScore(cleanliness, { findings: Array.from({ length: 11 }, () => ({})) })).toMatchObject({
      score: 0,
      deducted: 20,
    });
  });
  it('takes the lower of a given score and the score the findings leave', () => {
    expect(itemScore(cleanliness, { score: 15, findings: [] }).score).toBe(15);
    // the findings leave 16: a given 18 cannot undo them
    expect(itemScore(cleanliness, { score: 18, findings: [{}, {}] }).score).toBe(16);
  });
  it('names the field of a score above the maximum or a deduction out of range', () => {
    expect(itemInputProblems(cleanliness, { score: 21, findings: [] }).map((p) => p.field)).toEqual(['score']);
    expect(itemInputProblems(cleanliness, { score: 20, findings: [{ deduction: 25 }] }).map((p) => p.field)).toEqual([
      'findings[0].deduction',
    ]);
    expect(itemInputProblems(cleanliness, { score: 0, findings: [{ deduction: 2 }] })).toEqual([]);
  });
  it('applies an item to the listed point types, or to all when none are listed', () => {
    expect(applies(stairs, 'residential')).toBe(true);
    expect(applies(stairs, 'market')).toBe(false);
    expect(applies(cleanliness, 'market')).toBe(true);
  });
});

describe('point score and roll-up', () => {
  it('scores a point out of 100 over its items, null until each is scored', () => {
    // (11 + 10 + 16 + 4) / (20 + 10 + 20 + 20) × 100 = 41 / 70 × 100 = 58.57
    expect(
      pointScore([
        { maxScore: 20, score: 11 },
        { maxScore: 10, score: 10 },
        { maxScore: 20, score: 16 },
        { maxScore: 20, score: 4 },
      ]),
    ).toBe(58.57);
    expect(
      pointScore([
        { maxScore: 20, score: 20 },
        { maxScore: 10, score: null },
      ]),
    ).toBeNull();
    expect(pointScore([])).toBeNull();
  });
  it('rolls up point → community → street → county as the mean of point scores', () => {
    const points = [
      { pointId: 1, communityId: 11, streetId: 1, score: 90 },
      { pointId: 2, communityId: 11, streetId: 1, score: 70 },
      { pointId: 3, communityId: 12, streetId: 1, score: 86 },
      { pointId: 4, communityId: 21, streetId: 2, score: 60 },
      { pointId: 5, communityId: 21, streetId: 2, score: null }, // not complete: left out everywhere
    ];
    const r = rollUp(points);
    // community 11: (90 + 70) / 2 = 80; 12: 86; 21: 60
    expect(r.communities).toEqual([
      { id: 12, score: 86, points: 1 },
      { id: 11, score: 80, points: 2 },
      { id: 21, score: 60, points: 1 },
    ]);
    // street 1: (90 + 70 + 86) / 3 = 82 (points, not the mean of its communities' 83); street 2: 60
    expect(r.streets).toEqual([
      { id: 1, score: 82, points: 3 },
      { id: 2, score: 60, points: 1 },
    ]);
    // county: (90 + 70 + 86 + 60) / 4 = 76.5 → 765 of 1000
    expect(r.county).toEqual({ score: 76.5, points: 4 });
    expect(onThousand(r.county.score)).toBe(765);
  });
});

describe('against the dated targets (seed 002: 720 / 800 / 850)', () => {
  const targets = [
    { dueOn: '2026-05-31', minScore: 720, label: null },
    { dueOn: '2026-07-31', minScore: 800, label: null },
    { dueOn: '2026-08-31', minScore: 850, label: null },
  ];
  it('is on track before the first due day when it meets it, at risk when it does not', () => {
    const early = new Date('2026-05-20T10:00:00+08:00');
    expect(versusTargets(765, targets, early)).toMatchObject({
      current: null,
      next: { minScore: 720 },
      status: 'on_track',
      gap: 0,
    });
    expect(versusTargets(700, targets, early)).toMatchObject({ status: 'at_risk', gap: 20 });
  });
  it('is behind once a target fell due and the score is below it', () => {
    // 1 August 00:00 Beijing: the July target (800) is in force; 765 is 35 short
    const aug = new Date('2026-08-01T00:00:00+08:00');
    expect(versusTargets(765, targets, aug)).toMatchObject({
      current: { minScore: 800 },
      next: { minScore: 850 },
      status: 'behind',
      gap: 35,
    });
    expect(versusTargets(820, targets, aug)).toMatchObject({ status: 'at_risk', gap: 30 });
    expect(versusTargets(null, targets, aug).status).toBe('no_data');
  });
});
