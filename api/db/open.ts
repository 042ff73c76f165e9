import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config';
import { openPgDb } from './pg';
import { openPgliteDb } from './pglite';
import type { Db } from './types';

/** DATABASE_URL → PostgreSQL pool; otherwise embedded PGlite with its data in config.dataDir. */
export async function openDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Db> {
  if (config.databaseUrl) return openPgDb(config.databaseUrl);
  await mkdir(config.dataDir, { recursive: true });
  const release = await lockDataDir(config.dataDir);
  try {
    const db = await openPgliteDb({ dataDir: config.dataDir });
    return {
      ...db,
      close: async () => {
        await db.close();
        await release();
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * A pid file refuses that with a clear message; a stale one (dead pid) is taken over.
 */
async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = join(dir, 'wangge.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await readFile(file, 'utf8').catch(() => ''));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `the data folder ${dir} is in use by process ${pid} (a Wangge server or command); stop it first, or use DATABASE_URL`,
        );
      }
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not lock the data folder ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
