import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { AreaDetail } from '../../api/schemas/areas';
import type { Notice, ProblemDetail } from '../../api/schemas/problems';
import {
  buildWeb,
  CHROMIUM,
  CHROMIUM_ARGS,
  collectErrors,
  hasChromium,
  logIn,
  mapIdle,
  SHOTS,
  startServer,
  type RunningServer,
} from './harness';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const required = process.env.WANGGE_E2E_REQUIRED === '1';
const skip = !hasChromium() && !required;

const DESKTOP = { width: 1600, height: 1000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
/** The grid 张建国 (gridleader) leads: the problem is reported there so that he can fix it. */
const LEADER_GRID = '330822001001001';
const OTHER_GRID = '330822001001002';
/** 市容环境 → 乱摆乱放 → 店外乱摆乱放 (24 h) */
const CATEGORY = ['01', '0101', '010101'];
/** RGB of the pins (web/src/features/problems/map/problem-layers.ts) */
const REPORTED = [0x6b, 0x84, 0xa3];
const CLOSED = [0x1f, 0x9d, 0x4c];
const OVERDUE = [0xdc, 0x26, 0x26];

/** A real JPEG, as a phone would send one (the server re-encodes and thumbnails it). */
const photo = (colour: string) =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: colour } })
    .jpeg({ quality: 85 })
    .toBuffer();

