import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { AreaDetail, AreaTree } from '../../api/schemas/areas';
import {
  buildWeb,
  CHROMIUM,
  CHROMIUM_ARGS,
  collectErrors,
  hasChromium,
  logIn,
  mapIdle,
  renderedIds,
  SHOTS,
  startServer,
  type RunningServer,
} from './harness';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

// CI sets WANGGE_E2E_REQUIRED=1: there a missing browser is a failure, not a skip.
const required = process.env.WANGGE_E2E_REQUIRED === '1';
const skip = !hasChromium() && !required;
if (skip) console.warn(`e2e skipped: ${CHROMIUM} not found (apt-get install -y chromium fonts-wqy-microhei)`);

const GRIDS_FILL = 'grids-fill';
const DESKTOP = { width: 1600, height: 1000 };

describe.skipIf(skip)('grid map in a real browser', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let errors: string[] = [];
  /** The commander's session (sees the whole city), logged in once through the login screen. */
  let commander: StorageState | undefined;
  let cookie = '';

  beforeAll(async () => {
    if (!hasChromium()) throw new Error(`${CHROMIUM} is missing and WANGGE_E2E_REQUIRED=1`);
    buildWeb();
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    // One login for the whole file: the server allows 10 login attempts a minute per address.
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP });
    const page = await ctx.newPage();
    const loginErrors = collectErrors(page);
    await page.goto(server.url);
    await logIn(page, 'commander');
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    commander = await ctx.storageState();
    await ctx.close();
    expect(loginErrors).toEqual([]);
    const session = commander.cookies.find((c) => c.name === 'wangge_session');
    expect(session, 'the login sets the session cookie').toBeDefined();
    expect(session!.httpOnly).toBe(true);
    cookie = `wangge_session=${session!.value}`;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(errors, 'console errors / page errors').toEqual([]);
  });

  /** The API as the commander: the session cookie from the login above. */
  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${server!.url}${path}`, { headers: { cookie } });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  /**
   * A fresh context per test, logged in as the commander (the session cookie and what the app
   * keeps in localStorage), so the app restores the session at start. Nothing else is carried.
   */
  async function open(options: BrowserContextOptions = { viewport: DESKTOP }): Promise<Page> {
    context = await browser!.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      storageState: commander,
      ...options,
    });
    const page = await context.newPage();
    errors = collectErrors(page);
    await page.goto(server!.url);
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    await mapIdle(page);
    return page;
  }

  /** A street-level view where the grids are drawn (the home view may be the whole county). */
  async function showGrids(page: Page): Promise<number[]> {
    const tree = await api<AreaTree>('/api/areas/tree');
    const street = tree.roots[0]?.children[0];
    expect(street, 'the demo city has streets').toBeDefined();
    const detail = await api<AreaDetail>(`/api/areas/${street!.id}`);
    await page.evaluate(([w, s, e, n]) => {
      const map = window.__wangge!.map;
      map.fitBounds(
        [
          [w, s],
          [e, n],
        ],
        { padding: { left: 420, top: 40, right: 40, bottom: 40 }, animate: false },
      );
      if (map.getZoom() < 13) map.jumpTo({ zoom: 13 });
    }, detail.bbox);
    await mapIdle(page);
    return renderedIds(page, GRIDS_FILL);
  }

  it('draws the grids and shows the one that is clicked, with its breadcrumb', async () => {
    const page = await open();
    const gridIds = await showGrids(page);
    expect(gridIds.length).toBeGreaterThan(50);

    // A grid whose label point is in the open part of the map, clear of the panel, breadcrumb and legend.
    let target: { grid: AreaDetail; x: number; y: number } | undefined;
    for (const id of gridIds.slice(0, 40)) {
      const grid = await api<AreaDetail>(`/api/areas/${id}`);
      const [x, y] = await page.evaluate((p) => {
        const pt = window.__wangge!.map.project(p);
        return [pt.x, pt.y];
      }, grid.labelPoint);
      if (x > 500 && x < DESKTOP.width - 250 && y > 120 && y < DESKTOP.height - 150) {
        target = { grid, x, y };
        break;
      }
    }
    expect(target, 'a grid label point inside the visible map').toBeDefined();
    const { grid } = target!;
    const detail = page.getByTestId('area-detail');
    // A click drills down: street, then (the map fits it) community, then grid (office.e2e.test.ts)
    for (const level of ['street', 'community', 'grid']) {
      const [x, y] = await page.evaluate((p) => {
        const pt = window.__wangge!.map.project(p);
        return [pt.x, pt.y];
      }, grid.labelPoint);
      await page.mouse.click(x!, y!);
      const want = level === 'grid' ? grid.id : grid.chain.find((a) => a.level === level)!.id;
      await expect.poll(() => detail.getAttribute('data-area-id'), { timeout: 15_000 }).toBe(String(want));
      await mapIdle(page);
    }
    await expect.poll(() => detail.getAttribute('data-area-id'), { timeout: 15_000 }).toBe(String(grid.id));
    await expect.poll(() => detail.locator('h2').textContent()).toBe(grid.name);
    const code = await page.getByTestId('area-code').textContent();
    expect(code).toBe(grid.code);
    expect(code).toMatch(/^\d{15}$/);
    expect(await detail.textContent()).toContain('网格');

    const crumbs = await page.getByRole('navigation', { name: '当前位置' }).getByRole('button').allTextContents();
    const names = crumbs.map((c) => c.trim());
    const street = grid.chain.find((a) => a.level === 'street');
    const community = grid.chain.find((a) => a.level === 'community');
    expect(names).toEqual([...grid.chain.map((a) => a.name), grid.name]);
    expect(names).toContain(street?.name);
    expect(names).toContain(community?.name);

    // The selection is in the address, so the link opens the same grid elsewhere.
    expect(new URL(page.url()).hash).toBe(`#area=${grid.code}`);

    await mapIdle(page);
    await page.screenshot({ path: join(SHOTS, 'map-zh.png') });
  });

  it('shows an API error in the notice area, in the language of the UI', async () => {
    const page = await open();
    await page.goto(`${server!.url}/#area=330822999999999`);
    const notice = page.getByTestId('notice');
    await expect.poll(() => notice.first().textContent(), { timeout: 15_000 }).toContain('未找到');

    await page.getByRole('button', { name: 'EN' }).click();
    await page.evaluate(() => (location.hash = '#area=330822999999998'));
    await expect
      .poll(() => notice.allTextContents(), { timeout: 15_000 })
      .toContainEqual(expect.stringMatching(/not found/i));
    // The browser logs each 404 response itself; those are the point of this test, nothing else is allowed.
    const unexpected = errors.filter((e) => !/status of 404/.test(e));
    errors.splice(0, errors.length, ...unexpected);
  });

  it('finds a community by name and flies the map to it', async () => {
    const page = await open();
    const tree = await api<AreaTree>('/api/areas/tree');
    const community = tree.roots[0]!.children.at(-1)!.children.at(-1)!;
    const before = await page.evaluate(() => window.__wangge!.map.getCenter().toArray());

    await page.getByLabel('搜索区域').fill(community.name);
    const option = page.getByRole('option').filter({ hasText: community.code });
    await option.first().waitFor({ timeout: 15_000 });
    await page.getByLabel('搜索区域').press('Enter');

    const detail = page.getByTestId('area-detail');
    await expect.poll(() => detail.getAttribute('data-area-id'), { timeout: 15_000 }).toBe(String(community.id));
    await page.waitForFunction(() => window.__wangge!.map.isMoving() === false, undefined, { timeout: 15_000 });
    await mapIdle(page);

    const area = await api<AreaDetail>(`/api/areas/${community.id}`);
    const view = await page.evaluate(([w, s, e, n]) => {
      const map = window.__wangge!.map;
      const sw = map.project([w, s]);
      const ne = map.project([e, n]);
      return { center: map.getCenter().toArray(), sw, ne };
    }, area.bbox);
    expect(view.center).not.toEqual(before);
    // The whole community is on screen, right of the panel, and fills a good part of the view.
    const { sw, ne } = view;
    expect(sw.x).toBeGreaterThan(380);
    expect(ne.x).toBeLessThan(DESKTOP.width);
    expect(ne.y).toBeGreaterThan(0);
    expect(sw.y).toBeLessThan(DESKTOP.height);
    expect(Math.max(ne.x - sw.x, sw.y - ne.y)).toBeGreaterThan(400);
  });

  it('switches to English, keeps map labels Chinese, and remembers the choice', async () => {
    const page = await open();
    await expect.poll(() => page.locator('h1').textContent()).toContain('网格化管理');
    await page.getByRole('button', { name: 'EN' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('Grid management');
    expect(await page.getByLabel('Search areas').count()).toBe(1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    await page.reload();
    await page.waitForFunction(() => !!window.__wangge?.map);
    await expect.poll(() => page.locator('h1').textContent()).toContain('Grid management');
    await showGrids(page);
    const labels = await page.evaluate(() =>
      window
        .__wangge!.map.queryRenderedFeatures({ layers: ['communities-label', 'grids-label'] })
        .map((f) => String(f.properties.name)),
    );
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.every((l) => /[\u4e00-\u9fff]/.test(l))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'map-en.png') });
  });

  it('on a phone the panel is a bottom sheet that leaves the map visible', async () => {
    const page = await open({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const tree = await api<AreaTree>('/api/areas/tree');
    const community = tree.roots[0]!.children[0]!.children[0]!;
    await page.getByLabel('搜索区域').fill(community.name);
    await page.getByRole('option').filter({ hasText: community.code }).first().waitFor({ timeout: 15_000 });
    await page.getByLabel('搜索区域').press('Enter');
    await expect
      .poll(() => page.getByTestId('area-detail').getAttribute('data-area-id'), { timeout: 15_000 })
      .toBe(String(community.id));
    await mapIdle(page);

    const box = await page.getByTestId('area-panel').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y + box!.height).toBeCloseTo(844, 0);
    expect(box!.height).toBeLessThan(844 * 0.5);
    expect(box!.width).toBeCloseTo(390, 0);
    await page.screenshot({ path: join(SHOTS, 'map-phone.png') });
  });

  it('on a 3840×2160 wall the interface is scaled up to stay readable', async () => {
    const page = await open({ viewport: { width: 3840, height: 2160 } });
    const rootPx = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    expect(rootPx).toBeGreaterThanOrEqual(24);
    const h1 = await page.locator('h1').boundingBox();
    expect(h1!.height).toBeGreaterThan(30);
    await page.screenshot({ path: join(SHOTS, 'map-wall.png') });
  });
});
