import { mkdir } from 'node:fs/promises';
import type { Config } from '../config';
import { openPgDb } from './pg';
import { openPgliteDb } from './pglite';
import type { Db } from './types';

/** DATABASE_URL → PostgreSQL pool; otherwise embedded PGlite with its data in config.dataDir. */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  if (config.databaseUrl) return openPgDb(config.databaseUrl);
  await mkdir(config.dataDir, { recursive: true });
  return openPgliteDb({ dataDir: config.dataDir });
}
