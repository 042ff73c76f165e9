import { describe, expect, it } from 'vitest';
import { judgeFix } from '../../api/domain/fix-proof';
import { generateDemoCity } from '../../data/demo/generate';
import {
  PLAN_SOURCES,
  planProblem,
  planProblems,
  preparePlan,
  type PlanCategory,
  type PlanCity,
  type PlanPolygon,
} from '../../data/demo/problems';

const DAY = 86400_000;
const NOW = new Date('2026-05-20T10:00:00+08:00').getTime();
const FROM = NOW - 90 * DAY;

const city = generateDemoCity();
const polys = (g: GeoJSON.Polygon | GeoJSON.MultiPolygon): PlanPolygon[] =>
  (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as PlanPolygon[];
const planCity: PlanCity = {
  county: polys(city.county.geometry),
  grids: city.grids.map((g) => ({ code: g.properties.code, polygons: polys(g.geometry) })),
  roads: city.basemap
    .filter((f) => f.geometry.type === 'LineString')
    .map((f) => ({
      name: f.properties.name,
      coordinates: (f.geometry as GeoJSON.LineString).coordinates as [number, number][],
    })),
};
// A few leaves as migration 006 seeds them (names decide how common each is).
const cat = (code: string, nameZh: string, parent: string, deadlineHours = 24, workingDays = false): PlanCategory => ({
  code,
  nameZh,
  parentNamesZh: ['市容环境', parent],
  deadlineHours,
  workingDays,
  revisitDays: 7,
  urgent: deadlineHours <= 4,
});
const categories = [
  cat('010101', '店外乱摆乱放', '乱摆乱放'),
  cat('050101', '暴露垃圾', '暴露垃圾', 12),
  cat('040102', '违章建筑', '乱搭乱建', 360, true),
  cat('030101', '流动摊贩占道', '占道经营'),
  cat('010401', '井盖缺失破损', '市政设施', 4),
  cat('070202', '露天焚烧', '不文明行为', 2),
  cat('040101', '乱搭乱建', '乱搭乱建', 72, true),
];
const options = { seed: 11, from: FROM, to: NOW, count: 3000 };
const plan = planProblems(planCity, categories, options);

function inRing(x: number, y: number, ring: [number, number][]) {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!,
      [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}
const inside = (p: { lon: number; lat: number }, ps: PlanPolygon[]) =>
  ps.some(([s, ...h]) => inRing(p.lon, p.lat, s!) && !h.some((r) => inRing(p.lon, p.lat, r)));
const count = <T extends string>(xs: T[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<T, number>());

describe('demo problem plan', () => {
  it('is deterministic, and the first plans do not depend on how many are asked for', () => {
    const again = planProblems(planCity, categories, options);
    expect(JSON.stringify(again)).toBe(JSON.stringify(plan));
    const fewer = planProblems(planCity, categories, { ...options, count: 200 });
    expect(fewer.problems).toEqual(plan.problems.slice(0, 200));
    // one problem alone, as the bulk writer makes them chunk by chunk
    const ctx = preparePlan(planCity, categories, options);
    expect(planProblem(ctx, 1234)).toEqual(plan.problems[1234]);
    const other = planProblems(planCity, categories, { ...options, seed: 12, count: 200 });
    expect(other.problems.map((p) => p.lon)).not.toEqual(fewer.problems.map((p) => p.lon));
  });

  it('covers every state and source, with the shares a campaign has', () => {
    const states = count(plan.problems.map((p) => p.state));
    expect([...states.keys()].sort()).toEqual([
      'assigned',
      'closed',
      'duplicate',
      'fixed',
      'invalid',
      'reported',
      'suspended',
      'verified',
    ]);
    expect(states.get('closed')! / plan.problems.length).toBeGreaterThan(0.7);
    const sources = count(plan.problems.map((p) => p.source));
    expect([...sources.keys()].sort()).toEqual([...PLAN_SOURCES].sort());
    expect(sources.get('patrol')).toBe(Math.max(...sources.values())); // patrols find most
    expect(sources.get('higher_level')).toBe(Math.min(...sources.values()));
    const byCategory = count(plan.problems.map((p) => p.categoryCode));
    expect(byCategory.get('050101')!).toBeGreaterThan(byCategory.get('040102')! * 10); // garbage common, illegal buildings rare
    expect(byCategory.get('010101')!).toBeGreaterThan(byCategory.get('040102')! * 10);
    const actions = new Set(plan.problems.flatMap((p) => p.steps.map((s) => s.action)));
    for (const a of [
      'report',
      'verify',
      'reject',
      'mark_duplicate',
      'mark_urgent',
      'assign',
      'return',
      'fix',
      'rework',
      'accept',
      'revisit',
      'request_extension',
      'approve_extension',
      'deny_extension',
      'request_suspension',
      'approve_suspension',
      'deny_suspension',
      'resume',
    ]) {
      expect(actions, a).toContain(a);
    }
    expect(plan.problems.some((p) => p.steps.some((s) => s.action === 'revisit' && s.holds === false))).toBe(true);
  });

  it('gives every fix a device position: near the site, a few far away (flagged 存疑)', () => {
    const judged = plan.problems.flatMap((p) =>
      p.steps
        .filter((s) => s.action === 'fix')
        .map((s) => {
          expect(s.position, `plan ${p.index}`).toBeDefined();
          const site = { lon: p.lon, lat: p.lat, reportedAt: new Date(p.steps[0]!.at) };
          return judgeFix(site, { ...s.position!, at: new Date(s.at), manual: false }, []);
        }),
    );
    expect(judged.length).toBeGreaterThan(1000);
    for (const j of judged) {
      expect(j.accuracyM).toBeGreaterThanOrEqual(5);
      expect(j.accuracyM).toBeLessThanOrEqual(30);
      // near: a few to 40 m off; far: 150–600 m, the only reason a demo fix is flagged
      // (the planner offsets on a local flat Earth: within 1 % of the great-circle distance)
      if (j.flagged) {
        expect(j.reasons).toEqual(['too_far']);
        expect(j.distanceM).toBeGreaterThanOrEqual(148.5);
        expect(j.distanceM).toBeLessThanOrEqual(606);
      } else expect(j.distanceM).toBeLessThanOrEqual(40.4);
    }
    const share = judged.filter((j) => j.flagged).length / judged.length;
    expect(share).toBeGreaterThan(0.015);
    expect(share).toBeLessThan(0.05);
    // steps without a fix carry no position
    expect(plan.problems.some((p) => p.steps.some((s) => s.action !== 'fix' && s.position))).toBe(false);
  });

  it('keeps every step in time order, inside the window, with what each action needs', () => {
    for (const p of plan.problems) {
      expect(p.steps[0]!.action).toBe('report');
      expect(p.steps[0]!.at).toBeGreaterThanOrEqual(FROM);
      for (let i = 1; i < p.steps.length; i++)
        expect(p.steps[i]!.at, `plan ${p.index} step ${i}`).toBeGreaterThan(p.steps[i - 1]!.at);
      expect(p.steps[p.steps.length - 1]!.at).toBeLessThanOrEqual(NOW);
      for (const s of p.steps) {
        expect(Number.isInteger(s.at)).toBe(true);
        if (['reject', 'return', 'rework', 'request_extension', 'request_suspension'].includes(s.action))
          expect(s.reason, s.action).toBeTruthy();
        if (s.action === 'fix') expect(s.comment && s.photo !== undefined).toBeTruthy();
        if (s.action === 'revisit') expect(typeof s.holds).toBe('boolean');
      }
      expect(p.description.length).toBeGreaterThan(5);
      expect(p.description).not.toMatch(/[{}]/); // every placeholder filled
    }
  });

  it('makes duplicates of earlier problems that are still open, nearby, of the same category', () => {
    const dups = plan.problems.filter((p) => p.state === 'duplicate');
    expect(dups.length).toBeGreaterThan(plan.problems.length * 0.01);
    for (const d of dups) {
      const mark = d.steps.find((s) => s.action === 'mark_duplicate')!;
      const original = plan.problems[mark.duplicateOf!]!;
      expect(original.index).toBeLessThan(d.index);
      expect(original.state).not.toBe('duplicate');
      expect(original.categoryCode).toBe(d.categoryCode);
      expect(original.steps[0]!.at).toBeLessThan(d.steps[0]!.at);
      const closedAt = original.steps.find((s) => ['accept', 'reject'].includes(s.action))?.at ?? Infinity;
      expect(mark.at).toBeLessThan(closedAt);
      expect(Math.hypot(original.lon - d.lon, original.lat - d.lat)).toBeLessThan(0.0003);
    }
  });

  it('places problems in grids, denser in the centre, and never outside the county', () => {
    const grids = new Map(planCity.grids.map((g) => [g.code, g.polygons]));
    for (const p of plan.problems) {
      expect(inside(p, planCity.county), `plan ${p.index}`).toBe(true);
      expect(p.gridCode).not.toBeNull(); // the demo's grids tile its county: no gap to fall in
      expect(inside(p, grids.get(p.gridCode!)!), `plan ${p.index} in ${p.gridCode}`).toBe(true);
    }
    // the old town (天马街道, street 001) is a small share of the area but a large share of problems
    const central = plan.problems.filter((p) => p.gridCode!.startsWith('330822001')).length / plan.problems.length;
    const centralGrids = planCity.grids.filter((g) => g.code.startsWith('330822001')).length / planCity.grids.length;
    expect(central).toBeGreaterThan(centralGrids * 0.9);
  });

  it('puts a few problems in a coverage gap when the grids leave one', () => {
    // the same city without its first grid: a hole inside the county
    const gapped: PlanCity = { ...planCity, grids: planCity.grids.slice(1) };
    const hole = planCity.grids[0]!;
    const p = planProblems(gapped, categories, options).problems;
    const outside = p.filter((x) => x.gridCode === null);
    expect(outside.length).toBeGreaterThan(0);
    expect(outside.length).toBeLessThan(p.length * 0.02);
    for (const x of outside) {
      expect(inside(x, planCity.county)).toBe(true);
      expect(inside(x, hole.polygons)).toBe(true);
    }
  });

  it('lets the late share show: most fixes come by the deadline, some after it, some still open past it', () => {
    const hours = new Map(categories.map((c) => [c.code, c.deadlineHours]));
    let onTime = 0,
      late = 0;
    for (const p of plan.problems) {
      const assign = p.steps.findIndex((s) => s.action === 'assign');
      if (assign < 0 || categories.find((c) => c.code === p.categoryCode)!.workingDays) continue;
      const next = p.steps
        .slice(assign + 1)
        .find((s) => ['fix', 'return', 'request_extension', 'request_suspension'].includes(s.action));
      if (next?.action !== 'fix') continue;
      if (next.at <= p.steps[assign]!.at + hours.get(p.categoryCode)! * 3600_000) onTime++;
      else late++;
    }
    expect(late / (onTime + late)).toBeGreaterThan(0.08);
    expect(late / (onTime + late)).toBeLessThan(0.25);
  });
});
