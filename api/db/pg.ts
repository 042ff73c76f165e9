import pg from 'pg';
import type { Db, Queryable } from './types';

/** PostgreSQL + PostGIS through a `pg` pool (production, and the native test suite). */
export function openPgDb(connectionString: string, options: { max?: number } = {}): Db {
  // JIT off: our queries are short and planned often; JIT compilation added ~144 ms to a z10
  // problem tile whose work takes less (measured in the bench).
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, options: '-c jit=off' });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});

  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(text: string, params?: readonly unknown[]) {
      const r = await c.query(text, params as unknown[] | undefined);
      return { rows: r.rows as T[] };
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });
  const base = wrap(pool);

  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
