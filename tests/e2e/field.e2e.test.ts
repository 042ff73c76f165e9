import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AreaDetail } from '../../api/schemas/areas';
import type { CategoryTree, ProblemDetail, ProblemList } from '../../api/schemas/problems';
import type { Patrol } from '../../api/schemas/figures';
import {
  buildWeb,
  CHROMIUM,
  CHROMIUM_ARGS,
  collectErrors,
  demoPassword,
  expectErrors,
  hasChromium,
  logIn,
  ROOT,
  SHOTS,
  startServer,
  type RunningServer,
} from './harness';

const required = process.env.WANGGE_E2E_REQUIRED === '1';
const skip = !hasChromium() && !required;

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
/** The grid 张建国 (gridleader) leads (data/demo). */
const LEADER_GRID = '330822001001001';
/** ≈ metres per degree of longitude / latitude at 28.9° N */
const M_LON = 97_450;
const M_LAT = 111_320;

const photo = (colour: string) =>
  sharp({ create: { width: 1600, height: 1200, channels: 3, background: colour } })
    .jpeg({ quality: 90 })
    .toBuffer();

/** A 4000×3000 camera photo of about 34 MB (noise does not compress): the phone must shrink it. */
async function bigPhotoFile(): Promise<string> {
  const w = 4000;
  const h = 3000;
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = ((i * 2654435761) >>> 13) & 255;
  const jpeg = await sharp(raw, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
    .toBuffer();
  expect(jpeg.length).toBeGreaterThan(30 * 1024 * 1024);
  const path = join(mkdtempSync(join(tmpdir(), 'wangge-field-')), 'IMG_0001.jpg');
  writeFileSync(path, jpeg);
  return path;
}

/** The outbox as stored in the page's IndexedDB (web/src/features/field/outbox.ts). */
interface StoredItem {
  key: string;
  kind: string;
  url: string;
  body: { description?: string; photos?: { dataBase64: string }[] };
}
const readOutbox = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<StoredItem[]>((ok, fail) => {
        const open = indexedDB.open('wangge-field');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('outbox').objectStore('outbox').getAll();
          all.onsuccess = () => ok(all.result as StoredItem[]);
          all.onerror = () => fail(all.error);
        };
      }),
  );

interface ApiSession {
  cookie: string;
  csrf: string;
}

