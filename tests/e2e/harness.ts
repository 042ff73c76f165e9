import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { inject } from 'vitest';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const SHOTS = join(ROOT, 'test-results', 'e2e');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Where the e2e servers' web bundle is built and served from: dist/web, or WANGGE_E2E_DIST (a
 * folder of one's own, so that two e2e runs on one machine never rebuild each other's bundle).
 */
const WEB_DIST = resolve(ROOT, process.env.WANGGE_E2E_DIST || join('dist', 'web'));

/** Newest modification time of the files a web build is made from. */
function newestInput(): number {
  let newest = 0;
  const visit = (path: string) => {
    const st = statSync(path);
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['web', 'api/schemas', 'vite.config.ts', 'package-lock.json']) visit(join(ROOT, p));
  return newest;
}

/**
 * Builds the web app unless dist/web is newer than every input: each e2e file calls this, and
 * the second one would otherwise spend its time rebuilding the same bundle.
 */
export function buildWeb(): void {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index) || statSync(index).mtimeMs < newestInput()) {
    execSync(`npx vite build --logLevel warn --outDir ${JSON.stringify(WEB_DIST)} --emptyOutDir`, {
      cwd: ROOT,
      stdio: 'inherit',
      timeout: 180_000,
    });
  }
  mkdirSync(SHOTS, { recursive: true });
}

/**
 * The app clock of every e2e server: a Wednesday morning, Beijing time, ticking from there. The
 * tests move it forward by hours or days; from a Wednesday that never crosses into another week
 * or month, so no test depends on the day it is run (issue 10: a Saturday-night run failed).
 */
export const E2E_CLOCK_START = '2026-11-18T10:00:00+08:00';

/** A Beijing calendar day relative to the e2e clock's start (0: the start day). */
export function e2eDay(offsetDays = 0): string {
  return new Date(Date.parse(E2E_CLOCK_START) + 8 * 3600_000 + offsetDays * 86400_000).toISOString().slice(0, 10);
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** The seeded template folder of this run (global-setup.ts), or null outside the e2e project. */
function templateDir(): string | null {
  try {
    return inject('e2eTemplate') ?? null;
  } catch {
    return null; // not inside a vitest worker of the e2e project
  }
}

/**
 * The real server on an embedded database in a fresh folder: a copy of the run's seeded template
 * (global-setup.ts) when there is one, else a cold first start that unpacks PostGIS and seeds the
 * demo city (tens of seconds). Started in its own process group so that stopping it also stops
 * the node process tsx spawns. `place.dataDir` + `keep`: the global setup making the template.
 */
export async function startServer(
  timeoutMs = 240_000,
  extraEnv: Record<string, string> = {},
  place: { dataDir?: string; keep?: boolean } = {},
): Promise<RunningServer> {
  const dataDir = place.dataDir ?? mkdtempSync(join(tmpdir(), 'wangge-e2e-'));
  const template = place.dataDir ? null : templateDir();
  if (template) cpSync(template, dataDir, { recursive: true });
  // extraEnv: e.g. WANGGE_CONTROLLABLE_CLOCK=1 for a test that moves the app clock
  // No demo problems unless a test asks (WANGGE_DEMO_PROBLEMS in extraEnv): the tests count on a
  // city without problems, and the template start stays short.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    WANGGE_DEMO_PROBLEMS: '0',
    WANGGE_CLOCK_START: E2E_CLOCK_START,
    ...extraEnv,
    PORT: '0',
    HOST: '127.0.0.1',
    WANGGE_WEB_ROOT: WEB_DIST,
    WANGGE_DATA_DIR: dataDir,
  };
  delete env.DATABASE_URL;
  // the start script with the demo wired in (npm start / npm run serve)
  const child = spawn('npx', ['tsx', 'data/demo/start.ts'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const started = Date.now();
  const listening = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`server not listening after ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Wangge listening on (http:\/\/\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited (${code}) before listening:\n${output}`));
    });
  });
  // it listens first and prepares the demo afterwards (503 meanwhile): ready when health says ok
  const url = await untilHealthy(listening, started + timeoutMs, () => output, child).catch(async (err: unknown) => {
    await stopServer(child, place.keep ? null : dataDir);
    throw err;
  });
  return { url, stop: () => stopServer(child, place.keep ? null : dataDir) };
}

async function untilHealthy(url: string, deadline: number, output: () => string, child: ChildProcess): Promise<string> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) while preparing:\n${output()}`);
    const body = await fetch(`${url}/api/health`).then(
      (r) => r.json() as Promise<{ status?: string }>,
      () => null,
    );
    if (body?.status === 'ok') return url;
    if (Date.now() > deadline) throw new Error(`server not ready (health ${JSON.stringify(body)}):\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stopServer(child: ChildProcess, dataDir: string | null): Promise<void> {
  if (child.exitCode === null && child.pid !== undefined) {
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

/**
 * Console errors and uncaught exceptions of a page: any of them fails the test. The browser logs
 * every 4xx/5xx response itself ("Failed to load resource …"), so the URL is kept with each
 * message: a test that provokes one on purpose removes exactly that one (see `expectErrors`).
 */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location().url;
    errors.push(`console: ${msg.text()}${url ? ` @ ${url}` : ''}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

/**
 * Removes the errors a test provoked on purpose (each pattern must match at least one, so a
 * test notices when its error did not happen); whatever else is left still fails the test.
 */
export function expectErrors(errors: string[], ...patterns: RegExp[]): void {
  for (const p of patterns) {
    if (!errors.some((e) => p.test(e)))
      throw new Error(`expected a console error matching ${p}, got ${JSON.stringify(errors)}`);
  }
  const rest = errors.filter((e) => !patterns.some((p) => p.test(e)));
  errors.splice(0, errors.length, ...rest);
}

/** Demo accounts are seeded with the password demo-<username>-2026. */
export const demoPassword = (username: string) => `demo-${username}-2026`;

/** Logs in through the login screen (zh-CN labels), submitting with Enter as a user would. */
export async function logIn(page: Page, username: string, password = demoPassword(username)): Promise<void> {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByLabel('密码', { exact: true }).press('Enter');
}

/** Resolves when the map has stopped moving and every visible tile is loaded and drawn. */
export async function mapIdle(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const map = window.__wangge?.map;
      return !!map && map.loaded() && map.areTilesLoaded() && !map.isMoving();
    },
    undefined,
    { timeout, polling: 200 },
  );
  // one more frame so that symbol placement has run
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
}

/** Distinct ids of features drawn in a layer (a polygon cut by tile edges comes back in pieces). */
export function renderedIds(page: Page, layer: string): Promise<number[]> {
  return page.evaluate((layerId) => {
    const map = window.__wangge?.map;
    if (!map?.getLayer(layerId)) return [];
    const ids = new Set<number>();
    for (const f of map.queryRenderedFeatures({ layers: [layerId] })) if (typeof f.id === 'number') ids.add(f.id);
    return [...ids];
  }, layer);
}

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}
