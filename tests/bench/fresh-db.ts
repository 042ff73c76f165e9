import pg from 'pg';
import { openPgDb } from '../../api/db/pg';
import type { Db } from '../../api/db/types';

/**
 * A bench's own database on the server of `url` (whose user may create databases), opened.
 * Fresh (the default): dropped if it is there and created empty — the benches that seed their own
 * city. Kept: created empty only when missing, so a loaded city is reused between runs.
 */
async function benchDatabase(url: string, name: string, keep: boolean): Promise<Db> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench database name ${name} must be [a-z0-9_]`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const exists = keep && (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
    if (!exists) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}`);
    }
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return openPgDb(u.toString());
}

export const freshDatabase = (url: string, name: string): Promise<Db> => benchDatabase(url, name, false);
export const keptDatabase = (url: string, name: string): Promise<Db> => benchDatabase(url, name, true);