describe.skipIf(skip)('the field workspace on a phone (issue 14)', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let admin: ApiSession;
  let grid: AreaDetail;
  let categoryId = 0;
  /** assigned to the leader's grid: fixed offline at the site, and fixed 500 m away */
  let nearId = 0;
  let farId = 0;
  let site: [number, number];

  async function call<T>(
    s: ApiSession,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const res = await fetch(`${server!.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        cookie: s.cookie,
        'x-csrf-token': s.csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }
  async function apiLogin(username: string): Promise<ApiSession> {
    const res = await fetch(`${server!.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: demoPassword(username) }),
    });
    expect(res.status).toBe(200);
    return {
      cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!,
      csrf: ((await res.json()) as { csrfToken: string }).csrfToken,
    };
  }
  /** An assigned problem at a point of the leader's grid (reported, verified and assigned by the admin). */
  async function assigned(lonLat: [number, number], description: string): Promise<number> {
    const p = await call<ProblemDetail>(admin, '/api/problems', {
      lon: lonLat[0],
      lat: lonLat[1],
      categoryId,
      source: 'inspection',
      description,
    });
    const v = await call<ProblemDetail>(admin, `/api/problems/${p.id}/actions/verify`, { version: p.version });
    const a = await call<ProblemDetail>(admin, `/api/problems/${p.id}/actions/assign`, { version: v.version });
    expect(a.state).toBe('assigned');
    return p.id;
  }
  const byDescription = (d: string) =>
    call<ProblemList>(admin, `/api/problems?${new URLSearchParams({ q: d, limit: '50' })}`).then((l) =>
      l.items.filter((p) => p.description === d),
    );
  const shot = async (page: Page, name: string) => {
    const path = join(SHOTS, `field-${name}.png`);
    await page.screenshot({ path });
    // the README shows the phone's home, report and queue
    if (['home', 'report', 'queue'].includes(name))
      copyFileSync(path, join(ROOT, 'docs', `screenshot-field-${name}.png`));
  };
  const at = (dxM: number, dyM: number) => ({
    longitude: site[0] + dxM / M_LON,
    latitude: site[1] + dyM / M_LAT,
    accuracy: 8,
  });
  async function report(page: Page, description: string, colour: string | { file: string }): Promise<void> {
    await page.getByTestId('bar-report').click();
    await page.getByTestId('report-sheet').waitFor();
    await page
      .getByTestId('report-photos')
      .setInputFiles(
        typeof colour === 'string'
          ? { name: 'before.jpg', mimeType: 'image/jpeg', buffer: await photo(colour) }
          : colour.file,
      );
    await page.locator('.thumbs img').first().waitFor();
    const cats = ['01', '0101', '010101'];
    for (const [level, code] of cats.entries()) {
      const id = await page
        .evaluate(
          ([c]) =>
            fetch('/api/categories')
              .then((r) => r.json())
              .then((t: CategoryTree) => {
                const all = t.flatMap((a) => [a, ...a.children.flatMap((b) => [b, ...b.children])]);
                return String(all.find((x) => x.code === c)!.id);
              }),
          [code],
        )
        .catch(() => null);
      const select = page.locator(`#field-cat-${level}`);
      if (id) await select.selectOption({ value: id });
      else await select.selectOption({ index: 1 });
    }
    await page.getByTestId('report-description').fill(description);
  }

  beforeAll(async () => {
    if (!hasChromium()) throw new Error(`${CHROMIUM} is missing and WANGGE_E2E_REQUIRED=1`);
    buildWeb();
    server = await startServer(240_000, { WANGGE_CONTROLLABLE_CLOCK: '1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    admin = await apiLogin('admin');
    grid = await call<AreaDetail>(admin, `/api/areas/by-code/${LEADER_GRID}`);
    site = grid.labelPoint as [number, number];
    const tree = await call<CategoryTree>(admin, '/api/categories');
    categoryId = tree.flatMap((a) => a.children.flatMap((b) => b.children)).find((c) => c.code === '010101')!.id;
    nearId = await assigned(site, '店外乱摆放（现场整改）');
    farId = await assigned([site[0] + 20 / M_LON, site[1]], '店外乱摆放（远处整改）');
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it('patrols, reports, works offline, syncs each write exactly once, and flags a fix made 500 m away', async () => {
    context = await browser!.newContext({
      ...PHONE,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      geolocation: at(0, 0),
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(server!.url);
    await logIn(page, 'gridleader');
    // a grid leader on a phone lands in the field workspace
    await page.getByTestId('field-screen').waitFor({ timeout: 60_000 });
    expect(new URL(page.url()).pathname).toBe('/m');
    await expect.poll(() => page.getByTestId('field-grids').textContent(), { timeout: 30_000 }).toContain('网格');
    await expect
      .poll(() => page.getByTestId('field-geo').textContent(), { timeout: 30_000 })
      .toContain('定位精度 ±8 米');
    const todo = page.getByTestId('todo-item');
    await expect.poll(() => todo.filter({ hasText: `#${nearId}` }).count(), { timeout: 30_000 }).toBe(1);
    expect(await todo.filter({ hasText: `#${farId}` }).count()).toBe(1);
    // large targets under the thumb
    for (const id of ['bar-report', 'bar-patrol', 'bar-todo']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.y + box.height).toBeLessThanOrEqual(844);
    }
    await page.waitForTimeout(1500); // tiles
    await shot(page, 'home');

    // 巡查: start, walk a few positions, stop: one visit with its track
    await page.getByTestId('bar-patrol').click();
    for (const [i, dx] of [30, 60, 90, 120].entries()) {
      await context.setGeolocation(at(dx, 10 * i));
      await expect
        .poll(() => page.getByTestId('field-patrol').textContent(), { timeout: 15_000 })
        .toContain(`${i + 2} 个轨迹点`);
    }
    await page.getByTestId('bar-patrol').click();
    await expect
      .poll(async () => (await call<Patrol[]>(admin, `/api/patrols?grid=${grid.id}`)).length, { timeout: 20_000 })
      .toBe(1);
    const [visit] = await call<Patrol[]>(admin, `/api/patrols?grid=${grid.id}`);
    expect(visit!.track!.coordinates).toHaveLength(5);
    await expect
      .poll(() => page.getByTestId('field-patrol').textContent(), { timeout: 15_000 })
      .toContain('今日巡查 1 次');
    expect(await page.getByTestId('field-coverage').textContent()).toMatch(/本周 1 次 · 覆盖 \d+%/);

    // a 2 km fix (cell towers) is said plainly as too coarse, and the report takes a pin by hand
    await context.setGeolocation({ ...at(5, 5), accuracy: 2000 });
    await expect
      .poll(() => page.getByTestId('field-geo').textContent(), { timeout: 15_000 })
      .toContain('定位太粗（±2000 米）');
    await shot(page, 'gps-coarse');
    await page.getByTestId('bar-report').click();
    expect(await page.getByTestId('report-where').textContent()).toContain('手动选点');
    await page.getByTestId('report-sheet').getByRole('button', { name: '取消' }).click();

    // 上报 online, camera first
    await context.setGeolocation(at(5, 5));
    await expect.poll(() => page.getByTestId('field-geo').textContent()).toContain('定位精度 ±8 米');
    await report(page, '人行道堆放建筑垃圾', '#8a6d3b');
    await expect.poll(() => page.getByTestId('report-where').textContent()).toContain('±8 米');
    await page.locator('main.body').evaluate((el) => (el.scrollTop = 0));
    await shot(page, 'report');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('field-todo').waitFor();
    await expect.poll(async () => (await byDescription('人行道堆放建筑垃圾')).length, { timeout: 20_000 }).toBe(1);

    // the service worker holds the shell before the network goes (it is installed on the first visit)
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: 60_000 });
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    // offline: fix the near problem with an after-photo, and report another
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('field-online').textContent(), { timeout: 10_000 }).toContain('离线');
    await context.setGeolocation(at(3, 0));
    await todo
      .filter({ hasText: `#${nearId}` })
      .getByTestId('todo-fix')
      .click();
    await page
      .getByTestId('fix-photos')
      .setInputFiles({ name: 'after.jpg', mimeType: 'image/jpeg', buffer: await photo('#2f855a') });
    await page.locator('.thumbs img').first().waitFor();
    await page.getByTestId('fix-comment').fill('已清理归位');
    await page.getByTestId('fix-submit').click();
    await page.getByTestId('field-todo').waitFor();
    // …with a 34 MB camera photo, shrunk on the phone before it is queued
    await report(page, '离线上报：井盖破损', { file: await bigPhotoFile() });
    await page.getByTestId('report-submit').click();
    await page.getByTestId('field-todo').waitFor();
    await expect.poll(() => page.getByTestId('field-queue-button').textContent()).toContain('待发送 2');
    const queued = await readOutbox(page);
    const offlineReport = queued.find((i) => i.kind === 'report')!;
    const sent = Buffer.from(offlineReport.body.photos![0]!.dataBase64, 'base64');
    expect(sent.length).toBeLessThan(8 * 1024 * 1024);
    expect(Math.max((await sharp(sent).metadata()).width!, (await sharp(sent).metadata()).height!)).toBe(2048);
    // the error is said in words, not "Failed to fetch"
    const banner = await page.getByTestId('field-error').textContent();
    expect(banner).toContain('网络未连接');
    expect(banner).not.toMatch(/fetch/i);
    await page.getByTestId('field-queue-button').click();
    await expect.poll(() => page.getByTestId('queue-item').count()).toBe(2);
    await shot(page, 'queue');
    await page.getByTestId('queue-sheet').getByRole('button', { name: '取消' }).click();

    // reloading offline: the shell (service worker), my grid, my to-do and the queue (IndexedDB) are there
    await page.reload();
    await page.getByTestId('field-screen').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('field-grids').textContent(), { timeout: 30_000 }).toContain('网格');
    await expect.poll(() => todo.filter({ hasText: `#${farId}` }).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('field-queue-button').textContent()).toContain('待发送 2');
    expect(await page.getByTestId('field-online').textContent()).toContain('离线');
    await shot(page, 'offline-reload');

    // closed mid-sync: the report's first send reached the server, its answer never came back
    const leader = await apiLogin('gridleader');
    const first = await call<ProblemDetail>(leader, offlineReport.url, offlineReport.body, {
      'idempotency-key': `"${offlineReport.key}"`,
    });

    // back online: both land, exactly once; the banner goes
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('field-queue-button').count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('field-error').count(), { timeout: 10_000 }).toBe(0);
    // the resend was answered with the first answer: one problem, nothing lost, nothing doubled
    expect((await byDescription('离线上报：井盖破损')).map((p) => p.id)).toEqual([first.id]);
    expect(await readOutbox(page)).toEqual([]);
    const near = await call<ProblemDetail>(admin, `/api/problems/${nearId}`);
    expect(near.state).toBe('fixed');
    const fixes = near.timeline.filter((e) => e.action === 'fix');
    expect(fixes).toHaveLength(1);
    expect(fixes[0]!.data.proof).toMatchObject({ flagged: false, reasons: [] });

    // a fix made 500 m away is flagged, for the supervisor who accepts it
    await context.setGeolocation(at(500, 0));
    await todo
      .filter({ hasText: `#${farId}` })
      .getByTestId('todo-fix')
      .click();
    await expect.poll(() => page.getByTestId('fix-far').textContent()).toMatch(/距问题 4\d\d 米/);
    await page
      .getByTestId('fix-photos')
      .setInputFiles({ name: 'far.jpg', mimeType: 'image/jpeg', buffer: await photo('#336699') });
    await page.locator('.thumbs img').first().waitFor();
    await page.getByTestId('fix-comment').fill('已整改');
    await page.getByTestId('fix-submit').click();
    await expect
      .poll(async () => (await call<ProblemDetail>(admin, `/api/problems/${farId}`)).state, { timeout: 20_000 })
      .toBe('fixed');
    const supervisor = await apiLogin('supervisor');
    const far = await call<ProblemDetail>(supervisor, `/api/problems/${farId}`);
    const proof = far.timeline.find((e) => e.action === 'fix')!.data.proof as { flagged: boolean; reasons: string[] };
    expect(proof).toMatchObject({ flagged: true, reasons: ['too_far'] });
    expect(far.allowedActions).toContain('accept');
    // …and in the office, the supervisor sees the flag and its reason in the drawer before 验收
    const office = await browser!.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      viewport: { width: 1600, height: 1000 },
    });
    const sp = await office.newPage();
    const officeErrors = collectErrors(sp);
    await sp.goto(server!.url);
    await logIn(sp, 'supervisor');
    await sp.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    await sp.getByRole('radio', { name: '问题闭环' }).click();
    await sp.getByTestId('problem-panel').waitFor();
    await sp.getByRole('tab', { name: '待我处理' }).click();
    await sp.getByTestId('problem-queue').locator(`button[data-problem-id="${farId}"]`).click();
    const flag = sp.getByTestId('problem-drawer').getByTestId('fix-flagged');
    await flag.waitFor({ timeout: 30_000 });
    expect(await flag.textContent()).toMatch(/整改存疑（距问题 4\d\d 米）：距问题超过 100 米/);
    // above the 验收 buttons, not only down in the timeline
    const flagBanner = sp.getByTestId('problem-drawer').getByTestId('fix-flag-banner');
    expect(await flagBanner.textContent()).toMatch(/整改存疑/);
    expect(await flagBanner.isVisible()).toBe(true);
    await sp.screenshot({ path: join(SHOTS, 'field-flagged-fix.png') });
    await office.close();
    expect(officeErrors).toEqual([]);
    const accepted = await call<ProblemDetail>(supervisor, `/api/problems/${farId}/actions/accept`, {
      version: far.version,
    });
    expect(accepted.state).toBe('closed');

    // only the failures of going offline on purpose reach the console
    const rest = errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/.test(e));
    expect(rest).toEqual([]);
  });

  it('without GPS: said plainly, a pin by hand for the report and the fix (flagged manual); a stale fix says what changed', async () => {
    // a phone that refuses the position: no geolocation permission
    const denied = await browser!.newContext({ ...PHONE, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    const manualId = await assigned(site, '门前堆物（手动选点整改）');
    const staleId = await assigned([site[0], site[1] + 10 / M_LAT], '门前堆物（离线期间被标记紧急）');
    try {
      const page = await denied.newPage();
      const errors = collectErrors(page);
      await page.goto(`${server!.url}/m`);
      await logIn(page, 'gridleader');
      await page.getByTestId('field-screen').waitFor({ timeout: 60_000 });
      await expect
        .poll(() => page.getByTestId('field-geo').textContent(), { timeout: 30_000 })
        .toContain('定位权限被拒绝');
      const todo = page.getByTestId('todo-item');
      await expect.poll(() => todo.filter({ hasText: `#${manualId}` }).count(), { timeout: 30_000 }).toBe(1);
      await page.waitForTimeout(1000); // tiles
      await shot(page, 'gps-denied');

      // the report: a pin by hand, said so
      await page.getByTestId('bar-report').click();
      expect(await page.getByTestId('report-where').textContent()).toContain('手动选点');
      await page.getByTestId('report-sheet').getByRole('button', { name: '取消' }).click();

      // the fix: no position until the pin is placed by hand; sent with `manual`, flagged for the verifier
      await todo
        .filter({ hasText: `#${manualId}` })
        .getByTestId('todo-fix')
        .click();
      await page.getByTestId('fix-no-position').waitFor();
      await page.getByTestId('fix-place-pin').click();
      expect(await page.getByTestId('fix-manual').textContent()).toContain('整改将标记为手动位置');
      await page.getByTestId('report-pin').waitFor();
      await page
        .getByTestId('fix-photos')
        .setInputFiles({ name: 'after.jpg', mimeType: 'image/jpeg', buffer: await photo('#2f855a') });
      await page.locator('.thumbs img').first().waitFor();
      await page.getByTestId('fix-comment').fill('已清理（手动选点）');
      await page.getByTestId('fix-submit').click();
      await expect
        .poll(async () => (await call<ProblemDetail>(admin, `/api/problems/${manualId}`)).state, { timeout: 20_000 })
        .toBe('fixed');
      const supervisor = await apiLogin('supervisor');
      const fixed = await call<ProblemDetail>(supervisor, `/api/problems/${manualId}`);
      expect(fixed.timeline.find((e) => e.action === 'fix')!.data.proof).toMatchObject({
        flagged: true,
        manual: true,
        reasons: ['position_manual'],
      });

      // offline, a fix is queued; meanwhile the supervisor marks the problem urgent (its version moves)
      await denied.setOffline(true);
      await expect.poll(() => page.getByTestId('field-online').textContent(), { timeout: 10_000 }).toContain('离线');
      await todo
        .filter({ hasText: `#${staleId}` })
        .getByTestId('todo-fix')
        .click();
      await page.getByTestId('fix-place-pin').click();
      await page
        .getByTestId('fix-photos')
        .setInputFiles({ name: 'after2.jpg', mimeType: 'image/jpeg', buffer: await photo('#2f855a') });
      await page.locator('.thumbs img').first().waitFor();
      await page.getByTestId('fix-comment').fill('已清理');
      await page.getByTestId('fix-submit').click();
      await expect.poll(() => page.getByTestId('field-queue-button').textContent()).toContain('待发送 1');
      const before = await call<ProblemDetail>(supervisor, `/api/problems/${staleId}`);
      await call<ProblemDetail>(supervisor, `/api/problems/${staleId}/actions/mark_urgent`, {
        version: before.version,
      });

      // back online: 409, and the queue says who changed what, when, and offers to send it again
      await denied.setOffline(false);
      await expect
        .poll(() => page.getByTestId('field-queue-button').getAttribute('class'), { timeout: 30_000 })
        .toContain('failed');
      await page.getByTestId('field-queue-button').click();
      const changed = page.getByTestId('queue-changed');
      await changed.waitFor();
      expect(await changed.textContent()).toMatch(/已被 .+ 于 \d\d:\d\d 标记紧急：整改中 → 整改中/);
      expect(await page.getByTestId('queue-item').textContent()).toContain('该问题已被他人更新');
      await shot(page, 'conflict');
      await page.getByTestId('queue-reapply').click();
      await expect.poll(() => page.getByTestId('field-queue-button').count(), { timeout: 30_000 }).toBe(0);
      const after = await call<ProblemDetail>(supervisor, `/api/problems/${staleId}`);
      expect(after.state).toBe('fixed');
      expect(after.urgent).toBe(true);
      expect(after.timeline.filter((e) => e.action === 'fix')).toHaveLength(1);

      expectErrors(errors, /409/);
      const rest = errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR/.test(e));
      expect(rest).toEqual([]);
    } finally {
      await denied.close();
    }
  });
});
