import pg from 'pg';
import type { Db, Queryable, QueryOptions } from './types';

const INT8 = 20;
const INT8_ARRAY = 1016;
/**
 * bigint (int8) as a JavaScript number, as PGlite answers it: problem ids are bigint
 * (yyyymm × 10¹⁰ + n, migration 025), below 2⁵³ until the year 9007. A value beyond the safe
 * integers is refused rather than rounded.
 */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} is beyond JavaScript's safe integers`);
  return n;
}
// the driver's own parsers, by oid (its typings list only the oids it names)
const builtin = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => (text: string) => unknown;
const int8Array = builtin(INT8_ARRAY) as (text: string) => (string | null)[];
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return parseInt8;
    if (oid === INT8_ARRAY) return (text: string) => int8Array(text).map((x) => (x === null ? null : parseInt8(x)));
    return builtin(oid, format);
  },
};

/** PostgreSQL + PostGIS through a `pg` pool (production, and the native test suite). */
export function openPgDb(connectionString: string, options: { max?: number } = {}): Db {
  // JIT off: our queries are short and planned often; JIT compilation added ~144 ms to a z10
  // problem tile whose work takes less (measured in the bench).
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, options: '-c jit=off', types });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});

  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(text: string, params?: readonly unknown[], options?: QueryOptions) {
      const values = params as unknown[] | undefined;
      const r = await (options?.name ? c.query({ name: options.name, text, values }) : c.query(text, values));
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
    listen: (channel, onPayload) => listenOn(connectionString, channel, onPayload),
    async close() {
      await pool.end();
    },
  };
}

const RETRY_MS = [500, 1000, 2000, 5000, 10_000];

/**
 * A dedicated connection (not from the pool: a pooled one is handed to others between queries)
 * that LISTENs on `channel`. When it drops it reconnects with back-off and reports `null` once it
 * listens again: NOTIFYs sent meanwhile are lost, the caller catches up from the tables.
 */
async function listenOn(
  connectionString: string,
  channel: string,
  onPayload: (payload: string | null) => void,
): Promise<() => Promise<void>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name: ${channel}`);
  let client: pg.Client | null = null;
  let stopped = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString });
    c.on('notification', (n) => {
      if (n.channel === channel) onPayload(n.payload ?? '');
    });
    const lost = () => {
      if (client !== c || stopped) return;
      client = null;
      c.end().catch(() => {});
      retry();
    };
    c.on('error', lost);
    c.on('end', lost);
    await c.connect();
    await c.query(`LISTEN ${channel}`);
    client = c;
  };
  const retry = () => {
    const wait = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)];
    timer = setTimeout(() => {
      if (stopped) return;
      connect().then(() => {
        attempt = 0;
        onPayload(null);
      }, retry);
    }, wait);
    timer.unref();
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    const c = client;
    client = null;
    await c?.end().catch(() => {});
  };
}
