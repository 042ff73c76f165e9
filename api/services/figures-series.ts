import type { Queryable } from '../db/types';
import { AppError, type Msg } from '../errors';
import { figureOf, type Kpi } from '../domain/kpi';
import { figuresSeriesRepository } from '../repositories/figures-series';
import type { FiguresSeries, FiguresSeriesQuery } from '../schemas/figures';
import { figureQuery, indicatorDef, indicatorsOf, periodOf, type Caller } from './figures';

const MAX_DAYS = 366;
const DAY_MS = 86400_000;
/** A Beijing day's first instant (UTC+8, no daylight saving). */
const midnight = (day: string) => new Date(`${day}T00:00:00+08:00`);
const bad = (field: string, reason: Msg) =>
  new AppError(400, 'BadPeriod', { zh: `${field} 无效：${reason.zh}`, en: `invalid ${field}: ${reason.en}` }, [
    { field, reason },
  ]);

/**
 * The figures of each Beijing day from `from` to `to` (both included): for each day, the figures
 * (api/domain/kpi.ts) of the problems reported that day, judged at asOf — each day's row equals
 * GET /api/figures for that day's period. Scoped like the figures: only problems the caller may
 * open count, and an area must lie inside the caller's scope (else 404, as if absent).
 */
export async function figuresSeries(
  db: Queryable,
  q: Pick<FiguresSeriesQuery, 'from' | 'to' | 'asOf' | 'area' | 'indicators'>,
  caller: Caller,
  now: Date,
): Promise<{ result: FiguresSeries } | { outOfScope: string }> {
  const kpis: Kpi[] = indicatorsOf(q.indicators);
  if (q.to < q.from) throw bad('to', { zh: '最后一天不能早于第一天', en: 'may not be before from' });
  const from = midnight(q.from);
  const to = new Date(midnight(q.to).getTime() + DAY_MS);
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS)
    throw bad('to', { zh: `最多 ${MAX_DAYS} 天`, en: `at most ${MAX_DAYS} days` });
  const period = periodOf({ from: from.toISOString(), to: to.toISOString(), asOf: q.asOf }, now);
  const repo = figuresSeriesRepository(db);
  const area = q.area ? await repo.area(q.area, caller.scope) : null;
  if (q.area && !area) return { outOfScope: q.area };
  const rows = await repo.days(kpis, figureQuery(period, caller, area?.code ?? null), q.from, q.to);
  return {
    result: {
      from: q.from,
      to: q.to,
      asOf: period.asOf.toISOString(),
      area,
      indicators: kpis.map(indicatorDef),
      days: rows.map((r) => ({ day: r.day, figures: Object.fromEntries(kpis.map((k) => [k.id, figureOf(k, r)])) })),
    },
  };
}
