import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layer rule of docs/ARCHITECTURE.md, checked on the source: SQL text lives only in
 * api/repositories/ (and sql/, and the migration runner). The import rules are eslint's.
 */
const ROOT = join(__dirname, '..', '..');
const SQL = /\b(SELECT|INSERT INTO|DELETE FROM)\b|\bUPDATE [a-z_]+ SET\b|\bCREATE (TABLE|INDEX|FUNCTION)\b/;
const ALLOWED = ['api/repositories/', 'api/db/migrate.ts'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the layer rule', () => {
  it('finds SQL text only in api/repositories and the migration runner', () => {
    const offenders: string[] = [];
    for (const file of files(join(ROOT, 'api'))) {
      const rel = relative(ROOT, file).replaceAll('\\', '/');
      if (ALLOWED.some((a) => rel.startsWith(a))) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (SQL.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it('would notice SQL in a service (the check can fail)', () => {
    expect(SQL.test("await tx.query('SELECT id FROM problems WHERE id = $1', [id]);")).toBe(true);
    expect(SQL.test("await tx.query('UPDATE problems SET state = $2', [id, s]);")).toBe(true);
    expect(SQL.test('// select the rows the caller may see')).toBe(false);
  });

  it('keeps api/ free of the demo: nothing imports data/', () => {
    const offenders = files(join(ROOT, 'api')).filter((f) => /from '(\.\.\/)+data\//.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(ROOT, f))).toEqual([]);
  });
});
