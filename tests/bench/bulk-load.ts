import type { Queryable } from '../../api/db/types';
import { problemPartitionsRepository } from '../../api/repositories/problem-partitions';

/**
 * What the benches' set-based loaders do around a bulk insert into problems / problem_events:
 * the months of the window get their partitions first (migration 025: a row of a month without
 * one would land in the default partition), and the secondary indexes are dropped and built
 * again afterwards (sorted builds, ten times faster than maintaining them row by row). Answers
 * the statements that build the indexes again.
 */
export async function prepareBulkLoad(tx: Queryable, tables: string[], from: Date, to: Date): Promise<string[]> {
  await problemPartitionsRepository(tx).ensure(from, to);
  const dropped: string[] = [];
  for (const table of tables) {
    const { rows: indexes } = await tx.query<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass)`,
      [table],
    );
    for (const i of indexes) {
      await tx.query(`DROP INDEX ${i.name}`);
      // a partitioned table's index reads "ON ONLY" in pg_indexes; built again, it must reach every partition
      dropped.push(i.def.replace(' ON ONLY ', ' ON '));
    }
  }
  return dropped;
}
