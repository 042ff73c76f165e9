/**
 * The field workspace on a slow phone network (issue 14): Chromium (playwright-core, the e2e
 * flags) at 390×844, throttled with CDP Network.emulateNetworkConditions to Chrome DevTools'
 * "Slow 4G" preset — Lighthouse's mobileSlow4G profile (150 ms RTT, 1.6 Mbps down, 750 kbps up)
 * with DevTools' request-level adjustment: 562.5 ms latency per request, throughput × 0.9
 * (180,000 B/s down, 84,375 B/s up). The server: the demo on PGlite (300 grids, the demo's
 * problems), the grid leader logged in by cookie before the first visit, so the visit itself starts
 * with an empty cache. Measured:
 * - cold: opening /m with nothing cached (no service worker) → my to-do visible;
 * - warm: the second visit with the service worker installed (shell from its cache) → to-do visible;
 * - bytes of the cold start (Σ encodedDataLength of Network.loadingFinished), until the to-do
 *   shows and once the page is quiet (map tiles included), and the largest files;
 * - the offline cache after the warm visit: CacheStorage (every entry's body summed) and
 *   navigator.storage.estimate() (CacheStorage + IndexedDB + the worker's script).
 * `npx tsx tests/bench/field-cold.ts` runs it alone (builds dist/web unless WANGGE_BENCH_DIST names a built bundle).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { builtWeb, startDemo } from './demo-server';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/harness';

/** Chrome DevTools' Slow 4G (front_end/core/sdk/NetworkManager.ts), bytes per second and ms */
export const SLOW_4G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
};
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
type Row = (...cells: (string | number)[]) => void;

/** Logs the grid leader in through the API and hands the session to a fresh browser context. */
async function leaderContext(url: string, context: BrowserContext): Promise<void> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'gridleader', password: 'demo-gridleader-2026' }),
  });
  if (res.status !== 200) throw new Error(`login answered ${res.status}`);
  const [pair] = (res.headers.get('set-cookie') ?? '').split(';');
  const [name, value] = pair!.split('=');
  await context.addCookies([{ name: name!, value: value!, url }]);
  // the web asks /api/auth/me at start only when this browser had a session (web/src/app/session.ts)
  await context.addInitScript(() => localStorage.setItem('wangge.session', '1'));
}

interface Visit {
  ms: number;
  bytesToTodo: number;
  bytesQuiet: number;
  files: { url: string; bytes: number }[];
}

/** Opens /m in a new throttled page; the time until my to-do (its items or "none") shows. */
async function visit(context: BrowserContext, url: string): Promise<{ page: Page; cdp: CDPSession; v: Visit }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  const urls = new Map<string, string>();
  const files: { url: string; bytes: number }[] = [];
  let bytes = 0;
  let last = performance.now();
  cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    last = performance.now();
    files.push({ url: urls.get(e.requestId) ?? e.requestId, bytes: e.encodedDataLength });
  });
  const t0 = performance.now();
  await page.goto(`${url}/m`, { waitUntil: 'commit' });
  await page
    .locator('[data-testid="todo-item"], [data-testid="field-todo"] .empty')
    .first()
    .waitFor({ timeout: 180_000 });
  const ms = performance.now() - t0;
  const bytesToTodo = bytes;
  // quiet: nothing finished loading for 3 s (map tiles, the worker's registration)
  while (performance.now() - last < 3000) await page.waitForTimeout(500);
  return { page, cdp, v: { ms, bytesToTodo, bytesQuiet: bytes, files } };
}

export interface FieldCold {
  /** the service worker's own requests were throttled as well on the warm visit */
  workerThrottled: boolean;
  cold: Visit;
  warm: Visit;
  cacheBytes: number;
  cacheEntries: number;
  estimateBytes: number;
}

/**
 * Slow 4G for the service worker's target as well (Playwright's CDP sessions are per page): a
 * browser session attaches to it and sends the command through Target.sendMessageToTarget.
 */
async function throttleServiceWorker(browser: Browser): Promise<boolean> {
  try {
    const cdp = await browser.newBrowserCDPSession();
    const { targetInfos } = await cdp.send('Target.getTargets');
    const workers = targetInfos.filter((t) => t.type === 'service_worker');
    for (const w of workers) {
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: w.targetId, flatten: false });
      for (const [id, method, params] of [
        [1, 'Network.enable', {}],
        [2, 'Network.emulateNetworkConditions', SLOW_4G],
      ] as const)
        await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    }
    return workers.length > 0;
  } catch {
    return false;
  }
}

export async function measureFieldCold(webRoot: string): Promise<FieldCold> {
  const server = await startDemo(webRoot, 'field');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ ...PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await leaderContext(server.url, context);
    const first = await visit(context, server.url);
    // the worker installs on the first visit and precaches the shell (unthrottled: its own target)
    await first.page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, {
      timeout: 120_000,
    });
    await first.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await first.page.waitForTimeout(3000);
    await first.page.close();
    // the worker's own fetches (NetworkFirst API reads) go through its target: throttle it too
    const workerThrottled = await throttleServiceWorker(browser);
    const second = await visit(context, server.url);
    const cache = await second.page.evaluate(async () => {
      let bytes = 0;
      let entries = 0;
      for (const name of await caches.keys()) {
        const c = await caches.open(name);
        for (const req of await c.keys()) {
          const res = await c.match(req);
          if (res) bytes += (await res.blob()).size;
          entries++;
        }
      }
      const est = await navigator.storage.estimate();
      return { bytes, entries, estimate: est.usage ?? 0 };
    });
    await context.close();
    return {
      workerThrottled,
      cold: first.v,
      warm: second.v,
      cacheBytes: cache.bytes,
      cacheEntries: cache.entries,
      estimateBytes: cache.estimate,
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;

/** The rows of `npm run bench` (tests/bench/run.ts, embedded part). */
export async function fieldColdBench(row: Row, webRoot = builtWeb()): Promise<FieldCold> {
  const r = await measureFieldCold(webRoot);
  const profile = 'Slow 4G (DevTools preset), 390×844, 300-grid demo, grid leader';
  row(`field /m cold → my to-do visible (${profile})`, '', '', `${(r.cold.ms / 1000).toFixed(2)} s`, '', '');
  row(
    `field /m warm (service worker installed, second visit${r.workerThrottled ? ', its fetches throttled too' : ', its own fetches NOT throttled'}) → my to-do visible`,
    '',
    '',
    `${(r.warm.ms / 1000).toFixed(2)} s`,
    '',
    '',
  );
  row(
    'field /m cold start bytes transferred (to the to-do / page quiet, tiles included)',
    '',
    '',
    `${kb(r.cold.bytesToTodo)} / ${kb(r.cold.bytesQuiet)}`,
    '',
    '',
  );
  row(
    `field offline cache (CacheStorage, ${r.cacheEntries} entries / storage.estimate())`,
    '',
    '',
    `${kb(r.cacheBytes)} / ${kb(r.estimateBytes)}`,
    '',
    '',
  );
  return r;
}

// `npx tsx tests/bench/field-cold.ts`: the rows, and the cold start's largest files
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await fieldColdBench((...cells) => console.log(cells.filter((c) => c !== '').join(' | ')));
  console.log('largest files of the cold start:');
  for (const f of [...r.cold.files].sort((a, b) => b.bytes - a.bytes).slice(0, 12))
    console.log(`  ${kb(f.bytes).padStart(8)}  ${f.url.replace(/^https?:\/\/[^/]+/, '')}`);
}
