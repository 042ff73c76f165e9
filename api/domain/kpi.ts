/**
 * The KPI library: every figure the system shows, defined once. A figure is computed over the
 * problems *reported* in a half-open period [from, to) (the cohort), judged as of an instant
 * `asOf`. Each indicator is built from named problem sets (ids, names, definitions here); each
 * set's predicate is SQL and lives in api/repositories/figure-sets.ts, where the same predicate
 * produces both the figure (GROUP BY on the ids stored at write time) and the list of problems
 * behind it. This module is pure: no SQL text.
 *
 * The counters (rework, relapse, return, notices) are as the problem is now; states and times
 * are judged at asOf where the row keeps the time (closed_at, fixed_at, deadline).
 */
import type { Msg } from '../errors';

/** Always applied: reported in the period; rejected (不予立案) and merged duplicates are not problems. */
export const COHORT: Msg = {
  zh: '统计周期内上报的问题（按上报时间），不含不予立案和重复合并的问题',
  en: 'problems reported in the period (by report time), excluding those rejected at verification and merged duplicates',
};

export const SET_IDS = [
  'found',
  'open',
  'closed',
  'overdue',
  'suspended',
  'due',
  'closed_on_time',
  'fixed_once',
  'reworked',
  'revisited',
  'relapsed',
  'assigned_once',
  'returned',
  'supervised',
  'accountability',
  'fixed_timed',
  'fix_flagged',
] as const;
export type SetId = (typeof SET_IDS)[number];

export interface ProblemSet {
  id: SetId;
  name: Msg;
  definition: Msg;
}

export const SETS: Record<SetId, ProblemSet> = {
  found: { id: 'found', name: { zh: '发现问题数', en: 'problems found' }, definition: COHORT },
  open: {
    id: 'open',
    name: { zh: '未结案数', en: 'open' },
    definition: {
      zh: '截至统计时点尚未验收销号（含待立案、待交办、整改中、待验收、挂账）',
      en: 'not closed (accepted) by the as-of instant: waiting verification, assignment, fix or acceptance, or suspended',
    },
  },
  closed: {
    id: 'closed',
    name: { zh: '结案数（销号）', en: 'closed' },
    definition: {
      zh: '截至统计时点已验收销号，且此后未因反弹重新交办',
      en: 'accepted and struck off by the as-of instant, and not reopened since by a relapse',
    },
  },
  overdue: {
    id: 'overdue',
    name: { zh: '超期数', en: 'overdue' },
    definition: {
      zh: '统计时点已过整改期限仍未整改（交办中；挂账、待验收的不算）',
      en: 'past the deadline at the as-of instant and not yet fixed (assigned; suspended and waiting acceptance are not overdue)',
    },
  },
  suspended: {
    id: 'suspended',
    name: { zh: '挂账数', en: 'suspended' },
    definition: {
      zh: '经批准挂账（暂缓整改）的问题，不计入应结案数',
      en: 'suspended with approval (挂账); left out of the problems due',
    },
  },
  due: {
    id: 'due',
    name: { zh: '应结案数', en: 'due to close' },
    definition: {
      zh: '已立案、未挂账，且统计时点已结案或已过整改期限的问题',
      en: 'verified, not suspended, and closed or past its deadline at the as-of instant',
    },
  },
  closed_on_time: {
    id: 'closed_on_time',
    name: { zh: '按期结案数', en: 'closed on time' },
    definition: {
      zh: '已结案，且最后一次整改在当时有效的期限内完成',
      en: 'closed, with the last fix made by the deadline then in force',
    },
  },
  fix_flagged: {
    id: 'fix_flagged',
    name: { zh: '存疑整改数', en: 'flagged fixes' },
    definition: {
      zh: '截至统计时点至少有一次整改被标记存疑（距现场超过 100 米、定位精度差于 50 米、手动选点或照片早于上报，docs/FIELD.md）',
      en: 'problems with at least one fix flagged by the as-of instant (over 100 m from the site, accuracy worse than 50 m, a hand-placed pin or a photo older than the report; docs/FIELD.md)',
    },
  },
  fixed_once: {
    id: 'fixed_once',
    name: { zh: '已整改数', en: 'fixed at least once' },
    definition: { zh: '至少报过一次整改的问题', en: 'problems whose fix was reported at least once' },
  },
  reworked: {
    id: 'reworked',
    name: { zh: '返工数', en: 'reworked' },
    definition: { zh: '验收不通过、退回返工至少一次', en: 'rejected at acceptance (rework) at least once' },
  },
  revisited: {
    id: 'revisited',
    name: { zh: '已回头看数', en: 'revisited' },
    definition: { zh: '结案后已做过回头看的问题', en: 'closed problems that have been revisited' },
  },
  relapsed: {
    id: 'relapsed',
    name: { zh: '反弹数', en: 'relapsed' },
    definition: { zh: '回头看发现反弹、重新交办至少一次', en: 'found back at a revisit and reopened at least once' },
  },
  assigned_once: {
    id: 'assigned_once',
    name: { zh: '已交办数', en: 'assigned' },
    definition: { zh: '至少交办过一次的问题', en: 'problems assigned at least once' },
  },
  returned: {
    id: 'returned',
    name: { zh: '退回（非本单位）数', en: 'returned as not ours' },
    definition: {
      zh: '被承办单位以“非本单位职责”退回至少一次',
      en: 'returned by an assignee as "not ours" at least once',
    },
  },
  supervised: {
    id: 'supervised',
    name: { zh: '督办问题数', en: 'with a supervision notice' },
    definition: {
      zh: '因超期被下发督办通知单的问题',
      en: 'problems that got a supervision notice (督办) for being overdue',
    },
  },
  accountability: {
    id: 'accountability',
    name: { zh: '问责问题数', en: 'with an accountability notice' },
    definition: {
      zh: '督办到期仍未整改、被下发问责通知单的问题',
      en: 'problems still unfixed when the supervision notice fell due (问责)',
    },
  },
  fixed_timed: {
    id: 'fixed_timed',
    name: { zh: '计时整改数', en: 'fixes timed' },
    definition: {
      zh: '已交办且已整改的问题（整改时长 = 最后一次整改 − 首次交办）',
      en: 'assigned and fixed (time to fix = last fix − first assignment)',
    },
  },
};

