import pg from 'pg';
import { openPgDb } from '../../api/db/pg';
import type { Db } from '../../api/db/types';

/**
 * A bench's own database on the server of `url` (whose user may create databases): dropped if it
 * is there, created empty, and opened. The benches that seed their own city call this.
 */
export async function freshDatabase(url: string, name: string): Promise<Db> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench database name ${name} must be [a-z0-9_]`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return openPgDb(u.toString());
}

/** A bench's own database kept between runs (a loaded city is reused): created empty when missing, and opened. */
export async function keptDatabase(url: string, name: string): Promise<Db> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bench database name ${name} must be [a-z0-9_]`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount)
      await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return openPgDb(u.toString());
}
