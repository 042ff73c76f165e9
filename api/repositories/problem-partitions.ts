import type { Queryable } from '../db/types';

/**
 * The monthly partitions of problems and problem_events (migration 025, docs/SCALE.md
 * "Monthly partitions"): problem_partitions_ensure creates the months that are missing, from
 * the Beijing month of `from` to that of `to`, both included (problem_month does the calendar).
 */
const SQL_ENSURE = `
  SELECT problem_partitions_ensure(to_date(problem_month($1)::text, 'YYYYMM'),
    (((problem_month($2) / 100) * 12 + problem_month($2) % 100) - ((problem_month($1) / 100) * 12 + problem_month($1) % 100) + 1)::int) AS made`;

/** The partitions holding problems and events, with their bounds and row estimates (pg_class.reltuples). */
const SQL_LIST = `
  SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, greatest(c.reltuples, 0)::float8 AS "estimatedRows"
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  WHERE i.inhparent = 'problems'::regclass ORDER BY c.relname`;

export function problemPartitionsRepository(db: Queryable) {
  return {
    /** Creates the months from `from` to `to` that have no partition yet; answers how many it made. */
    async ensure(from: Date | number, to: Date | number): Promise<number> {
      const { rows } = await db.query<{ made: number }>(SQL_ENSURE, [new Date(from), new Date(to)]);
      return rows[0]?.made ?? 0;
    },
    async list(): Promise<{ name: string; bound: string; estimatedRows: number }[]> {
      return (await db.query<{ name: string; bound: string; estimatedRows: number }>(SQL_LIST)).rows;
    },
  };
}
