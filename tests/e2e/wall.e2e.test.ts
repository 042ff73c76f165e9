import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { AreaDetail, AreaSummary, AreaTree } from '../../api/schemas/areas';
import type { Category, ProblemDetail, ProblemList } from '../../api/schemas/problems';
import type { DisplayTokenIssued } from '../../api/schemas/display';
import {
  buildWeb,
  CHROMIUM,
  CHROMIUM_ARGS,
  collectErrors,
  demoPassword,
  hasChromium,
  mapIdle,
  ROOT,
  SHOTS,
  startServer,
  type RunningServer,
} from './harness';
import { apiLogin, get, post, seedFigureProblems, within, type ApiSession } from './figures-fixture';

// The command center's wall (issue 12): a display token issued by the admin opens /wall at
// 3840×2160; another session's report and a problem going overdue reach the feed, the KPI tiles
// and the map within 2 s (a wait with a deadline, not a performance assertion); a click on a
// street filters every panel. Screenshots at 1920×1080 and 3840×2160 go to test-results/e2e and docs/.
const required = process.env.WANGGE_E2E_REQUIRED === '1';
const skip = !hasChromium() && !required;
const WALL_4K = { width: 3840, height: 2160 };
const WALL_HD = { width: 1920, height: 1080 };
/** the live updates' deadline: a wait, the bench measures the delivery */
const LIVE_MS = 2000;

