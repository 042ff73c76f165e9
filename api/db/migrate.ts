import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './types';

export const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));

export interface MigrationReport {
  applied: string[];
  functions: string[];
}

export class EditedMigrationError extends Error {
  constructor(readonly file: string) {
    super(
      `migration ${file} was changed after it was applied to this database; ` +
        'shipped migrations are never edited: add a new numbered migration instead',
    );
  }
}

const sha256 = (text: string) => createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');

async function sqlFiles(dir: string): Promise<{ name: string; text: string }[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(dir, name), 'utf8') })));
}

/**
 * Applies sql/migrations/NNN-*.sql in order, in one transaction, each recorded with its
 * checksum, then re-applies sql/functions/*.sql (CREATE OR REPLACE). Idempotent; an advisory lock
 * keeps two servers starting at once from racing. Refuses to continue if a recorded migration's
 * file has changed since it was applied.
 */
export async function migrate(db: Db, sqlDir = SQL_DIR): Promise<MigrationReport> {
  const migrations = await sqlFiles(join(sqlDir, 'migrations'));
  const functions = await sqlFiles(join(sqlDir, 'functions'));
  for (const m of migrations) {
    if (!/^\d{3}-[a-z0-9-]+\.sql$/.test(m.name))
      throw new Error(`bad migration file name: ${m.name} (want NNN-name.sql)`);
  }
  const report: MigrationReport = { applied: [], functions: [] };
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['wangge-migrate']);
    await tx.exec(`CREATE EXTENSION IF NOT EXISTS postgis;
      CREATE TABLE IF NOT EXISTS schema_migrations (
        name text PRIMARY KEY,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      );`);
    const { rows } = await tx.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations');
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    for (const m of migrations) {
      const sum = sha256(m.text);
      const recorded = done.get(m.name);
      if (recorded !== undefined) {
        if (recorded !== sum) throw new EditedMigrationError(m.name);
        continue;
      }
      await tx.exec(m.text);
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [m.name, sum]);
      report.applied.push(m.name);
    }
    // Function files may call one another; bodies are checked when called, not in file order.
    await tx.exec('SET LOCAL check_function_bodies = off');
    for (const f of functions) {
      await tx.exec(f.text);
      report.functions.push(f.name);
    }
  });
  return report;
}
