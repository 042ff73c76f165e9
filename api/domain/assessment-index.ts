/**
 * The weekly 创文指数 and its rules, pure (docs/ASSESSMENT.md "Weekly index").
 *
 * Components, each 0–100 (null when the entity has nothing to measure that week):
 *   problems     — 整改达标率 (closed / due) of the problems reported in the formula's window
 *                  (problemWindowDays up to the week's end), judged at the week's end;
 *   points       — mean of the latest scores (out of 100) of its inspection points, rounds up to
 *                  the week's end;
 *   ledgers      — ledger items passed / ledger items due by the week's end;
 *   satisfaction — Σ satisfied / Σ respondents of its surveys in the problem window.
 * Index = Σ weight × component / Σ weight over the components that are not null (a component
 * with nothing to measure neither helps nor hurts); null when all are null.
 * Band: red below bands.red, green at or above bands.green, yellow between.
 */
import type { Msg } from '../errors';

export const COMPONENTS = ['problems', 'points', 'ledgers', 'satisfaction'] as const;
export type Component = (typeof COMPONENTS)[number];
export type Components = Record<Component, number | null>;
export type Band = 'red' | 'yellow' | 'green';

export interface IndexRules {
  weights: Record<Component, number>;
  bands: { red: number; green: number };
  problemWindowDays: number;
}

export const COMPONENT_NAMES: Record<Component, Msg> = {
  problems: { zh: '问题整改', en: 'problems fixed' },
  points: { zh: '点位测评', en: 'point scores' },
  ledgers: { zh: '台账通过率', en: 'ledger pass rate' },
  satisfaction: { zh: '群众满意度', en: 'satisfaction' },
};
export const BAND_NAMES: Record<Band, Msg> = {
  red: { zh: '红色', en: 'red' },
  yellow: { zh: '黄色', en: 'yellow' },
  green: { zh: '绿色', en: 'green' },
};

const round2 = (x: number) => Math.round(x * 100) / 100;

/** What is wrong with a formula's rules; empty when fine. */
export function rulesProblems(r: IndexRules): { field: string; reason: Msg }[] {
  const out: { field: string; reason: Msg }[] = [];
  for (const c of COMPONENTS) {
    const w = r.weights?.[c];
    if (typeof w !== 'number' || !(w >= 0))
      out.push({ field: `weights.${c}`, reason: { zh: '权重须为非负数', en: 'must be a number ≥ 0' } });
  }
  if (COMPONENTS.every((c) => !r.weights?.[c]))
    out.push({ field: 'weights', reason: { zh: '至少一项权重大于 0', en: 'at least one weight must be above 0' } });
  if (!(r.bands?.red >= 0 && r.bands.green <= 100 && r.bands.red <= r.bands.green))
    out.push({ field: 'bands', reason: { zh: '须满足 0 ≤ 红线 ≤ 绿线 ≤ 100', en: 'must be 0 ≤ red ≤ green ≤ 100' } });
  if (!(Number.isInteger(r.problemWindowDays) && r.problemWindowDays >= 7 && r.problemWindowDays <= 366))
    out.push({ field: 'problemWindowDays', reason: { zh: '须为 7–366 的整数', en: 'must be an integer 7–366' } });
  return out;
}

/** The weighted mean over the components present; null when none is. */
export function indexOf(c: Components, r: IndexRules): number | null {
  let sum = 0,
    weight = 0;
  for (const k of COMPONENTS) {
    const v = c[k];
    const w = r.weights[k];
    if (v === null || !w) continue;
    sum += w * v;
    weight += w;
  }
  return weight ? round2(sum / weight) : null;
}

export function bandOf(index: number | null, r: IndexRules): Band | null {
  if (index === null) return null;
  if (index < r.bands.red) return 'red';
  return index >= r.bands.green ? 'green' : 'yellow';
}

/** A ratio in percent with two decimals; null when there is nothing to divide by. */
export const percent = (num: number, den: number): number | null => (den > 0 ? round2((num / den) * 100) : null);

export interface IndexEntry {
  id: number;
  code: string;
  name: string;
  components: Components;
}
export interface IndexRow extends IndexEntry {
  index: number | null;
  band: Band | null;
  /** 1 = best; ties share a rank (competition ranking, 1-1-3); null when no index */
  rank: number | null;
}

/** Scores and ranks the entries of one level; rows with no index come last, unranked. */
export function rankIndex(entries: IndexEntry[], r: IndexRules): IndexRow[] {
  const rows = entries.map((e) => {
    const index = indexOf(e.components, r);
    return { ...e, index, band: bandOf(index, r), rank: null as number | null };
  });
  rows.sort((a, b) => (b.index ?? -1) - (a.index ?? -1) || a.code.localeCompare(b.code));
  let prev: number | null = null,
    prevRank = 0;
  rows.forEach((row, i) => {
    if (row.index === null) return;
    row.rank = row.index === prev ? prevRank : i + 1;
    prev = row.index;
    prevRank = row.rank;
  });
  return rows;
}

/** The rules of seed 004, named: 累计两次红色, 全程绿色, 连续两次末位. */
export type Flag = 'two_reds' | 'green_all_along' | 'last_twice';
export const FLAG_NAMES: Record<Flag, Msg> = {
  two_reds: { zh: '累计两次红色', en: 'red twice in total' },
  green_all_along: { zh: '全程绿色', en: 'green all along' },
  last_twice: { zh: '连续两次末位', en: 'last twice in a row' },
};

/** One entity's published history, oldest first; the week being judged is the last. */
export interface WeekOutcome {
  band: Band | null;
  rank: number | null;
  /** the worst rank of that week (how many were ranked) */
  lastRank: number | null;
}

/**
 * The flags an entity carries after its latest week: two reds in total (counting every week
 * shown), green in every week (and at least one), last place in the latest week and the one
 * before it.
 */
export function flagsOf(history: WeekOutcome[]): Flag[] {
  const out: Flag[] = [];
  if (history.filter((w) => w.band === 'red').length >= 2) out.push('two_reds');
  if (history.length && history.every((w) => w.band === 'green')) out.push('green_all_along');
  const isLast = (w: WeekOutcome | undefined) =>
    !!w && w.rank !== null && w.lastRank !== null && w.lastRank > 1 && w.rank === w.lastRank;
  if (history.length >= 2 && isLast(history[history.length - 1]) && isLast(history[history.length - 2]))
    out.push('last_twice');
  return out;
}
