import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AreaDetail, AreaSummary, AreaTree } from '../../api/schemas/areas';
import type { Category, ProblemDetail, ProblemList } from '../../api/schemas/problems';
import {
  buildWeb,
  CHROMIUM,
  CHROMIUM_ARGS,
  collectErrors,
  demoPassword,
  hasChromium,
  logIn,
  mapIdle,
  SHOTS,
  startServer,
  type RunningServer,
} from './harness';
import { apiLogin, get, post, problemCount, seedFigureProblems, within, type ApiSession } from './figures-fixture';

// The office screen (/) as the command center uses it (issue 12, the walk's findings): the problem
// list puts open and overdue problems first and pins another session's report on top as it arrives;
// the figures follow a report live; an area chosen in the analysis view filters the problem
// list and map; a map click drills down street → community → grid; the map's controls grow with
// the text at 3840×2160. The live waits have a deadline of 10 s: the finding was a figure that did
// not move for 75 s without a reload; measured here on PGlite at 3840×2160, quiet machine, the list
// showed the report 4.2 s and the figure 3.2 s after the report's answer (event, the store's
// debounce, the list/figures query on the one embedded connection). These are waits, not timings.
const required = process.env.WANGGE_E2E_REQUIRED === '1';
const skip = !hasChromium() && !required;
const WALL_4K = { width: 3840, height: 2160 };
const HD = { width: 1920, height: 1080 };
const LIVE_MS = 10_000;
/** how long a map may take to settle (tiles loaded and drawn) */
const IDLE_MS = 240_000;
/** per test: a few 4K maps settling on a shared machine */
const TEST_MS = 900_000;
const OPEN = ['reported', 'verified', 'assigned', 'suspended', 'fixed'];

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const project = (page: Page, p: [number, number]) =>
  page.evaluate((q) => {
    const pt = window.__wangge!.map.project(q);
    return [pt.x, pt.y] as [number, number];
  }, p);

