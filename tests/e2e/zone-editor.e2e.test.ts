import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { AreaDetail } from '../../api/schemas/areas';
import type { Unit, UnitGrids } from '../../api/schemas/contracting';
import {
  buildWeb,
  CHROMIUM,
  CHROMIUM_ARGS,
  collectErrors,
  e2eDay,
  hasChromium,
  logIn,
  mapIdle,
  ROOT,
  SHOTS,
  startServer,
  type RunningServer,
} from './harness';

// The zone editor (issue 13): a planner starts a draft, lassoes a grid of one unit, gives it to
// another, sees the balance table and index change, applies it at a later day, sees the map
// unchanged today and changed on that day, and reverts it. A second planner's page follows live
// (draft list, the map of that day). Then: a lasso that catches nothing says so; a grid and a
// unit are locked, auto-balance runs with progress, and its draft keeps the locks and raises the
// balance index.
const required = process.env.WANGGE_E2E_REQUIRED === '1';
const skip = !hasChromium() && !required;
const DESKTOP = { width: 1600, height: 1000 };

/** The balance index shown, before → after. */
async function shownIndex(page: Page): Promise<[number, number]> {
  const text = (await page.getByTestId('balance-index').textContent())!;
  const m = /([\d.]+)\s*→\s*([\d.]+)/.exec(text);
  if (!m) throw new Error(`no index in ${text}`);
  return [Number(m[1]), Number(m[2])];
}

/** The map fitted to a box, leaving room for the panel. */
async function fitTo(page: Page, [w, s, e, n]: number[]): Promise<void> {
  await page.evaluate(
    (b) =>
      window.__wangge!.map.fitBounds(
        [
          [b[0]!, b[1]!],
          [b[2]!, b[3]!],
        ],
        { padding: { left: 560, top: 200, right: 300, bottom: 200 }, animate: false, maxZoom: 16 },
      ),
    [w, s, e, n],
  );
  await mapIdle(page);
}

/** id → lead unit id of the zones drawn now. */
function renderedLeads(page: Page): Promise<Record<number, number | null>> {
  return page.evaluate(() => {
    const out: Record<number, number | null> = {};
    for (const f of window.__wangge!.map.queryRenderedFeatures({ layers: ['zones-fill'] })) {
      if (typeof f.id !== 'number') continue;
      const lead = f.properties.lead_unit_id;
      out[f.id] = typeof lead === 'number' ? lead : null;
    }
    return out;
  });
}

