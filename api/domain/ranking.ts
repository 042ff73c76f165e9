/**
 * Weekly ranking (排名通报), pure: figures + rules (data, versioned in ranking_schemes) → scores
 * with their breakdown, ranks, 红黑榜 and the "last place N weeks running" flag (seed 004: 排名
 * 连续2次末位 → 通报、晾晒、约谈). No I/O: the service feeds it weighted figures and past weeks.
 */
import type { Msg } from '../errors';
import { kpiById, type FigureValue } from './kpi';

export type RuleItem =
  | { indicator: string; kind: 'linear'; points: number }
  | { indicator: string; kind: 'deduct_below'; points: number; threshold: number; perPoint: number }
  | { indicator: string; kind: 'deduct_above'; points: number; threshold: number; perPoint: number }
  | { indicator: string; kind: 'deduct_per_count'; points: number; perItem: number };

export interface RankingRules {
  /** an entity with fewer problems than this in the named set (unweighted) is listed, unranked */
  minProblems: { indicator: string; count: number };
  /** a problem from this source counts this many times (暗访 ×2); others count 1 */
  sourceWeights: Record<string, number>;
  items: RuleItem[];
  /** how many on the 红榜 (top) and the 黑榜 (bottom) */
  lists: { red: number; black: number };
  /** last place this many weeks running → named publicly */
  lastPlaceWeeks: number;
}

/** One entity's weighted figures, and the unweighted size used for the minimum. */
export interface RankInput {
  entityId: number;
  code: string;
  name: string;
  figures: Record<string, FigureValue>;
  /** unweighted count of the minProblems set */
  problems: number;
}

export interface BreakdownItem {
  indicator: string;
  kind: RuleItem['kind'];
  points: number;
  earned: number;
  value: number | null;
  numerator?: number;
  denominator?: number;
  note: Msg;
}

export interface RankEntry {
  entityId: number;
  code: string;
  name: string;
  problems: number;
  ranked: boolean;
  rank: number | null;
  score: number | null;
  breakdown: BreakdownItem[];
  list: 'red' | 'black' | null;
  lastPlace: boolean;
  /** why it is not ranked */
  reason: Msg | null;
}

