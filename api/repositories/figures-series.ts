import type { Queryable } from '../db/types';
import type { Scope } from './areas';
import { setsFor, type Kpi } from '../domain/kpi';
import { COHORT_SQL } from './figure-sets';
import { aggregates, PARAMS, READABLE, WITHIN, type EntityAggregates, type FigureQuery } from './figures';

/**
 * The figures of each Beijing day (GET /api/figures/series): the query of figures.ts with the
 * problems grouped by the day they were reported instead of by an entity — the same cohort, the
 * same sets (figure-sets.ts), the same rule of who may read a problem (READABLE). Every day of the
 * period is listed, zeros included. Parameters: PARAMS' seven ($1 from = the first day's Beijing
 * midnight, $2 to = the midnight after the last day, $6 within = the area code), then $8 the first
 * day and $9 the last day (dates).
 */
export function seriesSql(kpis: readonly Kpi[]): string {
  return `${PARAMS},
  days AS (SELECT d::date AS d FROM generate_series($8::date, $9::date, interval '1 day') d),
  agg AS (
    SELECT (p.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS d,
    ${aggregates(setsFor(kpis), kpis, false)}
    FROM problems p
    WHERE ${COHORT_SQL} AND ${READABLE} AND ${WITHIN}
    GROUP BY 1
  )
  SELECT to_char(days.d, 'YYYY-MM-DD') AS day, agg.* FROM days LEFT JOIN agg ON agg.d = days.d
  ORDER BY days.d`;
}

export type DayAggregates = Omit<EntityAggregates, 'id' | 'code' | 'name'> & { day: string };
export interface SeriesArea {
  id: number;
  code: string;
  name: string;
  level: 'county' | 'street' | 'community' | 'grid';
}

export function figuresSeriesRepository(db: Queryable) {
  return {
    /** one row per day from `first` to `last` (Beijing dates, both included) */
    async days(kpis: readonly Kpi[], q: FigureQuery, first: string, last: string): Promise<DayAggregates[]> {
      const params = [q.from, q.to, q.asOf, q.viewer.role, q.viewer.scope, q.within, q.viewer.userId, first, last];
      return (await db.query<DayAggregates>(seriesSql(kpis), params)).rows;
    },
    /** the area by code when it lies inside the scope (null: absent or out of scope) */
    async area(code: string, scope: Scope): Promise<SeriesArea | null> {
      const { rows } = await db.query<SeriesArea>(
        `SELECT a.id, a.code, a.name, a.level::text AS level FROM areas a
         WHERE a.code = $1 AND area_within(a.code, $2::text[])`,
        [code, scope],
      );
      return rows[0] ?? null;
    },
  };
}
