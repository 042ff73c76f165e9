/**
 * Scoring of inspection points (点位) against a 测评体系, pure (docs/ASSESSMENT.md "Rules").
 *
 * Item: each finding deducts the item's per-finding amount (or the examiner's own amount); the
 * deductions together are capped at the item's cap (default: its maximum); the item's score is
 * its maximum minus the capped deductions, floored at 0. An examiner may also give a score
 * directly (≤ the maximum); the item then scores the lower of the two, so a finding always costs.
 * Point: only the items that apply to its type; when each of them is scored, the point scores
 * Σ item scores / Σ item maxima × 100 (else null: not complete).
 * Roll-up: community, street and county each score the mean of their complete points' scores
 * (every point weighs the same, wherever it lies; the county is the mean of all points, not of
 * the streets). On the 1000-point scale of seed 002 the county's score is × 10.
 */
import { gapOf, statusOf, targetsAt, type CampaignStatus, type Target } from './campaign';
import type { Msg } from '../errors';

export interface ItemRule {
  maxScore: number;
  perFinding: number;
  deductionCap: number | null;
  pointTypes: string[];
}
export interface ItemInput {
  score?: number | null;
  findings: { deduction?: number | null }[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Does an item apply to a point type? An empty list applies to every type. */
export const applies = (item: Pick<ItemRule, 'pointTypes'>, typeCode: string) =>
  item.pointTypes.length === 0 || item.pointTypes.includes(typeCode);

/** What is wrong with an item's input, field by field (relative to the item); empty when fine. */
export function itemInputProblems(item: ItemRule, input: ItemInput): { field: string; reason: Msg }[] {
  const out: { field: string; reason: Msg }[] = [];
  if (input.score != null && (input.score < 0 || input.score > item.maxScore)) {
    out.push({
      field: 'score',
      reason: {
        zh: `得分须在 0 到 ${item.maxScore} 之间（该项满分 ${item.maxScore}）`,
        en: `must be between 0 and ${item.maxScore} (the item's maximum)`,
      },
    });
  }
  input.findings.forEach((f, i) => {
    if (f.deduction != null && (f.deduction <= 0 || f.deduction > item.maxScore)) {
      out.push({
        field: `findings[${i}].deduction`,
        reason: {
          zh: `扣分须大于 0 且不超过该项满分 ${item.maxScore}`,
          en: `must be above 0 and at most the item's maximum ${item.maxScore}`,
        },
      });
    }
  });
  return out;
}

/** An item's score, its capped deduction and each finding's deduction. */
export function itemScore(item: ItemRule, input: ItemInput): { score: number; deducted: number; deductions: number[] } {
  const deductions = input.findings.map((f) => round2(f.deduction ?? item.perFinding));
  const total = deductions.reduce((s, d) => s + d, 0);
  const deducted = round2(Math.min(total, item.deductionCap ?? item.maxScore));
  const fromFindings = Math.max(0, round2(item.maxScore - deducted));
  const score = input.score != null ? Math.min(round2(input.score), fromFindings) : fromFindings;
  return { score, deducted, deductions };
}

/** A point's score out of 100 over the items that apply to it; null until each is scored. */
export function pointScore(items: { maxScore: number; score: number | null }[]): number | null {
  if (!items.length || items.some((i) => i.score === null)) return null;
  const max = items.reduce((s, i) => s + i.maxScore, 0);
  return round2((items.reduce((s, i) => s + (i.score ?? 0), 0) / max) * 100);
}

export interface ScoredPoint {
  pointId: number;
  communityId: number | null;
  streetId: number | null;
  score: number | null;
}
export interface Mean {
  id: number;
  score: number;
  points: number;
}
export interface RollUp {
  communities: Mean[];
  streets: Mean[];
  county: { score: number | null; points: number };
}

const mean = (xs: number[]) => round2(xs.reduce((s, x) => s + x, 0) / xs.length);

function meansBy(points: ScoredPoint[], key: 'communityId' | 'streetId'): Mean[] {
  const groups = new Map<number, number[]>();
  for (const p of points) {
    const id = p[key];
    if (id === null || p.score === null) continue;
    groups.set(id, [...(groups.get(id) ?? []), p.score]);
  }
  return [...groups]
    .map(([id, xs]) => ({ id, score: mean(xs), points: xs.length }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
}

/** Point → community → street → county, each the mean of its complete points' scores. */
export function rollUp(points: ScoredPoint[]): RollUp {
  const scored = points.filter((p) => p.score !== null).map((p) => p.score!);
  return {
    communities: meansBy(points, 'communityId'),
    streets: meansBy(points, 'streetId'),
    county: { score: scored.length ? mean(scored) : null, points: scored.length },
  };
}

/** Score out of 100 → the 1000-point scale the targets use. */
export const onThousand = (score100: number | null) => (score100 === null ? null : round2(score100 * 10));

export interface ScoreTarget {
  dueOn: string;
  minScore: number;
  label: string | null;
}
export interface VersusTargets {
  score: number | null;
  current: ScoreTarget | null;
  next: ScoreTarget | null;
  status: CampaignStatus;
  gap: number | null;
}

/**
 * A score on the 1000-point scale against the dated targets at an instant, with the campaign
 * rules of domain/campaign.ts: the target in force is the last one already due; behind = below
 * it, at risk = meets it but not yet the next one.
 */
export function versusTargets(score1000: number | null, targets: ScoreTarget[], at: Date): VersusTargets {
  const asTarget = (t: ScoreTarget): Target => ({
    indicator: 'assessment_score',
    dueOn: t.dueOn,
    comparison: 'at_least',
    target: t.minScore,
    tolerance: 0,
    label: t.label,
  });
  const back = (t: Target | null) => (t ? (targets.find((x) => x.dueOn === t.dueOn) ?? null) : null);
  const { current, next } = targetsAt(targets.map(asTarget), 'assessment_score', at);
  return {
    score: score1000,
    current: back(current),
    next: back(next),
    status: statusOf(score1000, current, next),
    gap: gapOf(score1000, current, next),
  };
}
