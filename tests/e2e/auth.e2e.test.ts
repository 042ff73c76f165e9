import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { SessionInfo } from '../../api/schemas/auth';
import {
  buildWeb,
  CHROMIUM,
  CHROMIUM_ARGS,
  collectErrors,
  expectErrors,
  hasChromium,
  logIn,
  mapIdle,
  SHOTS,
  startServer,
  type RunningServer,
} from './harness';

const required = process.env.WANGGE_E2E_REQUIRED === '1';
const skip = !hasChromium() && !required;

const DESKTOP = { width: 1600, height: 1000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
/** The grid leader's one grid (the first grid by code) and a grid of another street. */
const OWN_GRID = '330822001001001';
const FOREIGN_GRID = '330822002001001';

// Each test logs in at most twice: the server allows 10 login attempts a minute per address.
describe.skipIf(skip)('logging in and out, and what a scoped user sees', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let errors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium()) throw new Error(`${CHROMIUM} is missing and WANGGE_E2E_REQUIRED=1`);
    buildWeb();
    server = await startServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
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

  /** A fresh browser with no session: the app starts on the login screen. */
  async function open(options: BrowserContextOptions = { viewport: DESKTOP }): Promise<Page> {
    context = await browser!.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
    const page = await context.newPage();
    errors = collectErrors(page);
    await page.goto(server!.url);
    await page.getByTestId('login-form').waitFor({ timeout: 30_000 });
    return page;
  }

  async function mapShown(page: Page): Promise<void> {
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    await mapIdle(page);
  }

  const status = (page: Page, path: string) => page.evaluate(async (p) => (await fetch(p)).status, path);

  it('shows the server’s message for a wrong password, in the language of the login screen', async () => {
    const page = await open();
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: join(SHOTS, 'login.png') });

    await logIn(page, 'commander', 'not-the-password');
    const error = page.getByTestId('login-error');
    await expect.poll(() => error.textContent(), { timeout: 15_000 }).toBe('用户名或密码错误');
    // Still on the login screen, the password cleared for the next try, the name kept.
    expect(await page.getByLabel('用户名').inputValue()).toBe('commander');
    expect(await page.getByLabel('密码', { exact: true }).inputValue()).toBe('');
    expect(await page.evaluate(() => window.__wangge)).toBeUndefined();
    await page.screenshot({ path: join(SHOTS, 'login-error.png') });

    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByLabel('Password', { exact: true }).fill('still-not-it');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => error.textContent(), { timeout: 15_000 }).toMatch(/wrong username or password/i);
    expectErrors(errors, /status of 401.*\/api\/auth\/login/);
  });

  it('shows a grid leader only their own grid, outlined, and refuses the areas of others', async () => {
    const page = await open();
    await logIn(page, 'gridleader');
    await mapShown(page);

    // Who is logged in, in the header.
    expect(await page.getByTestId('user-name').textContent()).toBe('网格长 张建国');
    expect(await page.getByTestId('user-role').textContent()).toBe('网格长');

    // The map starts on the scope: grid fills exist only for the one grid, and it has its outline.
    const grids = await page.evaluate(() =>
      window.__wangge!.map.queryRenderedFeatures({ layers: ['grids-fill'] }).map((f) => String(f.properties.code)),
    );
    expect(grids.length).toBeGreaterThan(0);
    expect(new Set(grids)).toEqual(new Set([OWN_GRID]));
    const outlined = await page.evaluate(() =>
      window.__wangge!.map.queryRenderedFeatures({ layers: ['scope-line'] }).map((f) => String(f.properties.code)),
    );
    expect(new Set(outlined)).toEqual(new Set([OWN_GRID]));

    // The panel names the scope, from the session itself.
    const me = await page.evaluate(async () => (await (await fetch('/api/auth/me')).json()) as SessionInfo);
    expect(me.user.scope?.map((a) => a.code)).toEqual([OWN_GRID]);
    const scope = page.getByTestId('my-scope');
    await expect.poll(() => scope.textContent(), { timeout: 15_000 }).toContain('我的管辖');
    expect(await scope.textContent()).toContain(me.user.scope![0]!.name);

    // Another street's grid does not exist for this user.
    expect(await status(page, `/api/areas/by-code/${FOREIGN_GRID}`)).toBe(404);
    expectErrors(errors, new RegExp(`status of 404.*/api/areas/by-code/${FOREIGN_GRID}`));
    await page.screenshot({ path: join(SHOTS, 'map-gridleader.png') });
  });

  it('logs out from the user menu on a phone, back to the login screen, and the session is gone', async () => {
    const page = await open(PHONE);
    await page.screenshot({ path: join(SHOTS, 'login-phone.png') });
    await logIn(page, 'gridmember');
    await mapShown(page);
    await page.screenshot({ path: join(SHOTS, 'map-gridmember-phone.png') });

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.getByTestId('login-form').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => window.__wangge)).toBeUndefined();
    expect(await status(page, '/api/auth/me')).toBe(401);
    expectErrors(errors, /status of 401.*\/api\/auth\/me/);

    // A reload stays on the login screen without asking the server (no 401 in the console).
    await page.reload();
    await page.getByTestId('login-form').waitFor({ timeout: 15_000 });
  });

  it('sends an expired session back to the login screen with a notice', async () => {
    const page = await open();
    await logIn(page, 'commander');
    await mapShown(page);
    await page.getByTestId('user-menu').click();
    expect(await page.getByRole('menu').textContent()).toContain('全市');
    await page.keyboard.press('Escape');

    // The server forgets the session (as after 7 days); the next call answers 401.
    await context!.clearCookies();
    await page.getByLabel('搜索区域').fill('天马');
    const reason = page.getByTestId('login-reason');
    await expect.poll(() => reason.textContent(), { timeout: 15_000 }).toBe('登录已过期，请重新登录');
    expect(await page.evaluate(() => window.__wangge)).toBeUndefined();
    expectErrors(errors, /status of 401.*\/api\/areas\/search/);
  });
});