describe.skipIf(skip)('zone editor', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;

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

  it('drafts, lassoes, reassigns with a live balance, applies at a later day and reverts', async () => {
    const context = await browser!.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: DESKTOP });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(server!.url);
    await logIn(page, 'planner');
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    // another planner (another browser) with the zone view open
    const context2 = await browser!.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: DESKTOP });
    const page2 = await context2.newPage();
    const errors2 = collectErrors(page2);
    await page2.goto(server!.url);
    await logIn(page2, 'planner');
    await page2.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    const api = async <T>(path: string): Promise<T> =>
      page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;

    // a unit with a few grids, and one of them to move
    const units = await api<Unit[]>('/api/units');
    const from = [...units]
      .filter((u) => u.gridCount >= 2)
      .sort((a, b) => a.gridCount - b.gridCount || a.id - b.id)[0]!;
    const to = units.find((u) => u.id !== from.id && u.gridCount > 0)!;
    const zones = await api<UnitGrids>(`/api/units/${from.id}/grids`);
    const grid = await api<AreaDetail>(`/api/areas/${zones.grids.find((g) => g.role === 'lead')!.areaId}`);

    await mapIdle(page);
    await page.getByRole('radio', { name: '包保责任区' }).click();
    await page.waitForFunction(() => !!window.__wangge!.map.getLayer('zones-fill'), undefined, { timeout: 15_000 });
    await page.evaluate(
      ([w, s, e, n]) =>
        window.__wangge!.map.fitBounds(
          [
            [w, s],
            [e, n],
          ],
          { padding: { left: 560, top: 200, right: 300, bottom: 200 }, animate: false, maxZoom: 16 },
        ),
      grid.bbox,
    );
    await mapIdle(page);
    expect((await renderedLeads(page))[grid.id]).toBe(from.id);

    // the second planner looks at the grid on the day the plan will take effect
    const later = e2eDay(10);
    await mapIdle(page2);
    await page2.getByRole('radio', { name: '包保责任区' }).click();
    await page2.waitForFunction(() => !!window.__wangge!.map.getLayer('zones-fill'), undefined, { timeout: 15_000 });
    await page2.getByTestId('zone-drafts').waitFor();
    await fitTo(page2, grid.bbox);
    await page2.getByTestId('zone-time').locator('input[type=date]').fill(later);
    await expect.poll(async () => (await renderedLeads(page2))[grid.id], { timeout: 30_000 }).toBe(from.id);
    const drafts2 = page2.getByTestId('zone-drafts').locator('li');
    const listed = await drafts2.count();

    // start a draft: the editor takes the panel, with the balance table
    await page.getByTestId('draft-start').click();
    await page.getByTestId('zone-editor').waitFor();
    const index = page.getByTestId('balance-index');
    await index.waitFor({ timeout: 60_000 });
    const indexBefore = (await index.textContent())!.trim();
    // the second planner's list shows it without a reload
    await expect.poll(() => drafts2.count(), { timeout: 15_000 }).toBe(listed + 1);

    // lasso: a polygon around the middle of the grid (terra-draw polygon mode, closed on its first point)
    await page.getByTestId('lasso').click();
    const ring = await page.evaluate(
      ({ b, c }) => {
        const map = window.__wangge!.map;
        const dx = (b[2] - b[0]) * 0.3;
        const dy = (b[3] - b[1]) * 0.3;
        return [
          [c[0] - dx, c[1] - dy],
          [c[0] + dx, c[1] - dy],
          [c[0] + dx, c[1] + dy],
          [c[0] - dx, c[1] + dy],
        ].map((p) => {
          const q = map.project(p as [number, number]);
          return [q.x, q.y];
        });
      },
      { b: grid.bbox, c: grid.labelPoint },
    );
    const box = (await page.locator('.maplibregl-canvas').boundingBox())!;
    for (const [x, y] of [...ring, ring[0]!]) {
      await page.mouse.click(box.x + x!, box.y + y!);
      await page.waitForTimeout(150);
    }
    await expect
      .poll(() => page.getByTestId('selection-count').textContent(), { timeout: 15_000 })
      .toMatch(/已选 [1-9]\d* 个网格/);
    const selected = await page.evaluate(
      () => (window.__wangge!.map.getFilter('zones-editor-selected') as [string, unknown, [string, number[]]])[2][1],
    );
    expect(selected).toContain(grid.id);
    const leads = await renderedLeads(page);
    for (const id of selected) expect(leads[id], `lassoed grid ${id} is ${from.name}'s`).toBe(from.id);

    // give them to another unit: the diff lists them, the balance table and index change
    await page.getByTestId('lead-unit').selectOption(String(to.id));
    await page.getByTestId('set-lead').click();
    await expect.poll(() => page.getByTestId('diff').locator('li').count(), { timeout: 30_000 }).toBe(selected.length);
    expect(await page.getByTestId('diff').textContent()).toContain(`${from.name} → ${to.name}`);
    await expect.poll(async () => (await index.textContent())!.trim(), { timeout: 30_000 }).not.toBe(indexBefore);
    const fromRow = page.getByTestId('balance').locator(`tbody[data-unit="${from.id}"]`);
    expect(await fromRow.locator('td').first().textContent()).toContain(`−${selected.length}`);
    await mapIdle(page);
    await page.screenshot({ path: join(SHOTS, 'zone-editor.png') });
    await page.screenshot({ path: join(ROOT, 'docs', 'screenshot-zone-editor.png') });

    // apply from a later day
    await page.getByTestId('apply-date').fill(later);
    await page.getByTestId('apply').click();
    await page.getByTestId('draft-applied').waitFor({ timeout: 30_000 });

    // the second planner's map of that day and list follow (the live `zones` event), no reload
    await expect.poll(async () => (await renderedLeads(page2))[grid.id], { timeout: 30_000 }).toBe(to.id);
    await expect.poll(() => page2.getByTestId('zone-drafts').textContent(), { timeout: 15_000 }).toContain('已实施');
    await page2.screenshot({ path: join(SHOTS, 'zone-editor-live-second-planner.png') });
    expect(errors2).toEqual([]);
    await context2.close();

    // today the map is unchanged; on that day the grid is the other unit's
    await mapIdle(page);
    expect((await renderedLeads(page))[grid.id]).toBe(from.id);
    const dayField = page.getByTestId('zone-time').locator('input[type=date]');
    await dayField.fill(later);
    await expect.poll(() => page.getByTestId('zone-time').textContent()).toContain('计划');
    await expect.poll(async () => (await renderedLeads(page))[grid.id], { timeout: 30_000 }).toBe(to.id);
    await page.screenshot({ path: join(SHOTS, 'zone-editor-applied.png') });

    // revert: a new draft restoring the unit, applied from a day after
    await page.getByTestId('revert').click();
    await expect
      .poll(() => page.getByTestId('diff').textContent(), { timeout: 30_000 })
      .toContain(`${to.name} → ${from.name}`);
    expect(await page.getByTestId('editor-error').count()).toBe(0);
    const back = e2eDay(20);
    await page.getByTestId('apply-date').fill(back);
    await page.getByTestId('apply').click();
    await page.getByTestId('draft-applied').waitFor({ timeout: 30_000 });
    await dayField.fill(back);
    await expect.poll(async () => (await renderedLeads(page))[grid.id], { timeout: 30_000 }).toBe(from.id);
    await dayField.fill(later);
    await expect.poll(async () => (await renderedLeads(page))[grid.id], { timeout: 30_000 }).toBe(to.id);

    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);

  it('says so when a lasso catches nothing; auto-balance keeps the locks and raises the index', async () => {
    const context = await browser!.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: DESKTOP });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(server!.url);
    await logIn(page, 'planner');
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    const api = async <T>(path: string): Promise<T> =>
      page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;
    const units = await api<Unit[]>('/api/units');
    const from = [...units]
      .filter((u) => u.gridCount >= 2)
      .sort((a, b) => a.gridCount - b.gridCount || a.id - b.id)[0]!;
    const to = units.find((u) => u.id !== from.id && u.gridCount > 0)!;
    const zones = await api<UnitGrids>(`/api/units/${from.id}/grids`);
    const grid = await api<AreaDetail>(`/api/areas/${zones.grids.find((g) => g.role === 'lead')!.areaId}`);
    await mapIdle(page);
    await page.getByRole('radio', { name: '包保责任区' }).click();
    await page.waitForFunction(() => !!window.__wangge!.map.getLayer('zones-fill'), undefined, { timeout: 15_000 });
    const box = (await page.locator('.maplibregl-canvas').boundingBox())!;
    // ---- a new draft today: an empty lasso, locks, auto-balance ----
    await page.getByTestId('draft-start').click();
    await page.getByTestId('zone-editor').waitFor();
    await page.getByTestId('balance-index').waitFor({ timeout: 60_000 });
    await fitTo(page, grid.bbox);

    // a lasso around a corner of the grid holds no grid's centre: it says so, selects nothing
    await page.getByTestId('lasso').click();
    const corner = await page.evaluate((b) => {
      const q = window.__wangge!.map.project([b[0]!, b[1]!]);
      return [
        [q.x + 4, q.y - 4],
        [q.x + 24, q.y - 4],
        [q.x + 4, q.y - 24],
      ];
    }, grid.bbox);
    for (const [x, y] of [...corner, corner[0]!]) {
      await page.mouse.click(box.x + x!, box.y + y!);
      await page.waitForTimeout(150);
    }
    await expect
      .poll(() => page.getByTestId('editor-error').textContent(), { timeout: 15_000 })
      .toContain('套索内没有网格');
    expect(await page.getByTestId('selection-count').textContent()).toContain('已选 0 个网格');

    // lock the grid (clicked) and the unit it goes back and forth with
    const at = await page.evaluate((p) => window.__wangge!.map.project(p as [number, number]), grid.labelPoint);
    // (a click within 400 ms of the lasso closing is taken as the lasso's own, ZoneEditorLayers)
    await page.waitForTimeout(500);
    await page.mouse.click(box.x + at.x, box.y + at.y);
    await expect.poll(() => page.getByTestId('selection-count').textContent()).toContain('已选 1 个网格');
    await page.getByRole('button', { name: '锁定所选' }).click();
    await expect
      .poll(() =>
        page.evaluate(
          () => (window.__wangge!.map.getFilter('zones-editor-locked') as [string, unknown, [string, number[]]])[2][1],
        ),
      )
      .toContain(grid.id);
    const lockTo = page.getByTestId('balance').locator(`tbody[data-unit="${to.id}"] button.lock`);
    if (!(await lockTo.count()))
      await page
        .getByTestId('balance')
        .getByRole('button', { name: /另有 \d+ 个单位/ })
        .click();
    await lockTo.click();
    await expect.poll(() => lockTo.getAttribute('aria-pressed')).toBe('true');
    const [, indexStart] = await shownIndex(page);

    // auto-balance from the panel: progress shows while the worker runs, then its draft opens
    // (on the demo's 300 grids the worker may finish within a frame or two: a MutationObserver in
    // the page records every progress line the panel rendered, however briefly)
    const progress = page.getByRole('status').filter({ hasText: /区域生长|边界调整/ });
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __progress: string[] }).__progress = seen;
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[role=status]'))
          if (/区域生长|边界调整/.test(el.textContent ?? '')) seen.push(el.textContent!.trim());
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('auto-balance').click();
    await expect.poll(() => progress.count(), { timeout: 120_000 }).toBe(0);
    await expect.poll(() => page.getByTestId('diff').locator('li').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const seen = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    expect(seen.length, 'progress lines rendered while the worker ran').toBeGreaterThan(0);
    // the auto draft's table follows its diff: the index it shows once loaded
    await expect
      .poll(async () => (await shownIndex(page))[1], { timeout: 30_000, message: `balance index from ${indexStart}` })
      .toBeGreaterThan(indexStart);
    // the locked unit is not among the moved ones: it may sit below the first rows
    if (!(await lockTo.count()))
      await page
        .getByTestId('balance')
        .getByRole('button', { name: /另有 \d+ 个单位/ })
        .click();
    await expect.poll(() => lockTo.getAttribute('aria-pressed')).toBe('true');
    // its draft keeps both locks and changes neither the locked grid nor the locked unit's grids
    const newest = (await api<{ id: number; updatedAt: string }[]>('/api/zone-drafts'))[0]!;
    const auto = await api<{
      locks: { grids: number[]; units: number[] };
      changes: { areaId: number; lead?: number }[];
    }>(`/api/zone-drafts/${newest.id}`);
    expect(auto.locks.grids).toContain(grid.id);
    expect(auto.locks.units).toContain(to.id);
    const toGrids = new Set((await api<UnitGrids>(`/api/units/${to.id}/grids`)).grids.map((g) => g.areaId));
    for (const c of auto.changes) {
      expect(c.areaId).not.toBe(grid.id);
      expect(toGrids.has(c.areaId), `grid ${c.areaId} of the locked unit`).toBe(false);
      expect(c.lead).not.toBe(to.id);
    }
    await mapIdle(page);
    await page.screenshot({ path: join(SHOTS, 'zone-editor-auto-balanced.png') });

    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);
});
