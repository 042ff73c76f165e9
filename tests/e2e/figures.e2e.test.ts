import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { AreaDetail } from '../../api/schemas/areas';
import type { FiguresResult, ProblemsBehind, RankingResult } from '../../api/schemas/figures';
import {
  buildWeb,
  CHROMIUM,
  CHROMIUM_ARGS,
  collectErrors,
  demoPassword,
  hasChromium,
  logIn,
  mapIdle,
  ROOT,
  SHOTS,
  startServer,
  type RunningServer,
} from './harness';
import { apiLogin, get, problemCount, seedFigureProblems, type ApiSession } from './figures-fixture';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const required = process.env.WANGGE_E2E_REQUIRED === '1';
const skip = !hasChromium() && !required;

const DESKTOP = { width: 1600, height: 1000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const FILL = 'figures-fill';
const RATE = 'rectification_rate';

/** Today in Beijing by the server's clock, read once the fixture has moved it. */
let serverToday = '';

/** This month in Beijing by the server's clock (fixed, harness.ts), as the view's default period (本月) asks for it. */
function thisMonth(): { from: string; to: string } {
  const today = serverToday;
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
  return { from: `${today.slice(0, 8)}01T00:00:00+08:00`, to: `${tomorrow}T00:00:00+08:00` };
}

/** id → class index in feature-state of the communities the choropleth draws now. */
function drawnClasses(page: Page): Promise<Record<number, number | null>> {
  return page.evaluate((layer) => {
    const out: Record<number, number | null> = {};
    for (const f of window.__wangge!.map.queryRenderedFeatures({ layers: [layer] })) {
      if (typeof f.id === 'number') out[f.id] = typeof f.state.fc === 'number' ? f.state.fc : null;
    }
    return out;
  }, FILL);
}

describe.skipIf(skip)('figures, rankings and gaps on the map', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let errors: string[] = [];
  /** The command center's session (city-wide; dispatches problems, edits no areas or accounts), logged in once through the login screen. */
  let commander: StorageState | undefined;
  let admin: ApiSession | undefined;
  let viewer: ApiSession | undefined;
  let webRoot = '';

  beforeAll(async () => {
    if (!hasChromium()) throw new Error(`${CHROMIUM} is missing and WANGGE_E2E_REQUIRED=1`);
    buildWeb();
    // The server lists its static files at start: a copy of the bundle, so that another test file
    // rebuilding dist/web meanwhile cannot take this server's assets away.
    webRoot = mkdtempSync(join(tmpdir(), 'wangge-e2e-web-'));
    cpSync(join(ROOT, 'dist', 'web'), webRoot, { recursive: true });
    // the controllable clock lets the fixture put problems past their deadline (due, not closed)
    server = await startServer(240_000, { WANGGE_CONTROLLABLE_CLOCK: '1', WANGGE_WEB_ROOT: webRoot });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    // Two logins for the whole file: the server allows 10 login attempts a minute per address.
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP });
    const page = await ctx.newPage();
    const loginErrors = collectErrors(page);
    await page.goto(server.url);
    await logIn(page, 'commander');
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    commander = await ctx.storageState();
    await ctx.close();
    expect(loginErrors).toEqual([]);
    const cookie = commander.cookies.find((c) => c.name === 'wangge_session')!;
    viewer = { url: server.url, cookie: `${cookie.name}=${cookie.value}`, csrf: '' };
    admin = await apiLogin(server.url, 'admin', demoPassword('admin'));
    // The demo city may come without problems: then a few are made through the API.
    if ((await problemCount(admin)) === 0) await seedFigureProblems(admin);
    // "today" as the server sees it (its clock is fixed and was moved by the fixture)
    serverToday = new Date(Date.parse((await get<{ now: string }>(admin, '/api/dev/clock')).now) + 8 * 3600_000)
      .toISOString()
      .slice(0, 10);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
    expect(errors, 'console errors / page errors').toEqual([]);
  });

  /** A fresh context logged in as the commander, switched to the figure view. */
  async function openFigures(options: BrowserContextOptions = { viewport: DESKTOP }): Promise<Page> {
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
    await page.getByRole('radio', { name: '数据分析' }).click();
    await page.getByTestId('figure-panel').waitFor();
    await page.waitForFunction((l) => !!window.__wangge!.map.getLayer(l), FILL, { timeout: 15_000 });
    return page;
  }

  /** The communities' 整改达标率 this month, as the commander's API answers it. */
  const figures = () =>
    get<FiguresResult>(viewer!, `/api/figures?level=community&indicators=${RATE}&${new URLSearchParams(thisMonth())}`);

  it('colours communities by 整改达标率, explains the classes, and opens the problems behind one community', async () => {
    const page = await openFigures();
    // Another indicator and level first, so that the switch is a real one.
    await page.getByTestId('figure-indicator').selectOption({ label: '发现问题数' });
    await page.getByTestId('figure-level').locator('[data-level=street]').click();
    await page.getByTestId('figure-indicator').selectOption({ label: '整改达标率' });
    await page.getByTestId('figure-level').locator('[data-level=community]').click();
    await expect
      .poll(() => page.getByTestId('figure-legend').locator('h3').first().textContent(), { timeout: 15_000 })
      .toBe('整改达标率');

    const expected = await figures();
    const withRate = expected.rows.filter((r) => r.figures[RATE]!.value !== null);
    expect(withRate.length, 'communities with something due this month').toBeGreaterThan(1);
    const distinct = new Set(withRate.map((r) => r.figures[RATE]!.value)).size;
    // the legend has a class per distinct value up to five, each with its range in percent
    const classes = page.getByTestId('figure-legend').locator('li[data-class]:not([data-class="-1"])');
    await expect.poll(() => classes.count(), { timeout: 15_000 }).toBe(Math.min(5, distinct));
    for (const text of await classes.allTextContents()) expect(text).toMatch(/\d+(\.\d+)?%/);
    await mapIdle(page);
    await page.screenshot({ path: join(SHOTS, 'figures-choropleth.png') });

    // Every community drawn is coloured: a class for those with a rate, "no data" for the rest.
    await page.evaluate(() => window.__wangge!.map.jumpTo({ zoom: 11.5 }));
    await mapIdle(page);
    const drawn = await drawnClasses(page);
    const ids = Object.keys(drawn).map(Number);
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) {
      const row = expected.rows.find((r) => r.id === id)!;
      expect(drawn[id], `community ${row.name}`).toBe(row.figures[RATE]!.value === null ? -1 : drawn[id]);
      if (row.figures[RATE]!.value !== null) expect(drawn[id]).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(Object.values(drawn).filter((c) => c !== null && c >= 0)).size).toBeGreaterThan(1);

    // The community with most problems due: clicked on the map, its card opens with every figure.
    const target = [...withRate].sort((a, b) => b.figures[RATE]!.denominator! - a.figures[RATE]!.denominator!)[0]!;
    const area = await get<AreaDetail>(viewer!, `/api/areas/${target.id}`);
    await page.evaluate((p) => window.__wangge!.map.jumpTo({ center: p, zoom: 13 }), area.labelPoint);
    await mapIdle(page);
    const at = await page.evaluate((p) => window.__wangge!.map.project(p), area.labelPoint);
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => page.getByTestId('figure-hover').textContent(), { timeout: 15_000 }).toContain(target.name);
    await page.mouse.click(at.x, at.y);
    const card = page.locator(`[data-testid=figure-card][data-area-id="${target.id}"]`);
    await card.waitFor({ timeout: 15_000 });
    const rate = card.locator(`li[data-indicator=${RATE}]`);
    await expect
      .poll(() => rate.textContent(), { timeout: 15_000 })
      .toContain(`${target.figures[RATE]!.numerator} / ${target.figures[RATE]!.denominator}`);
    expect(await card.locator('li[data-indicator]').count()).toBeGreaterThan(10);

    // The problems behind the denominator (应结案), then the numerator (结案): the lists add up to the figure.
    await rate.locator('button[data-part=denominator]').click();
    const list = page.getByTestId('figure-problems');
    await expect
      .poll(() => list.locator('li button[data-problem-id]').count(), { timeout: 15_000 })
      .toBe(Math.min(200, target.figures[RATE]!.denominator!));
    await expect
      .poll(() => list.getByRole('status').textContent(), { timeout: 15_000 })
      .toContain(`共 ${target.figures[RATE]!.denominator} 件`);
    const behind = await get<ProblemsBehind>(
      viewer!,
      `/api/figures/problems?indicator=${RATE}&part=numerator&level=community&entity=${target.id}&${new URLSearchParams(thisMonth())}`,
    );
    await list.locator('.fg-seg [data-part=numerator]').click();
    await expect
      .poll(() => list.locator('li button[data-problem-id]').count(), { timeout: 15_000 })
      .toBe(behind.problems.length);
    await list.locator('.fg-seg [data-part=denominator]').click();
    await expect
      .poll(() => list.locator('li button[data-problem-id]').count(), { timeout: 15_000 })
      .toBe(Math.min(200, target.figures[RATE]!.denominator!));

    // A problem of the list opens in the problem view, on the map and in the drawer.
    const first = list.locator('li button[data-problem-id]').first();
    const id = Number(await first.getAttribute('data-problem-id'));
    await first.click();
    await expect
      .poll(() => page.getByRole('radio', { name: '问题闭环' }).getAttribute('aria-checked'), { timeout: 15_000 })
      .toBe('true');
    await page.locator(`[data-testid=problem-detail][data-problem-id="${id}"]`).waitFor({ timeout: 20_000 });

    // Back in the figure view, what was chosen is still there.
    await page.getByRole('radio', { name: '数据分析' }).click();
    await expect.poll(() => page.getByTestId('figure-indicator').inputValue(), { timeout: 15_000 }).toBe(RATE);
  });

  it('ranks streets and communities week by week, each rank with its score breakdown, and shows campaign progress', async () => {
    const page = await openFigures();
    await page.getByRole('tab', { name: '周排名' }).click();
    await page.getByTestId('ranking').locator('[data-week=this]').click();
    const week = await get<RankingResult>(viewer!, `/api/rankings?kind=street&week=${serverToday}`);
    const rows = page.getByTestId('ranking-row');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(week.entries.length);
    await expect.poll(() => page.getByTestId('ranking').textContent(), { timeout: 15_000 }).toContain('本周未结束');
    // ranked first, in rank order; each row opens its breakdown, one line per rule of the scheme
    const ranked = week.entries.filter((e) => e.rank !== null).sort((a, b) => a.rank! - b.rank!);
    expect(ranked.length, 'streets with enough problems due this week').toBeGreaterThan(0);
    const top = rows.first();
    expect(Number(await top.getAttribute('data-entity-id'))).toBe(ranked[0]!.entityId);
    await top.locator('button.head').click();
    const breakdown = top.getByTestId('ranking-breakdown');
    await expect
      .poll(() => breakdown.locator('tbody tr').count(), { timeout: 15_000 })
      .toBe(ranked[0]!.breakdown.length);
    const earned = ranked[0]!.breakdown.reduce((s, b) => s + b.earned, 0);
    expect(earned).toBeCloseTo(ranked[0]!.score!, 1);
    await expect.poll(() => breakdown.textContent(), { timeout: 15_000 }).toContain('按期结案率');
    if (ranked.length > 1) await page.getByTestId('ranking-chart').locator('canvas').waitFor();
    // the export is the same table with the period in its header
    const href = await page.getByTestId('ranking').locator('a[data-format=xlsx]').getAttribute('href');
    expect(await page.evaluate(async (h) => (await fetch(h!)).headers.get('content-type'), href)).toContain(
      'spreadsheetml',
    );
    await page.screenshot({ path: join(SHOTS, 'figures-ranking.png') });

    await page.getByTestId('ranking-kind').locator('[data-kind=community]').click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(week.entries.length);

    // Campaign progress: today's target, every street against it, who is behind first and in red.
    await page.getByRole('tab', { name: '攻坚进度' }).click();
    const campaign = page.getByTestId('campaign');
    await expect
      .poll(() => campaign.getByTestId('campaign-current').textContent(), { timeout: 15_000 })
      .toContain('整改达标率');
    await expect.poll(() => campaign.getByTestId('campaign-row').count(), { timeout: 15_000 }).toBe(3);
    const statuses = await campaign
      .getByTestId('campaign-row')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    const order = ['behind', 'at_risk', 'on_track', 'no_data'];
    expect([...statuses].sort((a, b) => order.indexOf(a!) - order.indexOf(b!))).toEqual(statuses);
  });

  it('switches the coverage gap layers and hotspots on the map', async () => {
    const page = await openFigures();
    await page.getByRole('tab', { name: '空白点' }).click();
    const gaps = page.getByTestId('gaps');
    // counts arrive with the overlay (cached after its first computation)
    await expect
      .poll(() => gaps.locator('[data-gap=noLeader] summary strong').textContent(), { timeout: 60_000 })
      .toMatch(/^\d+$/);
    for (const gap of ['uncovered', 'noLead', 'noLeader', 'hotspots'])
      await gaps.locator(`[data-gap=${gap}] summary input`).check();
    const visible = (id: string) => page.evaluate((l) => window.__wangge!.map.getLayoutProperty(l, 'visibility'), id);
    await expect.poll(() => visible('gaps-uncovered-hatch')).toBe('visible');
    await expect.poll(() => visible('gaps-no-lead-line')).toBe('visible');
    expect(await visible('gaps-overlap-fill')).toBe('none');
    await page.getByTestId('figure-legend').locator('[data-gap=noLead]').waitFor({ state: 'visible', timeout: 15_000 });

    // A hotspot of the list flies there and shows its problems; its hull is drawn.
    const hotspots = gaps.getByTestId('hotspot');
    await expect.poll(() => hotspots.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await hotspots.first().locator('button.hs').click();
    await hotspots.first().locator('[data-problem-id]').first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.waitForFunction(() => !window.__wangge!.map.isMoving(), undefined, { timeout: 15_000 });
    await mapIdle(page);
    expect(
      await page.evaluate(() => window.__wangge!.map.queryRenderedFeatures({ layers: ['hotspots-fill'] }).length),
    ).toBeGreaterThan(0);
    await page.evaluate(() => window.__wangge!.map.zoomTo(13.5, { animate: false }));
    await mapIdle(page);
    await page.screenshot({ path: join(SHOTS, 'figures-gaps.png') });
  });

  it('fits a phone: one-row toolbar, the panel as a sheet with the legend inside', async () => {
    const page = await openFigures(PHONE);
    await expect
      .poll(() => page.getByRole('radio', { name: '数据分析' }).getAttribute('aria-checked'), { timeout: 15_000 })
      .toBe('true');
    await page
      .getByTestId('figure-panel')
      .getByTestId('figure-legend-inline')
      .waitFor({ state: 'visible', timeout: 15_000 });
    // nothing of the panel wider than the screen
    const overflow = await page.getByTestId('figure-panel').evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await mapIdle(page);
    await page.screenshot({ path: join(SHOTS, 'figures-phone.png') });
  });
});
