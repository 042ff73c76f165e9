import { resolve } from 'node:path';

export interface Config {
  host: string;
  port: number;
  /** PostgreSQL + PostGIS; absent → embedded PGlite in dataDir */
  databaseUrl: string | null;
  dataDir: string;
  /** seed the demo city when the database has no areas */
  demo: boolean;
  demoGrids: number;
  /** problems the demo city gets on first start (0: none) */
  demoProblems: number;
  webRoot: string;
  logLevel: string;
  /** mark the session cookie Secure (serve behind HTTPS) */
  secureCookies: boolean;
  /** login attempts per minute per address */
  loginRateLimit: number;
  /** the app clock starts here and ticks on (tests, demos, e2e); null: the system clock */
  clockStart: Date | null;
  /** POST /api/dev/clock may move the app clock (tests and e2e only, never in production) */
  controllableClock: boolean;
  /** API processes (node:cluster, api/server.ts); more than 1 only on PostgreSQL */
  workers: number;
}

/** Reads and checks the environment once at boot; a bad value stops the server with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < min || v > max)
      throw new Error(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
    return v;
  };
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new Error('DATABASE_URL must start with postgres:// or postgresql://');
  const demo = env.WANGGE_DEMO ?? '1';
  if (!['0', '1'].includes(demo)) throw new Error(`WANGGE_DEMO must be 0 or 1, got "${demo}"`);
  const clockRaw = env.WANGGE_CLOCK_START?.trim() || '';
  // an explicit offset is required: "2026-11-18T10:00" would be read in the server's time zone
  if (clockRaw && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(clockRaw)) {
    throw new Error(
      `WANGGE_CLOCK_START must be an ISO date-time with an offset (2026-11-18T10:00:00+08:00), got "${clockRaw}"`,
    );
  }
  const controllable = env.WANGGE_CONTROLLABLE_CLOCK ?? '0';
  if (!['0', '1'].includes(controllable))
    throw new Error(`WANGGE_CONTROLLABLE_CLOCK must be 0 or 1, got "${controllable}"`);
  const workers = int('WANGGE_WORKERS', 1, 1, 64);
  if (workers > 1 && !databaseUrl)
    throw new Error(
      `WANGGE_WORKERS=${workers} needs DATABASE_URL (PostgreSQL): the embedded database (PGlite) lives in one process, so it runs one API process / 内置数据库只能由一个进程使用，多进程请配置 DATABASE_URL`,
    );
  return {
    host: env.HOST || '127.0.0.1',
    port: int('PORT', 8080, 0, 65535),
    databaseUrl,
    dataDir: resolve(env.WANGGE_DATA_DIR || '.wangge/data'),
    demo: demo === '1',
    demoGrids: int('WANGGE_DEMO_GRIDS', 300, 10, 200_000),
    demoProblems: int('WANGGE_DEMO_PROBLEMS', 5000, 0, 100_000),
    webRoot: resolve(env.WANGGE_WEB_ROOT || 'dist/web'),
    logLevel: env.LOG_LEVEL || 'warn',
    secureCookies: env.WANGGE_SECURE_COOKIES === '1',
    loginRateLimit: int('WANGGE_LOGIN_RATE_LIMIT', 10, 1, 100_000),
    clockStart: clockRaw ? new Date(clockRaw) : null,
    controllableClock: controllable === '1',
    workers,
  };
}

/** The language of the command line's messages (data/cli.ts): WANGGE_LANG, else LANG; Chinese unless English. */
export function cliLang(env: NodeJS.ProcessEnv = process.env): 'zh' | 'en' {
  return /^en/i.test(env.WANGGE_LANG ?? env.LANG ?? '') ? 'en' : 'zh';
}
