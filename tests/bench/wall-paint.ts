/**
 * The command center's wall (issue 12) in Chromium (playwright-core, the e2e flags of
 * tests/e2e/harness.ts) against the demo on PGlite (`data/demo/start.ts`: 300 grids, 5,000 problems
 * unless WANGGE_DEMO_PROBLEMS says otherwise), signed in with a display token:
 * - first meaningful paint at 1920×1080: from navigation to `.wall[data-ready="true"]` — the store
 *   sets it once the map drew the problems (map idle after their data went in) and every panel shown
 *   had its first answer (KPI tiles, rates, the 30-day trend, ranking, overdue list); cold (a new
 *   browser context, nothing cached) and warm (the same context, loaded again);
 * - a soak: the wall open for WALL_SOAK_MS (default 600,000 = 10 min) while a driver posts a report
 *   or a state change (verify) every WALL_SOAK_EVERY_MS (default 3,000); after a forced GC
 *   (HeapProfiler.collectGarbage) the JS heap (Performance.getMetrics JSHeapUsedSize), DOM nodes
 *   (Nodes) and event listeners (JSEventListeners) at start, middle and end, and their growth.
 * `npx tsx tests/bench/wall-paint.ts` runs it alone (builds dist/web unless WANGGE_BENCH_DIST names a built bundle).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { builtWeb, startDemo } from './demo-server';
import { CHROMIUM, CHROMIUM_ARGS, demoPassword } from '../e2e/harness';
import { apiLogin, get, post, type ApiSession } from '../e2e/figures-fixture';
import type { Category, ProblemDetail, ProblemList } from '../../api/schemas/problems';
import type { DisplayTokenIssued } from '../../api/schemas/display';

const HD = { width: 1920, height: 1080 };
type Row = (...cells: (string | number)[]) => void;

/** navigation → the wall's data-ready marker, in ms */
async function paint(page: Page, url: string): Promise<number> {
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await page.locator('.wall[data-ready="true"]').waitFor({ timeout: 300_000 });
  return performance.now() - t0;
}

export interface Sample {
  heapMB: number;
  nodes: number;
  listeners: number;
}
async function sample(cdp: CDPSession): Promise<Sample> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? NaN;
  return { heapMB: m('JSHeapUsedSize') / 2 ** 20, nodes: m('Nodes'), listeners: m('JSEventListeners') };
}

/** Posts a report, then verifies it on the next tick: a report or a state change every `everyMs`. */
function driver(admin: ApiSession, points: [number, number][], categoryId: number, everyMs: number) {
  let pending: ProblemDetail | null = null;
  let n = 0;
  let failures = 0;
  const tick = async () => {
    try {
      if (pending) {
        await post(admin, `/api/problems/${pending.id}/actions/verify`, { version: pending.version });
        pending = null;
      } else {
        const [lon, lat] = points[n % points.length]!;
        pending = await post<ProblemDetail>(admin, '/api/problems', {
          lon,
          lat,
          categoryId,
          source: 'inspection',
          description: `大屏压测上报 ${n}`,
        });
      }
      n++;
    } catch {
      failures++;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  return {
    stop: () => clearInterval(timer),
    get posted() {
      return n;
    },
    get failures() {
      return failures;
    },
  };
}

export interface WallPaint {
  coldMs: number;
  warmMs: number;
  soakMs: number;
  posted: number;
  failures: number;
  samples: { start: Sample; middle: Sample; end: Sample };
}

export async function measureWall(webRoot: string, soakMs: number, everyMs: number): Promise<WallPaint> {
  const server = await startDemo(webRoot, 'wall');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const admin = await apiLogin(server.url, 'admin', demoPassword('admin'));
    const { token } = await post<DisplayTokenIssued>(admin, '/api/display-tokens', {
      name: 'bench wall',
      cityWide: true,
      scopeCodes: [],
    });
    const wallUrl = `${server.url}/wall?token=${token}`;
    const context: BrowserContext = await browser.newContext({
      viewport: HD,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    const coldMs = await paint(page, wallUrl);
    const warmMs = await paint(page, wallUrl);

    // the soak, on the warm page: reports where the demo's open problems are
    const cats = await get<(Category & { children?: Category[] })[]>(admin, '/api/categories');
    const leafOf = (cs: (Category & { children?: Category[] })[]): number | undefined => {
      for (const c of cs) {
        if (!c.children?.length) return c.id;
        const inner = leafOf(c.children);
        if (inner) return inner;
      }
      return undefined;
    };
    const open = await get<ProblemList>(admin, '/api/problems?state=assigned&limit=100');
    const points = open.items.map((p): [number, number] => [p.lon, p.lat]);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.waitForTimeout(5000);
    const start = await sample(cdp);
    const drive = driver(admin, points, leafOf(cats)!, everyMs);
    await page.waitForTimeout(soakMs / 2);
    const middle = await sample(cdp);
    await page.waitForTimeout(soakMs / 2);
    drive.stop();
    await page.waitForTimeout(3000); // the last events' refresh
    const end = await sample(cdp);
    await context.close();
    return {
      coldMs,
      warmMs,
      soakMs,
      posted: drive.posted,
      failures: drive.failures,
      samples: { start, middle, end },
    };
  } finally {
    await browser.close();
    await server.stop();
  }
}

const s2 = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const growth = (a: number, b: number) => `${b >= a ? '+' : ''}${(((b - a) / a) * 100).toFixed(1)} %`;

/** The rows of `npm run bench` (tests/bench/run.ts, embedded part). */
export async function wallPaintBench(row: Row, webRoot = builtWeb()): Promise<WallPaint> {
  const soakMs = Number(process.env.WALL_SOAK_MS ?? 600_000);
  const everyMs = Number(process.env.WALL_SOAK_EVERY_MS ?? 3000);
  const r = await measureWall(webRoot, soakMs, everyMs);
  const demo = `${process.env.WANGGE_DEMO_PROBLEMS ?? 5000}-problem demo, PGlite, 1920×1080`;
  row(`wall /wall cold → map drawn + every panel filled (${demo})`, '', '', s2(r.coldMs), '', '');
  row('wall /wall warm (second load, same browser) → map drawn + every panel filled', '', '', s2(r.warmMs), '', '');
  const { start, middle, end } = r.samples;
  const min = (r.soakMs / 60_000).toFixed(1);
  row(
    `wall soak ${min} min, ${r.posted} reports/steps (${r.failures} failed): JS heap after GC start / middle / end`,
    '',
    '',
    `${start.heapMB.toFixed(1)} / ${middle.heapMB.toFixed(1)} / ${end.heapMB.toFixed(1)} MB`,
    growth(start.heapMB, end.heapMB),
    '',
  );
  row(
    `wall soak: DOM nodes / event listeners start → middle → end`,
    '',
    '',
    `${start.nodes} → ${middle.nodes} → ${end.nodes} / ${start.listeners} → ${middle.listeners} → ${end.listeners}`,
    `${growth(start.nodes, end.nodes)} / ${growth(start.listeners, end.listeners)}`,
    '',
  );
  return r;
}

// `npx tsx tests/bench/wall-paint.ts`: the rows, and every sample
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await wallPaintBench((...cells) => console.log(cells.filter((c) => c !== '').join(' | ')));
  console.log(JSON.stringify(r.samples));
}
