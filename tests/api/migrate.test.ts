import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../api/db/types';
import { EditedMigrationError, SQL_DIR, migrate } from '../../api/db/migrate';
import { backends } from './harness';

describe.each(backends())('migrations on $name', (backend) => {
  let db: Db;
  let sqlCopy: string;
  beforeAll(async () => {
    db = await backend.open(); // already migrated by the global setup
    sqlCopy = await mkdtemp(join(tmpdir(), 'wangge-sql-'));
    await cp(SQL_DIR, sqlCopy, { recursive: true });
  });
  afterAll(async () => {
    await db?.close();
    await rm(sqlCopy, { recursive: true, force: true });
  });

  it('is idempotent: a second run applies no migration and re-applies the functions', async () => {
    const report = await migrate(db);
    expect(report.applied).toEqual([]);
    expect(report.functions).toContain('tile_geom.sql');
    const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(rows.map((r) => r.name)).toContain('001-areas.sql');
  });

  it('applies a new migration once and records it', async () => {
    await writeFile(join(sqlCopy, 'migrations', '900-test-note.sql'), 'CREATE TABLE test_note (id int);');
    expect((await migrate(db, sqlCopy)).applied).toEqual(['900-test-note.sql']);
    expect((await migrate(db, sqlCopy)).applied).toEqual([]);
  });

  it('refuses to run when a shipped migration was edited, changing nothing', async () => {
    const file = join(sqlCopy, 'migrations', '001-areas.sql');
    await writeFile(file, (await readFile(file, 'utf8')) + '\n-- edited\n');
    await writeFile(join(sqlCopy, 'migrations', '901-after-edit.sql'), 'CREATE TABLE after_edit (id int);');
    await expect(migrate(db, sqlCopy)).rejects.toThrow(EditedMigrationError);
    await expect(migrate(db, sqlCopy)).rejects.toThrow(/001-areas\.sql was changed after it was applied/);
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'after_edit'`,
    );
    expect(rows[0]!.n).toBe(0);
  });
});