interface Base {
  id: string;
  name: Msg;
  /** which way is good: for the map's colour ramp and the ranking */
  better: 'higher' | 'lower';
  exclusions: Msg;
}
export interface CountKpi extends Base {
  kind: 'count';
  set: SetId;
  unit: 'problems';
}
export interface RateKpi extends Base {
  kind: 'rate';
  numerator: SetId;
  denominator: SetId;
  unit: 'percent';
}
export interface DurationKpi extends Base {
  kind: 'duration';
  stat: 'mean' | 'p90';
  population: 'fixed_timed';
  unit: 'hours';
}
export type Kpi = CountKpi | RateKpi | DurationKpi;

const NO_EXCLUSIONS: Msg = { zh: '仅上述统计范围', en: 'only the cohort rule' };
const SUSPENDED_OUT: Msg = {
  zh: '挂账问题不计入分母（数字城管惯例）',
  en: 'suspended (挂账) problems leave the denominator, as in 数字城管 practice',
};
const count = <S extends SetId>(
  set: S,
  better: 'higher' | 'lower',
  exclusions = NO_EXCLUSIONS,
): CountKpi & { id: S } => ({
  id: set,
  kind: 'count',
  set,
  name: SETS[set].name,
  better,
  exclusions,
  unit: 'problems',
});

export const KPIS = [
  count('found', 'lower'),
  count('open', 'lower'),
  count('closed', 'higher'),
  count('overdue', 'lower', {
    zh: '挂账、待验收的问题不算超期',
    en: 'suspended problems and fixes waiting acceptance are not overdue',
  }),
  count('suspended', 'lower'),
  count('due', 'higher', SUSPENDED_OUT),
  count('closed_on_time', 'higher', SUSPENDED_OUT),
  count('supervised', 'lower'),
  count('accountability', 'lower'),
  count('fix_flagged', 'lower'),
  {
    id: 'rectification_rate',
    kind: 'rate',
    name: { zh: '整改达标率', en: 'rectification rate' },
    numerator: 'closed',
    denominator: 'due',
    better: 'higher',
    unit: 'percent',
    exclusions: SUSPENDED_OUT,
  },
  {
    id: 'on_time_rate',
    kind: 'rate',
    name: { zh: '按期结案率', en: 'on-time close rate' },
    numerator: 'closed_on_time',
    denominator: 'due',
    better: 'higher',
    unit: 'percent',
    exclusions: SUSPENDED_OUT,
  },
  {
    id: 'rework_rate',
    kind: 'rate',
    name: { zh: '返工率', en: 'rework rate' },
    numerator: 'reworked',
    denominator: 'fixed_once',
    better: 'lower',
    unit: 'percent',
    exclusions: NO_EXCLUSIONS,
  },
  {
    id: 'relapse_rate',
    kind: 'rate',
    name: { zh: '反弹率', en: 'relapse rate' },
    numerator: 'relapsed',
    denominator: 'revisited',
    better: 'lower',
    unit: 'percent',
    exclusions: { zh: '尚未回头看的问题不计入', en: 'problems not yet revisited are left out' },
  },
  {
    id: 'returned_rate',
    kind: 'rate',
    name: { zh: '退回率（非本单位）', en: 'returned-as-not-ours rate' },
    numerator: 'returned',
    denominator: 'assigned_once',
    better: 'lower',
    unit: 'percent',
    exclusions: { zh: '未交办的问题不计入', en: 'problems never assigned are left out' },
  },
  {
    id: 'mean_hours_to_fix',
    kind: 'duration',
    stat: 'mean',
    population: 'fixed_timed',
    name: { zh: '平均整改时长（小时）', en: 'mean time to fix (h)' },
    better: 'lower',
    unit: 'hours',
    exclusions: { zh: '未交办或未整改的问题不计入', en: 'problems not assigned or not fixed are left out' },
  },
  {
    id: 'p90_hours_to_fix',
    kind: 'duration',
    stat: 'p90',
    population: 'fixed_timed',
    name: { zh: '90%整改时长（小时）', en: 'p90 time to fix (h)' },
    better: 'lower',
    unit: 'hours',
    exclusions: { zh: '未交办或未整改的问题不计入', en: 'problems not assigned or not fixed are left out' },
  },
] as const satisfies readonly Kpi[];