describe.skipIf(skip)('the wall screen', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let admin: ApiSession;
  let token = '';
  let categoryId = 0;
  let street2: AreaTree['roots'][number]['children'][number];
  let gridPoint: [number, number];

  beforeAll(async () => {
    if (!hasChromium()) throw new Error(`${CHROMIUM} is missing and WANGGE_E2E_REQUIRED=1`);
    buildWeb();
    server = await startServer(240_000, { WANGGE_CONTROLLABLE_CLOCK: '1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    admin = await apiLogin(server.url, 'admin', demoPassword('admin'));
    // problems in several streets, some closed, the rest overdue after the fixture's clock move
    await seedFigureProblems(admin, { communities: 8, perCommunity: 3, advanceHours: 30 });
    const tree = await get<AreaTree>(admin, '/api/areas/tree');
    const streets = tree.roots[0]!.children;
    street2 = streets[1]!;
    const community = streets[0]!.children[0]!;
    const grids = await get<AreaSummary[]>(admin, `/api/areas/${community.id}/children`);
    gridPoint = (await get<AreaDetail>(admin, `/api/areas/${grids[1]!.id}`)).labelPoint;
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
    const issued = await post<DisplayTokenIssued>(admin, '/api/display-tokens', {
      name: '指挥中心大屏',
      cityWide: true,
      scopeCodes: [],
    });
    token = issued.token;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openWall(
    viewport: { width: number; height: number },
    query = '',
  ): Promise<{ page: Page; errors: string[] }> {
    const ctx = await browser!.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport });
    const page = await ctx.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server!.url}/wall?token=${token}${query}`);
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    try {
      await page.locator('[data-kpi=open] .value').filter({ hasNotText: '—' }).waitFor({ timeout: 90_000 });
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'wall-failed.png'), timeout: 60_000 }).catch(() => {});
      throw new Error(`the wall did not load its figures: ${errors.join('\n')}`, { cause: e });
    }
    // every panel loaded and the problems drawn: the wall's first-meaningful-paint marker
    await page.locator('.wall[data-ready="true"]').waitFor({ timeout: 90_000 });
    await page.locator('.trend[data-days="30"]').waitFor({ timeout: 90_000 });
    await mapIdle(page);
    return { page, errors };
  }
  const kpi = async (page: Page, k: string) =>
    Number(((await page.locator(`[data-kpi=${k}] .value`).textContent()) ?? '').replace(/[^\d]/g, ''));

  it('shows another session’s report and a problem going overdue within 2 s, at 3840×2160', async () => {
    // a problem assigned now, due in 24 h: the clock move below puts it past its deadline
    const report = (description: string, urgent = false) =>
      post<ProblemDetail>(admin, '/api/problems', {
        lon: gridPoint[0],
        lat: gridPoint[1],
        categoryId,
        source: 'inspection',
        description,
        urgent,
      });
    let late = await report('围墙乱贴小广告（将超期）');
    late = await post<ProblemDetail>(admin, `/api/problems/${late.id}/actions/verify`, { version: late.version });
    late = await post<ProblemDetail>(admin, `/api/problems/${late.id}/actions/assign`, { version: late.version });

    const { page, errors } = await openWall(WALL_4K);
    const noScroll = await page.evaluate(() => ({
      w: document.documentElement.scrollWidth <= window.innerWidth,
      h: document.documentElement.scrollHeight <= window.innerHeight,
      font: parseFloat(getComputedStyle(document.querySelector('.wall')!).fontSize),
    }));
    expect({ ...noScroll, font: Math.round(noScroll.font * 100) / 100 }).toEqual({ w: true, h: true, font: 30.24 });
    const overdueBefore = await kpi(page, 'overdue');

    // another session moves the clock: the sweep raises the 督办 of `late`, now overdue
    await post(admin, '/api/dev/clock', { advanceHours: 30 });
    await within(LIVE_MS, 'supervision notice in the feed', () =>
      page.locator(`.feed li[data-problem-id="${late.id}"]`).isVisible(),
    );
    await within(LIVE_MS, 'overdue KPI', async () => (await kpi(page, 'overdue')) === overdueBefore + 1);
    await within(LIVE_MS, 'overdue pin pulsing', () =>
      page.locator(`.wall-pulse[data-problem-id="${late.id}"]`).isVisible(),
    );
    // the sweep's 督办 (of `late` and the fixture's other overdue problems) raise the wall's alert
    // (a 问责 in the same burst outranks a 督办: either notice's alert is the one shown)
    await within(LIVE_MS, '督办/问责 alert', () =>
      page.locator('.wall-alert.supervision, .wall-alert.accountability').first().isVisible(),
    );
    await page.screenshot({ path: join(SHOTS, 'wall-3840-alert-supervision.png'), timeout: 60_000 });

    // an urgent report: its alert replaces the 督办 alerts at once, and the map flies there
    const fresh = await report('商铺门前乱摆放货物（紧急）', true);
    await within(LIVE_MS, 'urgent alert', () =>
      page.locator(`.wall-alert.urgent[data-problem-id="${fresh.id}"]`).isVisible(),
    );
    expect(await page.locator('.wall-alert.urgent').textContent()).toContain('紧急');
    // today's reports as the API counts them (the clock move above began a new day)
    const midnight = new Date(
      Math.floor((Date.parse(fresh.reportedAt) + 8 * 3600_000) / 86400_000) * 86400_000 - 8 * 3600_000,
    );
    const today = (
      await get<ProblemList>(admin, `/api/problems?from=${encodeURIComponent(midnight.toISOString())}&limit=1`)
    ).total;
    expect(today).toBeGreaterThanOrEqual(1);
    await within(LIVE_MS, 'report in the feed', () =>
      page.locator(`.feed li[data-problem-id="${fresh.id}"]`).isVisible(),
    );
    let shown = -1;
    await within(
      LIVE_MS,
      `today KPI (${today} expected)`,
      async () => (shown = await kpi(page, 'today')) === today,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; the tile shows ${shown}`);
    });
    await within(LIVE_MS, 'new report flashing on the map', () =>
      page.locator(`.wall-flash[data-problem-id="${fresh.id}"]`).isVisible(),
    );
    await page.locator('.trend[data-days="30"]').waitFor({ timeout: 60_000 });
    await mapIdle(page);
    await page.screenshot({ path: join(SHOTS, 'wall-3840-alert.png'), timeout: 60_000 });
    // a tap dismisses the alert (it also goes by itself); the rest of the sweep's alerts follow, so
    // the screenshot for the README is taken without them
    await page.locator('.wall-alert').click();
    await page.addStyleTag({ content: '.wall-alert { display: none !important; }' });
    await mapIdle(page);
    await page.screenshot({ path: join(SHOTS, 'wall-3840.png'), timeout: 60_000 });
    copyFileSync(join(SHOTS, 'wall-3840.png'), join(ROOT, 'docs', 'screenshot-wall-3840.png'));

    // a click on a street in the ranking filters every panel and flies the map there
    const openCity = await kpi(page, 'open');
    await page.locator(`.ranking li[data-code="${street2.code}"]`).click();
    await page.locator('.crumbs button', { hasText: street2.name }).waitFor();
    await within(10_000, 'panels filtered to the street', async () => (await kpi(page, 'open')) < openCity);
    await mapIdle(page);
    // the breadcrumb goes back to the county
    await page.locator('.crumbs button').first().click();
    await within(10_000, 'back to the county', async () => (await kpi(page, 'open')) === openCity);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('clicking a street on the map filters the panels; fills 1920×1080 in English', async () => {
    const { page, errors } = await openWall(WALL_HD, '&lang=en');
    await page.getByText('Reported today').waitFor();
    const openCity = await kpi(page, 'open');
    const street = await get<AreaDetail>(admin, `/api/areas/by-code/${street2.code}`);
    const at = await page.evaluate((p) => {
      const { x, y } = window.__wangge!.map.project(p as [number, number]);
      return { x, y };
    }, street.labelPoint);
    await page.mouse.click(at.x, at.y);
    await page.locator('.crumbs button', { hasText: street2.name }).waitFor();
    await within(10_000, 'panels filtered to the street', async () => (await kpi(page, 'open')) < openCity);
    await mapIdle(page);
    const fits = await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight);
    expect(fits).toBe(true);
    await page.locator('.trend[data-days="30"]').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SHOTS, 'wall-1920.png'), timeout: 60_000 });
    copyFileSync(join(SHOTS, 'wall-1920.png'), join(ROOT, 'docs', 'screenshot-wall-1920.png'));

    // down to a grid: street → community → grid, the breadcrumb holds all four, the panels follow
    const clickAt = async (p: [number, number]) => {
      const xy = await page.evaluate((q) => window.__wangge!.map.project(q as [number, number]), p);
      await page.mouse.click(xy.x, xy.y);
    };
    const community = street2.children[0]!;
    const grid = (await get<AreaSummary[]>(admin, `/api/areas/${community.id}/children`))[0]!;
    await clickAt((await get<AreaDetail>(admin, `/api/areas/${community.id}`)).labelPoint);
    await page.locator('.crumbs button[aria-current]', { hasText: community.name }).waitFor();
    await mapIdle(page);
    await clickAt((await get<AreaDetail>(admin, `/api/areas/${grid.id}`)).labelPoint);
    await page.locator('.crumbs button[aria-current]', { hasText: grid.name }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.crumbs button').count()).toBe(4);
    await page.locator('.trend[data-days="30"]').waitFor({ timeout: 60_000 });
    await within(10_000, 'panels filtered to the grid', async () => (await kpi(page, 'open')) <= openCity);
    await mapIdle(page);
    await page.screenshot({ path: join(SHOTS, 'wall-1920-grid.png'), timeout: 60_000 });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
