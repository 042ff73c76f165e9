import type { Queryable } from '../../api/db/types';
import { problemPartitionsRepository } from '../../api/repositories/problem-partitions';

/**
 * What the benches' set-based loaders do around a bulk insert into problems / problem_events,
 * inside their transaction, as pg_dump orders a restore (data first, then what checks it):
 * - the months of the window get their partitions first (migration 025: a row of a month without
 *   one would land in the default partition);
 * - the secondary indexes are dropped and built again afterwards (sorted builds, ten times
 *   faster than maintaining them row by row);
 * - the foreign keys of the loaded tables are dropped and added again afterwards, which checks
 *   every row in one join per key: row by row, each event's check locks its problem (FOR KEY
 *   SHARE), rewriting every problem page once per event — 10,000,000 problems' events had not
 *   finished after 45 minutes that way;
 * - the other triggers are off meanwhile (the NOTIFY of problem_events would otherwise keep the
 *   whole load's rows in its transition table; the day counts are rebuilt by the caller).
 * `finish` puts everything back, in that order; a failure rolls it all back with the load.
 */
export async function prepareBulkLoad(
  tx: Queryable,
  tables: string[],
  from: Date,
  to: Date,
): Promise<{ finish: (step?: (label: string, fn: () => Promise<unknown>) => Promise<unknown>) => Promise<void> }> {
  await problemPartitionsRepository(tx).ensure(from, to);
  const indexes: string[] = [];
  const keys: string[] = [];
  for (const table of tables) {
    // the table's own keys and its partitions' (an event's key to its problem is month to month)
    const { rows: fks } = await tx.query<{ owner: string; name: string; def: string }>(
      `SELECT conrelid::regclass::text AS owner, conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
       WHERE contype = 'f' AND conparentid = 0
         AND conrelid IN (SELECT $1::regclass UNION ALL SELECT inhrelid FROM pg_inherits WHERE inhparent = $1::regclass)`,
      [table],
    );
    for (const k of fks) {
      await tx.query(`ALTER TABLE ${k.owner} DROP CONSTRAINT ${k.name}`);
      keys.push(`ALTER TABLE ${k.owner} ADD CONSTRAINT ${k.name} ${k.def}`);
    }
    const { rows: found } = await tx.query<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass)`,
      [table],
    );
    for (const i of found) {
      await tx.query(`DROP INDEX ${i.name}`);
      // a partitioned table's index reads "ON ONLY" in pg_indexes; built again, it must reach every partition
      indexes.push(i.def.replace(' ON ONLY ', ' ON '));
    }
    await tx.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  }
  return {
    async finish(step = (_label, fn) => fn()) {
      await step('indexes', async () => {
        for (const def of indexes) await tx.query(def);
      });
      await step('foreign keys', async () => {
        for (const def of keys) await tx.query(def);
      });
      for (const table of tables) await tx.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    },
  };
}
