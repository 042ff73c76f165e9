import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { AreaDetail, AreaTree } from '../../api/schemas/areas';
import type {
  Assignment,
  Responsibility,
  ResponsibilityCoverage,
  Unit,
  UnitGrids,
} from '../../api/schemas/contracting';
import {
  buildWeb,
  CHROMIUM,
  CHROMIUM_ARGS,
  collectErrors,
  E2E_CLOCK_START,
  e2eDay,
  hasChromium,
  logIn,
  mapIdle,
  renderedIds,
  SHOTS,
  startServer,
  type RunningServer,
} from './harness';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const required = process.env.WANGGE_E2E_REQUIRED === '1';
const skip = !hasChromium() && !required;

const DESKTOP = { width: 1600, height: 1000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const ZONES_FILL = 'zones-fill';
const ZONES_UNIT_FILL = 'zones-unit-fill';
const ZONES_HATCH = 'zones-unassigned-hatch';

/** A Beijing calendar day `days` before the server's today (its fixed e2e clock), as the date field takes it. */
const daysAgo = (days: number) => e2eDay(-days);

/** id → lead unit id (null: none) of the zones drawn now. */
function renderedLeads(page: Page): Promise<Record<number, number | null>> {
  return page.evaluate((layer) => {
    const out: Record<number, number | null> = {};
    for (const f of window.__wangge!.map.queryRenderedFeatures({ layers: [layer] })) {
      if (typeof f.id !== 'number') continue;
      const lead = f.properties.lead_unit_id;
      out[f.id] = typeof lead === 'number' ? lead : null;
    }
    return out;
  }, ZONES_FILL);
}

describe.skipIf(skip)('contracting zones on the map', () => {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let errors: string[] = [];
  /** The planner's session (city-wide, may export), logged in once through the login screen. */
  let planner: StorageState | undefined;
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
    await logIn(page, 'planner');
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    planner = await ctx.storageState();
    await ctx.close();
    expect(loginErrors).toEqual([]);
    cookie = `wangge_session=${planner.cookies.find((c) => c.name === 'wangge_session')!.value}`;
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

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${server!.url}${path}`, { headers: { cookie } });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  /** A fresh context logged in as the planner, switched to the zone view. */
  async function openZones(options: BrowserContextOptions = { viewport: DESKTOP }): Promise<Page> {
    context = await browser!.newContext({
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      storageState: planner,
      ...options,
    });
    const page = await context.newPage();
    errors = collectErrors(page);
    await page.goto(server!.url);
    await page.waitForFunction(() => !!window.__wangge?.map, undefined, { timeout: 60_000 });
    await mapIdle(page);
    await page.getByRole('radio', { name: '包保责任区' }).click();
    await page.waitForFunction(() => !!window.__wangge!.map.getLayer('zones-fill'), undefined, { timeout: 15_000 });
    return page;
  }

  /** The whole county at a zoom where the zones are grids (z ≥ 12). */
  async function showCounty(page: Page): Promise<void> {
    const tree = await api<AreaTree>('/api/areas/tree');
    const county = await api<AreaDetail>(`/api/areas/${tree.roots[0]!.id}`);
    await page.evaluate(([w, s, e, n]) => {
      const map = window.__wangge!.map;
      map.fitBounds(
        [
          [w, s],
          [e, n],
        ],
        { padding: { left: 420, top: 40, right: 300, bottom: 40 }, animate: false },
      );
      if (map.getZoom() < 12.3) map.jumpTo({ zoom: 12.3 });
    }, county.bbox);
    await mapIdle(page);
  }

  /** Waits until the zone tiles drawn are those of `at` (a fragment of the tile URL) and loaded. */
  async function zonesAt(page: Page, fragment: string): Promise<void> {
    await page.waitForFunction(
      (frag) =>
        String(
          (window.__wangge!.map.getSource('zones')?.serialize() as { tiles?: string[] } | undefined)?.tiles?.[0] ?? '',
        ).includes(frag),
      fragment,
      { timeout: 15_000 },
    );
    await mapIdle(page);
  }

  it('colours grids by lead unit, hatches the gaps, and filters to a unit picked from the list', async () => {
    const page = await openZones();
    await showCounty(page);
    const leads = await renderedLeads(page);
    const led = Object.values(leads).filter((u) => u !== null);
    expect(led.length).toBeGreaterThan(100);
    expect(new Set(led).size, 'many units, each its own colour').toBeGreaterThan(15);

    // The grids without a lead unit are the hatched ones, and the gaps list names them.
    const coverage = await api<ResponsibilityCoverage>('/api/coverage/responsibility');
    const gaps = new Set(coverage.gridsWithoutLeadUnit.map((g) => g.id));
    const hatched = await renderedIds(page, ZONES_HATCH);
    expect(hatched.length).toBeGreaterThan(0);
    for (const id of hatched) expect(gaps.has(id), `hatched grid ${id} has no lead unit`).toBe(true);
    await expect.poll(() => page.getByTestId('coverage').locator('[data-gap=lead] button').count()).toBe(gaps.size);
    // Planners get the exports; the workbook downloads with the session.
    const xlsx = await page.getByTestId('export').locator('a[data-format=xlsx]').getAttribute('href');
    expect(await page.evaluate(async (href) => (await fetch(href!)).headers.get('content-type'), xlsx)).toContain(
      'spreadsheetml',
    );
    await page.screenshot({ path: join(SHOTS, 'zones.png') });

    // Pick the busiest unit by typing part of its name.
    const units = await api<Unit[]>('/api/units');
    const unit = [...units].sort((a, b) => b.gridCount - a.gridCount)[0]!;
    await page.getByLabel('查找单位').fill(unit.name.slice(1, 4));
    await page.getByTestId('unit-picker').locator(`button[data-unit-id="${unit.id}"]`).click();

    const zones = await api<UnitGrids>(`/api/units/${unit.id}/grids`);
    const card = page.locator(`[data-testid=unit-card][data-unit-id="${unit.id}"]`);
    await expect
      .poll(
        async () =>
          (
            await card
              .locator('[data-testid=unit-grids] button')
              .evaluateAll((bs) => bs.map((b) => Number(b.getAttribute('data-area-id'))))
          ).sort(),
        { timeout: 15_000 },
      )
      .toEqual(zones.grids.map((g) => g.areaId).sort());
    expect(await card.getByTestId('unit-area').textContent()).toContain('平方公里');

    // The map fits the unit's grids: all it leads are drawn highlighted, the rest faded.
    await page.waitForFunction(() => !window.__wangge!.map.isMoving(), undefined, { timeout: 15_000 });
    await mapIdle(page);
    const leadIds = zones.grids.filter((g) => g.role === 'lead').map((g) => g.areaId);
    const supportIds = new Set(zones.grids.filter((g) => g.role === 'support').map((g) => g.areaId));
    const highlighted = await page.evaluate(
      (layer) =>
        window
          .__wangge!.map.queryRenderedFeatures({ layers: [layer] })
          .map((f) => ({ id: f.id as number, lead: f.properties.lead_unit_id })),
      ZONES_UNIT_FILL,
    );
    for (const f of highlighted)
      expect(f.lead === unit.id || supportIds.has(f.id), `grid ${f.id} is the unit's`).toBe(true);
    const shown = new Set(highlighted.map((f) => f.id));
    for (const id of leadIds) expect(shown.has(id), `lead grid ${id} highlighted in view`).toBe(true);
    expect(
      await page.evaluate((layer) => window.__wangge!.map.getPaintProperty(layer, 'fill-opacity'), ZONES_FILL),
    ).toBeLessThan(0.2);
    await page.screenshot({ path: join(SHOTS, 'zones-unit.png') });

    // Back to all units: nothing highlighted, nothing faded.
    await card.getByRole('button', { name: '显示全部单位' }).click();
    await mapIdle(page);
    expect(await renderedIds(page, ZONES_UNIT_FILL)).toEqual([]);
  });

  it('moves back in time: the tiles of that day show an older assignment, and a grid shows its leader', async () => {
    const page = await openZones();
    await showCounty(page);
    const today = await renderedLeads(page);

    const day = daysAgo(120);
    await page.getByTestId('zone-time').locator('input[type=date]').fill(day);
    await zonesAt(page, `at=${day}`);
    await expect.poll(() => page.getByTestId('zone-time').textContent()).toContain('历史');
    const past = await renderedLeads(page);
    const changed = Object.keys(today)
      .map(Number)
      .filter((id) => today[id] !== null && past[id] != null && today[id] !== past[id]);
    expect(changed.length, 'some grids were handed to another unit since').toBeGreaterThan(0);

    // The history agrees: the lead unit in force at the end of that day is the one drawn.
    const gridId = changed[0]!;
    const history = await api<Assignment[]>(`/api/grids/${gridId}/assignments`);
    const at = Date.parse(`${day}T23:59:59+08:00`);
    const leadAt = (t: number) =>
      history.find(
        (a) => a.role === 'lead' && Date.parse(a.validFrom) <= t && (!a.validTo || t < Date.parse(a.validTo)),
      );
    expect(leadAt(at)?.unitId).toBe(past[gridId]);
    expect(leadAt(Date.parse(E2E_CLOCK_START))?.unitId).toBe(today[gridId]);

    // Open that grid from the map: its leader with a phone to call, and the lead unit of that day.
    const grid = await api<AreaDetail>(`/api/areas/${gridId}`);
    await page.evaluate((p) => window.__wangge!.map.jumpTo({ center: p, zoom: 15 }), grid.labelPoint);
    await mapIdle(page);
    await page.mouse.click(DESKTOP.width / 2, DESKTOP.height / 2);
    const panel = page.locator(`[data-testid=grid-responsibility][data-area-id="${gridId}"]`);
    await panel.waitFor({ timeout: 15_000 });
    const resp = await api<Responsibility>(
      `/api/responsibility?lon=${grid.labelPoint[0]}&lat=${grid.labelPoint[1]}&at=${encodeURIComponent(`${day}T23:59:59+08:00`)}`,
    );
    expect(resp.leader, 'the demo city has a leader for this grid').not.toBeNull();
    const phone = panel.getByTestId('grid-leader').getByRole('link');
    expect(await phone.textContent()).toBe(resp.leader!.phone);
    expect(await phone.getAttribute('href')).toBe(`tel:${resp.leader!.phone.replace(/[^\d+]/g, '')}`);
    expect(await panel.locator(`[data-unit-id="${past[gridId]}"]`).count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('grid-history').locator('li').count()).toBe(history.length);
    await mapIdle(page);
    await page.screenshot({ path: join(SHOTS, 'zones-past.png') });
  });

  it('on a phone the toolbar, breadcrumb and unit sheet stay apart and leave the map visible', async () => {
    const page = await openZones(PHONE);
    const units = await api<Unit[]>('/api/units');
    const unit = [...units].sort((a, b) => b.gridCount - a.gridCount)[1]!;
    await page.getByTestId('unit-picker').locator(`button[data-unit-id="${unit.id}"]`).click();
    await page
      .locator(`[data-testid=unit-card][data-unit-id="${unit.id}"] [data-testid=unit-grids] button`)
      .first()
      .waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => !window.__wangge!.map.isMoving(), undefined, { timeout: 15_000 });
    await mapIdle(page);

    const toolbar = (await page.getByTestId('zone-toolbar').boundingBox())!;
    const crumb = (await page.getByRole('navigation', { name: '当前位置' }).boundingBox())!;
    const sheet = (await page.getByTestId('area-panel').boundingBox())!;
    expect(toolbar.y + toolbar.height).toBeLessThanOrEqual(crumb.y);
    expect(sheet.height).toBeLessThan(844 * 0.5);
    expect(crumb.y + crumb.height).toBeLessThan(sheet.y - 200);
    expect((await renderedIds(page, ZONES_UNIT_FILL)).length).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'zones-phone.png') });
  });
});
