import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
// Exclusion constraints on (area, period) in 003-contracting.sql need btree_gist.
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import type { Db, Queryable } from './types';

export interface PgliteOptions {
  /** folder for the data; omitted = in memory */
  dataDir?: string;
  /** a dumpDataDir() tarball to start from (tests: ~2.5 s instead of ~15 s) */
  loadDataDir?: Blob | File;
}

/**
 * Embedded PostgreSQL + PostGIS in WASM. One connection: PGlite queues queries itself and
 * `transaction` holds its lock, so concurrent requests are serialised, never interleaved.
 */
export async function openPgliteDb(options: PgliteOptions = {}): Promise<Db> {
  const pg = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { postgis, btree_gist },
  });
  const wrap = (c: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<T>(text: string, params?: readonly unknown[]) {
      const r = await c.query<T>(text, params as unknown[] | undefined);
      return { rows: r.rows };
    },
    async exec(sql: string) {
      await c.exec(sql);
    },
  });
  const base = wrap(pg);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    // In process: PGlite hands a NOTIFY to its listeners after the statement that commits it.
    listen: (channel, onPayload) => pg.listen(channel, (payload) => onPayload(payload)),
    async close() {
      await pg.close();
    },
    // Used by the test harness to snapshot a migrated database.
    ...({ dump: () => pg.dumpDataDir('gzip') } as object),
  };
}

/** Snapshot of a PGlite database (tests build the migrated schema once per run). */
export async function dumpPglite(db: Db): Promise<Blob> {
  const dump = (db as unknown as { dump?: () => Promise<Blob> }).dump;
  if (!dump) throw new Error('not a PGlite database');
  return dump();
}