export type KpiId = (typeof KPIS)[number]['id'];
export const KPI_IDS = KPIS.map((k) => k.id) as KpiId[];
const BY_ID = new Map<string, Kpi>(KPIS.map((k) => [k.id, k]));

export const kpiById = (id: string): Kpi | undefined => BY_ID.get(id);
export const isKpiId = (id: string): id is KpiId => BY_ID.has(id);
export const RATE_IDS = KPIS.filter((k) => k.kind === 'rate').map((k) => k.id);

export type Part = 'numerator' | 'denominator';

/** The sets a list of indicators needs, each once (a set shared by two rates is counted once). */
export function setsFor(kpis: readonly Kpi[]): SetId[] {
  const out = new Set<SetId>();
  for (const k of kpis) {
    if (k.kind === 'count') out.add(k.set);
    else if (k.kind === 'rate') {
      out.add(k.numerator);
      out.add(k.denominator);
    } else out.add(k.population);
  }
  return [...out];
}

/**
 * The sets (ANDed) that the problems behind one part of a figure belong to; null: the indicator
 * has no such part. A rate's numerator is always taken inside its denominator, so the numerator
 * list is a sub-list of the denominator list.
 */
export function partSets(k: Kpi, part: Part): SetId[] | null {
  if (k.kind === 'count') return part === 'numerator' ? [k.set] : null;
  if (k.kind === 'duration') return part === 'numerator' ? [k.population] : null;
  return part === 'denominator' ? [k.denominator] : [k.denominator, k.numerator];
}

/** Percent with two decimals, null when nothing is due (no denominator, no rate). */
export function rate(numerator: number, denominator: number): number | null {
  if (denominator <= 0) return null;
  return Math.round((numerator / denominator) * 10000) / 100;
}

export const roundHours = (h: number | null) => (h === null || !Number.isFinite(h) ? null : Math.round(h * 100) / 100);

/** What one entity's aggregate row holds: set counts (`n_<set>`) and the duration stats. */
export type Aggregates = Partial<Record<`n_${SetId}`, number>> & {
  mean_hours?: number | null;
  p90_hours?: number | null;
};

export interface FigureValue {
  value: number | null;
  numerator?: number;
  denominator?: number;
  /** how many problems a duration is over */
  n?: number;
}

/** A figure from the counts; the formula lives here once, not in SQL and not in the web. */
export function figureOf(k: Kpi, a: Aggregates): FigureValue {
  const n = (s: SetId) => Number(a[`n_${s}`] ?? 0);
  if (k.kind === 'count') return { value: n(k.set) };
  if (k.kind === 'rate') {
    const num = n(k.numerator),
      den = n(k.denominator);
    return { value: rate(num, den), numerator: num, denominator: den };
  }
  const v = k.stat === 'mean' ? a.mean_hours : a.p90_hours;
  return { value: roundHours(v === undefined || v === null ? null : Number(v)), n: n(k.population) };
}

/** The definition as people read it, for the docs, the exports' header and the API. */
export function describe(k: Kpi): { numerator: Msg; denominator: Msg | null } {
  if (k.kind === 'count') return { numerator: SETS[k.set].definition, denominator: null };
  if (k.kind === 'duration') {
    const s = SETS[k.population].definition;
    return {
      numerator: {
        zh: `${k.stat === 'mean' ? '平均' : '第90百分位'}：${s.zh}`,
        en: `${k.stat === 'mean' ? 'mean' : '90th percentile'} over: ${s.en}`,
      },
      denominator: null,
    };
  }
  return {
    numerator: {
      zh: `${SETS[k.numerator].name.zh}：${SETS[k.numerator].definition.zh}`,
      en: `${SETS[k.numerator].name.en}: ${SETS[k.numerator].definition.en}`,
    },
    denominator: {
      zh: `${SETS[k.denominator].name.zh}：${SETS[k.denominator].definition.zh}`,
      en: `${SETS[k.denominator].name.en}: ${SETS[k.denominator].definition.en}`,
    },
  };
}
