import type { Role } from '../auth/roles';
import type { Queryable } from '../db/types';
import { AppError, notFound, type Msg } from '../errors';
import { COHORT, KPIS, describe, figureOf, isKpiId, kpiById, partSets, type Kpi, type Part } from '../domain/kpi';
import { figuresRepository, type FigureQuery, type FigureViewer, type Level } from '../repositories/figures';
import type { Scope } from '../repositories/areas';
import type { FiguresResult, Indicator, ProblemsBehind } from '../schemas/figures';

/**
 * Who asks: scope, role and user (for unit staff, their unit). Every problem counted or listed
 * for them passes the rule of GET /api/problems/:id (problem_visible, in SQL): scope, and 暗访
 * hidden from unit and grid staff until assigned.
 */
export interface Caller extends FigureViewer {
  scope: Scope;
  role: Role;
  userId: number | null;
}

const MAX_SPAN_DAYS = 3 * 366;
const bad = (field: string, reason: Msg) =>
  new AppError(400, 'BadPeriod', { zh: `${field} 无效：${reason.zh}`, en: `invalid ${field}: ${reason.en}` }, [
    { field, reason },
  ]);

/** A period [from, to) judged at asOf (default now), checked. */
export function periodOf(
  q: { from: string; to: string; asOf?: string },
  now: Date,
): Pick<FigureQuery, 'from' | 'to' | 'asOf'> {
  const from = new Date(q.from),
    to = new Date(q.to);
  if (to <= from) throw bad('to', { zh: '结束时间必须晚于开始时间', en: 'must be after from' });
  if (to.getTime() - from.getTime() > MAX_SPAN_DAYS * 86400_000)
    throw bad('to', { zh: '统计周期不能超过三年', en: 'the period may not exceed three years' });
  const asOf = q.asOf ? new Date(q.asOf) : now;
  if (asOf < from) throw bad('asOf', { zh: '统计时点不能早于统计周期的开始', en: 'may not be before from' });
  return { from, to, asOf };
}

/** "found,closed,on_time_rate" → indicators; an unknown id is a 400 naming it. */
export function indicatorsOf(list: string | undefined): Kpi[] {
  if (!list || !list.trim()) return [...KPIS];
  const ids = [
    ...new Set(
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = ids.filter((id) => !isKpiId(id));
  if (unknown.length) {
    throw new AppError(
      400,
      'UnknownIndicator',
      { zh: `未知指标：${unknown.join('、')}`, en: `unknown indicator: ${unknown.join(', ')}` },
      unknown.map((id) => ({
        field: 'indicators',
        reason: {
          zh: `「${id}」不是指标，可用：${KPIS.map((k) => k.id).join(', ')}`,
          en: `"${id}" is not an indicator; known: ${KPIS.map((k) => k.id).join(', ')}`,
        },
      })),
    );
  }
  return ids.map((id) => kpiById(id)!);
}

export function indicatorDef(k: Kpi): Indicator {
  const d = describe(k);
  return {
    id: k.id,
    kind: k.kind,
    unit: k.unit,
    better: k.better,
    name: k.name,
    cohort: COHORT,
    numerator: d.numerator,
    denominator: d.denominator,
    exclusions: k.exclusions,
  };
}

export const figureQuery = (
  period: Pick<FigureQuery, 'from' | 'to' | 'asOf'>,
  caller: Caller,
  within: string | null = null,
): FigureQuery => ({ ...period, viewer: { scope: caller.scope, role: caller.role, userId: caller.userId }, within });

export async function computeFigures(db: Queryable, level: Level, kpis: Kpi[], q: FigureQuery): Promise<FiguresResult> {
  const rows = await figuresRepository(db).aggregates(level, kpis, q);
  return {
    level,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    asOf: q.asOf.toISOString(),
    indicators: kpis.map(indicatorDef),
    rows: rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      figures: Object.fromEntries(kpis.map((k) => [k.id, figureOf(k, r)])),
    })),
  };
}

/** The problems behind one part of one entity's figure: the same cohort and predicate, listed. */
export async function problemsBehind(
  db: Queryable,
  p: { indicator: string; part?: Part; level: Level; entity: number; limit: number; offset: number },
  q: FigureQuery,
): Promise<ProblemsBehind> {
  const k = kpiById(p.indicator);
  if (!k)
    throw new AppError(
      400,
      'UnknownIndicator',
      { zh: `未知指标：${p.indicator}`, en: `unknown indicator: ${p.indicator}` },
      [{ field: 'indicator', reason: { zh: '不是指标', en: 'not an indicator' } }],
    );
  const part = p.part ?? 'numerator';
  if (!partSets(k, part)) {
    throw new AppError(
      400,
      'NoDenominator',
      { zh: `「${k.name.zh}」没有分母，只能查看分子`, en: `"${k.name.en}" has no denominator: ask for the numerator` },
      [{ field: 'part', reason: { zh: '只能为 numerator', en: 'must be numerator' } }],
    );
  }
  const repo = figuresRepository(db);
  const entity = await repo.entity(p.level, p.entity, q);
  if (!entity) throw notFound({ zh: '该统计对象', en: 'entity' });
  const rows = await repo.problems(p.level, k, part, entity.k, q, p.limit, p.offset);
  let total = rows[0]?.total;
  if (total === undefined) {
    // An offset past the end returns no row to carry the total: count it alone.
    total = p.offset > 0 ? ((await repo.problems(p.level, k, part, entity.k, q, 1, 0))[0]?.total ?? 0) : 0;
  }
  return {
    indicator: k.id,
    part,
    level: p.level,
    entity: { id: entity.id, code: entity.code, name: entity.name },
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    asOf: q.asOf.toISOString(),
    total,
    problems: rows.map(({ total: _t, ...r }) => r as unknown as ProblemsBehind['problems'][number]),
  };
}