export interface RankedEntry extends RankEntry {
  previousRank: number | null;
  /** previous rank − rank: positive = moved up */
  rankChange: number | null;
  /** consecutive weeks in last place, this one included */
  lastPlaceRun: number;
  namedPublicly: boolean;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const clamp = (x: number, max: number) => Math.min(max, Math.max(0, x));
const fmt = (x: number) => String(r2(x));

/** Points earned for one rule item; a rate with nothing behind it deducts nothing. */
export function scoreItem(item: RuleItem, f: FigureValue | undefined): BreakdownItem {
  const value = f?.value ?? null;
  const out = {
    indicator: item.indicator,
    kind: item.kind,
    points: item.points,
    value,
    ...(f?.numerator !== undefined ? { numerator: f.numerator, denominator: f.denominator } : {}),
  };
  if (value === null)
    return { ...out, earned: item.points, note: { zh: '无数据，不扣分', en: 'no data: no deduction' } };
  switch (item.kind) {
    case 'linear': {
      const earned = r2(clamp((item.points * value) / 100, item.points));
      return {
        ...out,
        earned,
        note: { zh: `${item.points} 分 × ${fmt(value)}%`, en: `${item.points} pts × ${fmt(value)} %` },
      };
    }
    case 'deduct_below': {
      const short = Math.max(0, item.threshold - value);
      const earned = r2(clamp(item.points - item.perPoint * short, item.points));
      return {
        ...out,
        earned,
        note:
          short > 0
            ? {
                zh: `低于 ${item.threshold}% ${fmt(short)} 个百分点，每点扣 ${item.perPoint} 分`,
                en: `${fmt(short)} points below ${item.threshold} %, −${item.perPoint} per point`,
              }
            : { zh: `达到 ${item.threshold}%，不扣分`, en: `at or above ${item.threshold} %: no deduction` },
      };
    }
    case 'deduct_above': {
      const over = Math.max(0, value - item.threshold);
      const earned = r2(clamp(item.points - item.perPoint * over, item.points));
      return {
        ...out,
        earned,
        note:
          over > 0
            ? {
                zh: `高于 ${item.threshold}% ${fmt(over)} 个百分点，每点扣 ${item.perPoint} 分`,
                en: `${fmt(over)} points above ${item.threshold} %, −${item.perPoint} per point`,
              }
            : { zh: `不高于 ${item.threshold}%，不扣分`, en: `at or below ${item.threshold} %: no deduction` },
      };
    }
    case 'deduct_per_count': {
      const earned = r2(clamp(item.points - item.perItem * value, item.points));
      return {
        ...out,
        earned,
        note: { zh: `${fmt(value)} 件，每件扣 ${item.perItem} 分`, en: `${fmt(value)} × −${item.perItem}` },
      };
    }
  }
}

/** Rules that name an unknown indicator, or a count rule on a rate (and so on), as problems. */
export function rulesProblems(rules: RankingRules): { field: string; reason: Msg }[] {
  const out: { field: string; reason: Msg }[] = [];
  const min = kpiById(rules.minProblems.indicator);
  if (!min || min.kind !== 'count')
    out.push({
      field: 'rules/minProblems/indicator',
      reason: {
        zh: `「${rules.minProblems.indicator}」不是计数指标`,
        en: `"${rules.minProblems.indicator}" is not a count indicator`,
      },
    });
  rules.items.forEach((item, i) => {
    const k = kpiById(item.indicator);
    const wants = item.kind === 'deduct_per_count' ? 'count' : 'rate';
    if (!k || k.kind !== wants) {
      out.push({
        field: `rules/items/${i}/indicator`,
        reason: {
          zh: `「${item.indicator}」不是${wants === 'count' ? '计数' : '比率'}指标`,
          en: `"${item.indicator}" is not a ${wants} indicator`,
        },
      });
    }
  });
  if (!rules.items.length)
    out.push({
      field: 'rules/items',
      reason: { zh: '至少需要一项评分规则', en: 'at least one scoring item is needed' },
    });
  return out;
}

/** Indicators the rules read (the figures to compute). */
export const rulesIndicators = (rules: RankingRules) => [
  ...new Set([rules.minProblems.indicator, ...rules.items.map((i) => i.indicator)]),
];

/**
 * Scores and ranks one week. Equal scores (to the hundredth) share a rank and the next rank
 * skips (1, 2, 2, 4): the order is explainable from the scores alone; ties are listed by code.
 */
export function rankEntities(rules: RankingRules, inputs: RankInput[]): RankEntry[] {
  const scored = inputs.map((e) => {
    const ranked = e.problems >= rules.minProblems.count;
    const breakdown = rules.items.map((item) => scoreItem(item, e.figures[item.indicator]));
    return {
      entityId: e.entityId,
      code: e.code,
      name: e.name,
      problems: e.problems,
      ranked,
      breakdown,
      score: ranked ? r2(breakdown.reduce((s, b) => s + b.earned, 0)) : null,
      rank: null as number | null,
      list: null as RankEntry['list'],
      lastPlace: false,
      reason: ranked
        ? null
        : {
            zh: `问题数 ${e.problems} 少于 ${rules.minProblems.count}，不参与排名`,
            en: `${e.problems} problems, fewer than ${rules.minProblems.count}: not ranked`,
          },
    };
  });
  const ranked = scored.filter((e) => e.ranked).sort((a, b) => b.score! - a.score! || a.code.localeCompare(b.code));
  ranked.forEach((e, i) => {
    e.rank = i > 0 && ranked[i - 1]!.score === e.score ? ranked[i - 1]!.rank : i + 1;
  });
  const n = ranked.length;
  // With few ranked entities, at most half go on each list, so nobody is on both.
  const red = Math.min(rules.lists.red, Math.floor(n / 2));
  const black = Math.min(rules.lists.black, Math.floor(n / 2));
  for (const e of ranked) {
    const below = ranked.filter((o) => o.score! < e.score!).length;
    if (red > 0 && e.rank! <= red) e.list = 'red';
    else if (black > 0 && below < black) e.list = 'black';
  }
  const worst = n > 1 ? ranked[n - 1]!.rank : null; // one ranked entity is not "last"
  for (const e of ranked) e.lastPlace = worst !== null && e.rank === worst && worst > 1;
  const unranked = scored.filter((e) => !e.ranked).sort((a, b) => a.code.localeCompare(b.code));
  return [...ranked, ...unranked];
}

/** Adds what comes from earlier weeks: history[0] is last week, history[1] the week before… */
export function withHistory(
  rules: RankingRules,
  entries: RankEntry[],
  history: Pick<RankEntry, 'entityId' | 'rank' | 'lastPlace'>[][],
): RankedEntry[] {
  const maps = history.map((h) => new Map(h.map((e) => [e.entityId, e])));
  return entries.map((e) => {
    const prev = maps[0]?.get(e.entityId);
    let run = e.lastPlace ? 1 : 0;
    for (const m of maps) {
      if (!run || !m.get(e.entityId)?.lastPlace) break;
      run++;
    }
    const previousRank = prev?.rank ?? null;
    return {
      ...e,
      previousRank,
      rankChange: previousRank !== null && e.rank !== null ? previousRank - e.rank : null,
      lastPlaceRun: run,
      namedPublicly: run >= rules.lastPlaceWeeks,
    };
  });
}