describe.skipIf(skip)('the problem loop in the browser', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let errors: string[][] = [];
  /** sessions logged in once through the login screen: the supervisor's steps (admin) and the grid leader's */
  const sessions: Record<string, StorageState> = {};
  /** the problem walked through the whole loop, and the one left to go overdue */
  let loopId = 0;
  let lateId = 0;

  beforeAll(async () => {
    if (!hasChromium()) throw new Error(`${CHROMIUM} is missing and WANGGE_E2E_REQUIRED=1`);
    buildWeb();
    server = await startServer(240_000, { WANGGE_CONTROLLABLE_CLOCK: '1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    // Two logins for the whole file: the server allows 10 login attempts a minute per address.
    for (const user of ['admin', 'gridleader']) {
      const ctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP });
      const page = await ctx.newPage();
      const loginErrors = collectErrors(page);
      await page.goto(server.url);
      await logIn(page, user);
      await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
      sessions[user] = await ctx.storageState();
      await ctx.close();
      expect(loginErrors).toEqual([]);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
    const all = errors.flat();
    errors = [];
    expect(all, 'console errors / page errors').toEqual([]);
  });

  /** A fresh context of a user, on the map, switched to the problem view. */
  async function openProblems(user: string, options: BrowserContextOptions = { viewport: DESKTOP }): Promise<Page> {
    const context = await browser!.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      storageState: sessions[user],
      ...options,
    });
    contexts.push(context);
    const page = await context.newPage();
    errors.push(collectErrors(page));
    await page.goto(server!.url);
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    await mapIdle(page);
    await page.getByRole('radio', { name: '问题闭环' }).click();
    await page.getByTestId('problem-panel').waitFor();
    // the loop ends in closed problems, which the office shows (list and map) only on demand
    await page.locator('[data-filter=closed]').check();
    return page;
  }

  /** GET as the page's user (its session cookie). */
  async function api<T>(page: Page, path: string): Promise<T> {
    const res = await page.request.get(`${server!.url}${path}`);
    if (!res.ok()) throw new Error(`${path}: HTTP ${res.status()}`);
    return (await res.json()) as T;
  }

  /** Centres the map on a point at a zoom where problems are pins (z ≥ 13). */
  async function centreOn(page: Page, lonLat: [number, number], zoom = 16): Promise<void> {
    await page.evaluate(([p, z]) => window.__wangge!.map.jumpTo({ center: p as [number, number], zoom: z as number }), [
      lonLat,
      zoom,
    ] as const);
    await mapIdle(page);
  }

  /** Where a point is drawn, in page pixels (the map fills the window). */
  function pixelOf(page: Page, lonLat: [number, number]): Promise<{ x: number; y: number }> {
    return page.evaluate((p) => {
      const { x, y } = window.__wangge!.map.project(p);
      return { x: Math.round(x), y: Math.round(y) };
    }, lonLat);
  }

  /** The colour drawn at a page pixel (deck.gl draws into the map's canvas, so only a screenshot tells). */
  async function colourAt(page: Page, at: { x: number; y: number }): Promise<number[]> {
    const png = await page.screenshot({ clip: { x: at.x, y: at.y, width: 1, height: 1 } });
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    return [data[0]!, data[1]!, data[2]!];
  }
  const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 24);

  const drawer = (page: Page) => page.getByTestId('problem-drawer');
  const detail = (page: Page) => page.getByTestId('problem-detail');

  /** Waits until the drawer shows problem `id` in `state`. */
  async function shows(page: Page, id: number, state: string): Promise<void> {
    await page
      .locator(`[data-testid=problem-detail][data-problem-id="${id}"][data-state="${state}"]`)
      .waitFor({ timeout: 20_000 });
  }

  /** Opens an action's form in the drawer, lets `fill` fill it, and submits it. */
  async function act(
    page: Page,
    action: string,
    fill?: (form: ReturnType<Page['locator']>) => Promise<void>,
  ): Promise<void> {
    await detail(page).locator(`[data-testid=problem-actions] button[data-action="${action}"]`).click();
    const form = detail(page).locator(`form[data-action="${action}"]`);
    await fill?.(form);
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached', timeout: 20_000 });
  }

  /** Reports a problem at the map centre through the form; resolves to its id. */
  async function report(page: Page, at: [number, number], description: string, photoColour: string): Promise<number> {
    await centreOn(page, at);
    await page.getByTestId('report-button').click();
    await page.getByTestId('report-pick').waitFor();
    const p = await pixelOf(page, at);
    await page.mouse.click(p.x, p.y);
    const form = page.getByTestId('report-form');
    await form.waitFor();
    // the place clicked, and the areas there
    await expect.poll(() => form.getByTestId('report-point').textContent()).toContain(at[0].toFixed(4).slice(0, -1));
    for (const [level, code] of CATEGORY.entries()) {
      await form
        .locator(`select[data-level="${level + 1}"]`)
        .selectOption({ value: String(await categoryId(page, code)) });
    }
    await form.getByLabel('问题描述').fill(description);
    await form.getByLabel('地址').fill('解放路 18 号门前');
    await form
      .locator('input[type=file]')
      .setInputFiles({ name: 'before.jpg', mimeType: 'image/jpeg', buffer: await photo(photoColour) });
    await form.locator('.previews img').first().waitFor();
    // the duplicate check ran for this place and category before anything was saved
    await expect
      .poll(() => form.getByTestId('nearby').textContent(), { timeout: 15_000 })
      .toContain('没有同类未结问题');
    await form.getByRole('button', { name: '上报', exact: true }).click();
    const opened = page.locator('[data-testid=problem-detail][data-state="reported"]');
    await opened.waitFor({ timeout: 30_000 });
    return Number(await opened.getAttribute('data-problem-id'));
  }

  let categoryIds: Map<string, number> | undefined;
  async function categoryId(page: Page, code: string): Promise<number> {
    if (!categoryIds) {
      type Node = { id: number; code: string; children?: Node[] };
      const ids = new Map<string, number>();
      const visit = (ns: Node[]) => ns.forEach((n) => (ids.set(n.code, n.id), visit(n.children ?? [])));
      visit(await api<Node[]>(page, '/api/categories'));
      categoryIds = ids;
    }
    return categoryIds.get(code)!;
  }

  const gridPoint = async (page: Page, code: string) =>
    (await api<AreaDetail>(page, `/api/areas/by-code/${code}`)).labelPoint as [number, number];

  /** Opens a problem from the list of the first tab. */
  async function openFromList(page: Page, id: number): Promise<void> {
    await page.getByRole('tab', { name: '问题列表' }).click();
    await page.getByTestId('problem-list').locator(`button[data-problem-id="${id}"]`).click();
    await page.locator(`[data-testid=problem-detail][data-problem-id="${id}"]`).waitFor({ timeout: 20_000 });
  }

  it('walks one problem through the whole loop: report with a photo on the map, verify, assign, fix, rework, fix, accept, revisit', async () => {
    const sup = await openProblems('admin');
    const at = await gridPoint(sup, LEADER_GRID);

    // Report at a point clicked on the map, with a photo: the drawer opens on the new problem.
    loopId = await report(sup, at, '商铺门前堆放纸箱，占用人行道', '#b4553c');
    expect(loopId).toBeGreaterThan(0);
    await expect.poll(() => detail(sup).locator('[data-photos=before] img').count()).toBe(1);
    const routed = await api<ProblemDetail>(sup, `/api/problems/${loopId}`);
    expect(routed.gridCode).toBe(LEADER_GRID);
    expect(await detail(sup).textContent()).toContain(routed.gridName!);

    // The new pin is drawn where it was reported (the tiles were refreshed), and a click on it
    // opens it without selecting the grid under it.
    const pin = await pixelOf(sup, at);
    await expect.poll(() => colourAt(sup, pin).then((c) => near(c, REPORTED)), { timeout: 20_000 }).toBe(true);
    await drawer(sup).getByRole('button', { name: '关闭详情' }).click();
    await drawer(sup).waitFor({ state: 'detached' });
    await sup.mouse.click(pin.x, pin.y);
    await shows(sup, loopId, 'reported');
    expect(
      await sup
        .getByTestId('problem-filters')
        .getByRole('button', { name: /区域：/ })
        .count(),
    ).toBe(0);
    await sup.screenshot({ path: join(SHOTS, 'problems-map.png') });

    await act(sup, 'verify');
    await shows(sup, loopId, 'verified');
    await act(sup, 'assign');
    await shows(sup, loopId, 'assigned');
    expect(await detail(sup).getByTestId('countdown').textContent()).toMatch(/剩余/);

    // The grid leader finds it in his queue and reports it fixed, with an after photo.
    const leader = await openProblems('gridleader');
    await leader.getByRole('tab', { name: '待我处理' }).click();
    await leader.getByTestId('problem-queue').locator(`button[data-problem-id="${loopId}"]`).click();
    await shows(leader, loopId, 'assigned');
    const fix = async (note: string, colour: string) =>
      act(leader, 'fix', async (form) => {
        await form
          .locator('input[type=file]')
          .setInputFiles({ name: 'after.jpg', mimeType: 'image/jpeg', buffer: await photo(colour) });
        await form.locator('.previews img').first().waitFor();
        await form.getByLabel('说明').fill(note);
      });
    await fix('纸箱已清走', '#5f8f6b');
    await shows(leader, loopId, 'fixed');

    // The supervisor rejects the fix once: back to the unit, counted, the deadline kept.
    await openFromList(sup, loopId);
    await shows(sup, loopId, 'fixed');
    await act(sup, 'rework', (form) => form.getByLabel('原因').fill('门前仍有杂物，未达到结案标准'));
    await shows(sup, loopId, 'assigned');
    expect(await detail(sup).locator('.counters li').first().textContent()).toContain('1');

    // Fixed again (the leader's drawer still shows it fixed: opening it again loads the rework).
    await openFromList(leader, loopId);
    await shows(leader, loopId, 'assigned');
    await fix('杂物全部清理，地面已冲洗', '#3f9f5f');
    await shows(leader, loopId, 'fixed');

    await openFromList(sup, loopId);
    await act(sup, 'accept');
    await shows(sup, loopId, 'closed');
    await act(sup, 'revisit', (form) => form.getByLabel('已巩固，未反弹').check());
    await shows(sup, loopId, 'closed');

    // The timeline shows every step, in order, each with who did it and when.
    const steps = await detail(sup)
      .locator('[data-testid=timeline] > li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-action')));
    expect(steps).toEqual(['report', 'verify', 'assign', 'fix', 'rework', 'fix', 'accept', 'revisit']);
    const timeline = await detail(sup).getByTestId('timeline').textContent();
    expect(timeline).toContain('系统管理员');
    expect(timeline).toContain('张建国');
    expect(timeline).toContain('门前仍有杂物');
    expect(await detail(sup).locator('[data-photos=after] img').count()).toBe(2);
    const stored = await api<ProblemDetail>(sup, `/api/problems/${loopId}`);
    expect(stored.timeline.map((e) => e.action)).toEqual(steps);
    expect(stored.reworkCount).toBe(1);
    await drawer(sup)
      .locator('.body')
      .evaluate((b) => b.scrollTo(0, b.scrollHeight));
    await sup.screenshot({ path: join(SHOTS, 'problems-drawer-timeline.png') });

    // The full photo opens over everything.
    await detail(sup).locator('[data-photos=after] button').first().click();
    await sup.getByTestId('photo-full').waitFor();
    expect(await sup.getByTestId('photo-full').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(800);
    await sup.keyboard.press('Escape');
    await sup.getByTestId('photo-full').waitFor({ state: 'detached' });

    // The closed problem's pin is green now.
    await centreOn(sup, at);
    await expect.poll(() => colourAt(sup, pin).then((c) => near(c, CLOSED)), { timeout: 20_000 }).toBe(true);
  });

  it('raises a supervision notice when an assigned problem passes its deadline, printable', async () => {
    const sup = await openProblems('admin');
    const at = await gridPoint(sup, OTHER_GRID);
    lateId = await report(sup, at, '围墙张贴大量小广告', '#8a6d3b');
    await act(sup, 'verify');
    await act(sup, 'assign');
    await shows(sup, lateId, 'assigned');

    // Two days later (the app clock moves; the sweep runs at once): overdue, 督办 raised.
    const { csrfToken } = await api<{ csrfToken: string }>(sup, '/api/auth/me');
    const moved = await sup.request.post(`${server!.url}/api/dev/clock`, {
      data: { advanceHours: 48 },
      headers: { 'X-CSRF-Token': csrfToken },
    });
    expect(moved.status()).toBe(200);
    expect((await moved.json()).raised.supervision).toBeGreaterThanOrEqual(1);

    // Back into the view: fresh tiles and lists. The pin is red, the drawer says overdue.
    await sup.getByRole('radio', { name: '区域层级' }).click();
    await sup.getByRole('radio', { name: '问题闭环' }).click();
    await openFromList(sup, lateId);
    await expect.poll(() => detail(sup).getByTestId('countdown').textContent()).toMatch(/已超期 1 天/);
    await centreOn(sup, at);
    const pin = await pixelOf(sup, at);
    await expect.poll(() => colourAt(sup, pin).then((c) => near(c, OVERDUE)), { timeout: 20_000 }).toBe(true);
    const timeline = await detail(sup)
      .locator('[data-testid=timeline] > li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-action')));
    expect(timeline).toContain('supervision_notice');

    // Both problems on the map, then the county zoomed out: clusters with the overdue share.
    await drawer(sup).getByRole('button', { name: '关闭详情' }).click();
    const loopAt = await gridPoint(sup, LEADER_GRID);
    await centreOn(sup, [(at[0] + loopAt[0]) / 2, (at[1] + loopAt[1]) / 2], 15.5);
    const [latePin, loopPin] = [await pixelOf(sup, at), await pixelOf(sup, loopAt)];
    await expect
      .poll(async () => near(await colourAt(sup, latePin), OVERDUE) && near(await colourAt(sup, loopPin), CLOSED), {
        timeout: 20_000,
      })
      .toBe(true);
    await sup.screenshot({ path: join(SHOTS, 'problems-pins.png') });
    await sup.evaluate(() => window.__wangge!.map.jumpTo({ zoom: 12 }));
    await mapIdle(sup);
    // the late problem's cluster is all overdue: its red core fills the disc (beside the label)
    const cluster = await pixelOf(sup, at);
    await expect
      .poll(
        async () => {
          const colours = await Promise.all([-6, 6].map((dx) => colourAt(sup, { x: cluster.x + dx, y: cluster.y })));
          return colours.every((c) => near(c, OVERDUE));
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    await sup.screenshot({ path: join(SHOTS, 'problems-clusters.png') });

    // The notices tab lists the 督办 for it; its printable sheet names the unit, problem and deadline.
    await sup.getByRole('tab', { name: '督办问责' }).click();
    const item = sup.getByTestId('notice-list').locator(`li[data-problem-id="${lateId}"][data-kind="supervision"]`);
    await item.waitFor({ timeout: 15_000 });
    const notices = await api<{ items: Notice[] }>(sup, `/api/notices?problemId=${lateId}`);
    const notice = notices.items.find((n) => n.kind === 'supervision')!;
    expect(await item.textContent()).toContain(notice.number);
    await item.getByRole('button', { name: '打印' }).click();
    const sheet = sup.getByTestId('notice-sheet');
    await sheet.waitFor();
    const text = (await sheet.textContent()) ?? '';
    expect(text).toContain('督办通知单');
    expect(text).toContain(notice.number);
    expect(text).toContain('围墙张贴大量小广告');
    if (notice.unitName) expect(text).toContain(notice.unitName);
    expect(text).toContain(`#${lateId}`);
    await sup.emulateMedia({ media: 'print' });
    // on paper only the sheet: the app (map, panels) is not printed
    expect(await sup.locator('#app').isVisible()).toBe(false);
    await sup.screenshot({ path: join(SHOTS, 'problems-notice-print.png'), fullPage: true });
    await sup.emulateMedia({ media: 'screen' });
  });

  it('on a phone the drawer is a bottom sheet over the map', async () => {
    const page = await openProblems('admin', PHONE);
    await page.getByTestId('problem-list').locator(`button[data-problem-id="${loopId}"]`).click();
    await shows(page, loopId, 'closed');
    await page.waitForFunction(() => !window.__wangge!.map.isMoving(), undefined, { timeout: 15_000 });
    await mapIdle(page);
    const sheet = (await drawer(page).boundingBox())!;
    expect(sheet.y + sheet.height).toBeCloseTo(844, 0);
    expect(sheet.height).toBeLessThanOrEqual(844 * 0.56);
    // the problem's pin stays in view above the sheet
    const closed = await api<ProblemDetail>(page, `/api/problems/${loopId}`);
    const pin = await pixelOf(page, [closed.lon, closed.lat]);
    expect(pin.y).toBeGreaterThan(0);
    expect(pin.y).toBeLessThan(sheet.y);
    expect(sheet.width).toBe(390);
    // the panel's own sheet makes room for it
    expect(await page.getByTestId('area-panel').isVisible()).toBe(false);
    await page.screenshot({ path: join(SHOTS, 'problems-phone.png') });
  });
});