describe.skipIf(skip)('the office screen as the commander', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let errors: string[] = [];
  let commander: StorageState | undefined;
  let admin: ApiSession;
  let viewer: ApiSession;
  let categoryId = 0;
  let street: AreaTree['roots'][number];
  let community: AreaDetail;
  let grid: AreaDetail;

  beforeAll(async () => {
    if (!hasChromium()) throw new Error(`${CHROMIUM} is missing and WANGGE_E2E_REQUIRED=1`);
    buildWeb();
    server = await startServer(240_000, { WANGGE_CONTROLLABLE_CLOCK: '1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: HD });
    const page = await ctx.newPage();
    await page.goto(server.url);
    await logIn(page, 'commander');
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    commander = await ctx.storageState();
    await ctx.close();
    const cookie = commander.cookies.find((c) => c.name === 'wangge_session')!;
    viewer = { url: server.url, cookie: `${cookie.name}=${cookie.value}`, csrf: '' };
    admin = await apiLogin(server.url, 'admin', demoPassword('admin'));
    // some closed, the rest overdue after the fixture's clock move (when the demo has no problems)
    if ((await problemCount(admin)) === 0) await seedFigureProblems(admin);
    const tree = await get<AreaTree>(admin, '/api/areas/tree');
    street = tree.roots[0]!.children[0]!;
    community = await get<AreaDetail>(admin, `/api/areas/${street.children[0]!.id}`);
    const grids = await get<AreaSummary[]>(admin, `/api/areas/${community.id}/children`);
    grid = await get<AreaDetail>(admin, `/api/areas/${grids[0]!.id}`);
    const cats = await get<(Category & { children?: Category[] })[]>(admin, '/api/categories');
    const find = (cs: (Category & { children?: Category[] })[]): number | undefined => {
      for (const c of cs) {
        if (c.code === '010101') return c.id;
        const inner = find(c.children ?? []);
        if (inner) return inner;
      }
      return undefined;
    };
    categoryId = find(cats)!;
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(errors, 'console errors / page errors').toEqual([]);
  });

  async function openOffice(viewport = WALL_4K): Promise<Page> {
    context = await browser!.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      storageState: commander,
      viewport,
    });
    const page = await context.newPage();
    // a 4K map drawn in software keeps the page busy on a loaded machine: actions wait longer
    page.setDefaultTimeout(120_000);
    errors = collectErrors(page);
    await page.goto(server!.url);
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    // a 3840×2160 map draws four times the tiles of a 1920×1080 one, in software on a busy machine
    await mapIdle(page, IDLE_MS);
    return page;
  }
  const report = (description: string, at: [number, number] = grid.labelPoint) =>
    post<ProblemDetail>(admin, '/api/problems', {
      lon: at[0],
      lat: at[1],
      categoryId,
      source: 'inspection',
      description,
    });

  it(
    'grows the map controls with the text at 3840×2160',
    async () => {
      const measure = async (viewport: { width: number; height: number }) => {
        const page = await openOffice(viewport);
        const box = (sel: string) => page.locator(sel).first().boundingBox();
        const out = {
          rem: await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize)),
          zoom: (await box('.maplibregl-ctrl-zoom-in'))!,
          scale: (await box('.maplibregl-ctrl-scale'))!,
          scaleFont: await page
            .locator('.maplibregl-ctrl-scale')
            .evaluate((e) => parseFloat(getComputedStyle(e).fontSize)),
          attrib: (await box('.maplibregl-ctrl-attrib'))!,
        };
        if (viewport.width === WALL_4K.width)
          await page.screenshot({ path: join(SHOTS, 'office-4k-controls.png'), timeout: 120_000 });
        await context!.close();
        context = undefined;
        return out;
      };
      const hd = await measure(HD);
      const k4 = await measure(WALL_4K);
      const textRatio = k4.rem / hd.rem;
      expect(textRatio).toBeGreaterThan(1.4);
      // the zoom button, the scale bar's text and the attribution grow as the text does (±10 %)
      for (const [what, a, b] of [
        ['zoom button', hd.zoom.height, k4.zoom.height],
        ['zoom button width', hd.zoom.width, k4.zoom.width],
        ['scale text', hd.scaleFont, k4.scaleFont],
        ['attribution', hd.attrib.height, k4.attrib.height],
      ] as const) {
        expect(b / a, what).toBeGreaterThan(textRatio * 0.9);
        expect(b / a, what).toBeLessThan(textRatio * 1.1);
      }
      expect(k4.zoom.height).toBeGreaterThanOrEqual(1.4 * 29);
      expect(k4.scale.height).toBeGreaterThan(hd.scale.height * 1.3);
    },
    TEST_MS,
  );

  it(
    'lists open and overdue problems first and pins another session’s report on top as it arrives',
    async () => {
      const page = await openOffice();
      await page.getByRole('radio', { name: '问题闭环' }).click();
      const list = page.getByTestId('problem-list');
      await list.locator('[data-problem-id]').first().waitFor({ timeout: 30_000 });
      const firstId = async () =>
        Number(await list.locator('[data-problem-id]').first().getAttribute('data-problem-id'));
      // the first row is what the API's attention order puts first: open, and overdue when any is
      const open = OPEN.map((s) => `state=${s}`).join('&');
      const top = (await get<ProblemList>(viewer, `/api/problems?sort=attention&limit=1&${open}`)).items[0]!;
      const overdue = (await get<ProblemList>(viewer, `/api/problems?overdue=true&limit=1`)).total;
      expect(await firstId()).toBe(top.id);
      expect(OPEN).toContain(top.state);
      expect(top.overdue).toBe(overdue > 0);
      // no closed problem is listed by default
      const shown = await list
        .locator('[data-problem-id]')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-problem-id'))));
      const closed = await get<ProblemList>(viewer, '/api/problems?state=closed&limit=500');
      expect(shown.filter((id) => closed.items.some((c) => c.id === id))).toEqual([]);

      const fresh = await report('商铺门前乱摆放货物（办公室列表新上报）');
      await within(LIVE_MS, 'the new report on top of the list', async () => (await firstId()) === fresh.id);
      await expect
        .poll(() => list.locator(`[data-problem-id="${fresh.id}"] [data-fresh]`).count(), { timeout: LIVE_MS })
        .toBe(1);
      // the user's order: newest reported puts it first by itself
      await page.locator('[data-filter=sort]').selectOption('reported_desc');
      await expect.poll(firstId, { timeout: 10_000 }).toBe(fresh.id);
      // back to the default order: the report is in its place (first only when nothing is overdue)
      await page.locator('[data-filter=sort]').selectOption('attention');
      const again = (await get<ProblemList>(viewer, `/api/problems?sort=attention&limit=1&${open}`)).items[0]!;
      await expect.poll(firstId, { timeout: 10_000 }).toBe(again.id);
      expect(await list.locator('[data-fresh]').count()).toBe(0);
      await page.screenshot({ path: join(SHOTS, 'office-4k-list.png'), timeout: 120_000 });
    },
    TEST_MS,
  );

  it(
    'updates the figures live after another session’s report',
    async () => {
      const page = await openOffice();
      await page.getByRole('radio', { name: '数据分析' }).click();
      await page.getByTestId('figure-panel').waitFor();
      await page.getByTestId('figure-indicator').selectOption({ label: '发现问题数' });
      const row = page.locator(`[data-testid=figure-table] [data-area-id="${community.id}"] .value`);
      const value = async () => Number(((await row.textContent()) ?? '').replace(/[^\d]/g, '') || '0');
      await row.waitFor({ timeout: 30_000 }).catch(async () => {
        // the community may be beyond the first rows: show them all
        await page.getByTestId('figure-table').locator('.fg-link').click();
        await row.waitFor({ timeout: 10_000 });
      });
      const before = await value();
      await report('围墙乱贴小广告（办公室统计新上报）');
      await within(LIVE_MS, `${community.name}: ${before} → ${before + 1}`, async () => (await value()) === before + 1);
    },
    TEST_MS,
  );

  it(
    'filters the problem list and map by the community chosen in the analysis view, with a chip to clear it',
    async () => {
      const page = await openOffice();
      await page.getByRole('radio', { name: '数据分析' }).click();
      await page.getByTestId('figure-panel').waitFor();
      const row = page.locator(`[data-testid=figure-table] [data-area-id="${community.id}"]`);
      await page.locator('[data-testid=figure-table] [data-area-id]').first().waitFor({ timeout: 60_000 });
      if (!(await row.count())) await page.getByTestId('figure-table').locator('.fg-link').click();
      await row.click();
      await expect.poll(() => row.getAttribute('aria-current')).toBe('true');
      // the problem view: its tiles and list ask for that community only
      const tiles = page.waitForRequest(
        (r) => r.url().includes('/tiles/problems/') && r.url().includes(`area=${community.code}`),
      );
      const listed = page.waitForResponse(
        (r) => r.url().includes('/api/problems?') && r.url().includes(`area=${community.code}`) && r.ok(),
      );
      await page.getByRole('radio', { name: '问题闭环' }).click();
      await tiles;
      const body = (await (await listed).json()) as ProblemList;
      expect(body.items.every((p) => p.areaCode?.startsWith(community.code))).toBe(true);
      const chip = page.getByTestId('area-chip');
      await expect.poll(() => chip.textContent()).toContain(community.name);
      const list = page.getByTestId('problem-list');
      await mapIdle(page, IDLE_MS);
      const shown = await list
        .locator('[data-problem-id]')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-problem-id'))));
      expect(shown.sort()).toEqual(body.items.map((p) => p.id).sort());
      // the map flew there: the community's label point is in view
      const [x, y] = await project(page, community.labelPoint);
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(WALL_4K.width);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(WALL_4K.height);
      await page.screenshot({ path: join(SHOTS, 'office-4k-area-filter.png'), timeout: 120_000 });
      // the chip clears it: the list is city-wide again
      const cleared = page.waitForResponse(
        (r) => r.url().includes('/api/problems?') && !r.url().includes('area=') && r.ok(),
      );
      await chip.click();
      await cleared;
      await expect.poll(() => chip.count()).toBe(0);
    },
    TEST_MS,
  );

  it(
    'drills down on map clicks: street → community → grid, and the breadcrumb goes back up',
    async () => {
      const page = await openOffice();
      const detail = page.getByTestId('area-detail');
      const clickAt = async (p: [number, number]) => {
        const [x, y] = await project(page, p);
        await page.mouse.click(x, y);
      };
      // the grid's label point lies in the street and the community too: three clicks on it
      for (const [level, id] of [
        ['street', street.id],
        ['community', community.id],
        ['grid', grid.id],
      ] as const) {
        await clickAt(grid.labelPoint);
        await expect
          .poll(() => detail.getAttribute('data-area-id'), { timeout: 15_000, message: level })
          .toBe(String(id));
        await mapIdle(page, IDLE_MS);
      }
      const crumbs = page.getByRole('navigation', { name: '当前位置' });
      expect((await crumbs.getByRole('button').allTextContents()).map((s) => s.trim())).toEqual([
        ...grid.chain.map((a) => a.name),
        grid.name,
      ]);
      await page.screenshot({ path: join(SHOTS, 'office-4k-drilldown.png'), timeout: 120_000 });
      await crumbs.locator('[data-level=street]').click();
      await expect.poll(() => detail.getAttribute('data-area-id'), { timeout: 15_000 }).toBe(String(street.id));
      await mapIdle(page, IDLE_MS);
      // from the street, a click in another of its communities selects that community
      const other = street.children[1];
      if (other) {
        const o = await get<AreaDetail>(admin, `/api/areas/${other.id}`);
        await clickAt(o.labelPoint);
        await expect.poll(() => detail.getAttribute('data-area-id'), { timeout: 15_000 }).toBe(String(o.id));
      }
    },
    TEST_MS,
  );
});
