/**
 * The migrated template the per-file databases are copied from, named after the database of
 * TEST_DATABASE_URL (wangge_test → wangge_test_template), so that two runs against different
 * databases of one server do not drop each other's template.
 */
export function templateDb(url: string): string {
  const name = new URL(url).pathname.replace(/^\//, '') || 'wangge_test';
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`TEST_DATABASE_URL: database name ${name} must be [a-z0-9_]`);
  return `${name}_template`;
}

/** The maintenance connection used to create and drop per-file databases. */
export function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
