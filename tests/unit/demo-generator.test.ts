import area from '@turf/area';
import bbox from '@turf/bbox';
import { featureCollection } from '@turf/helpers';
import union from '@turf/union';
import { describe, expect, it } from 'vitest';
import { generateDemoCity, toFeatureCollection, type AreaFeature, type DemoCity } from '../../data/demo/generate';
import { geometryProblems } from '../../data/demo/validate';

const city = generateDemoCity();
const areas = (c: DemoCity): AreaFeature[] => [c.county, ...c.streets, ...c.communities, ...c.grids];
const parentCode = (code: string) => code.slice(0, -3);
const childrenOf = (parent: AreaFeature, children: AreaFeature[]) =>
  children.filter((c) => parentCode(c.properties.code) === parent.properties.code);
const rings = (f: AreaFeature) =>
  (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).flat();
const positions = (f: AreaFeature) => rings(f).flat();
const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(a, b);

function inRing(p: GeoJSON.Position, ring: GeoJSON.Position[]): boolean {
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > p[1]! !== yj > p[1]! && p[0]! < ((xj - xi) * (p[1]! - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

/** Child vertices that are neither vertices of the parent nor strictly inside it. */
function verticesOutside(child: AreaFeature, parent: AreaFeature): GeoJSON.Position[] {
  const onBoundary = new Set(positions(parent).map((p) => p.join()));
  const polys = parent.geometry.type === 'Polygon' ? [parent.geometry.coordinates] : parent.geometry.coordinates;
  const inside = (p: GeoJSON.Position) =>
    polys.some(([shell, ...holes]) => inRing(p, shell!) && !holes.some((h) => inRing(p, h)));
  return positions(child).filter((p) => !onBoundary.has(p.join()) && !inside(p));
}

/** Asserts that `children` tile `parent`: same total area, union equal to it, nothing outside. */
function expectTiling(parent: AreaFeature, children: AreaFeature[]) {
  expect(children.length).toBeGreaterThan(0);
  const sum = children.reduce((s, c) => s + area(c), 0);
  expect(relDiff(sum, area(parent))).toBeLessThan(1e-4);
  for (const c of children) expect(verticesOutside(c, parent)).toEqual([]);
}

describe('demo city determinism', () => {
  it('gives byte-identical JSON for the same seed and size', () => {
    expect(JSON.stringify(generateDemoCity({ seed: 20261125, grids: 300 }))).toBe(JSON.stringify(city));
  });

  it('gives a different city for a different seed', () => {
    const other = generateDemoCity({ seed: 7 });
    expect(JSON.stringify(other.grids.map((g) => g.geometry))).not.toBe(
      JSON.stringify(city.grids.map((g) => g.geometry)),
    );
  });
});

describe('demo city at the default size', () => {
  it('has about 300 grids, 3 streets and about 20 communities', () => {
    expect(city.grids.length).toBeGreaterThanOrEqual(290);
    expect(city.grids.length).toBeLessThanOrEqual(310);
    expect(city.streets).toHaveLength(3);
    expect(city.communities.length).toBeGreaterThanOrEqual(14);
    expect(city.communities.length).toBeLessThanOrEqual(26);
  });

  it('has communities of 8–25 grids and grids of realistic size', () => {
    for (const c of city.communities) {
      const n = childrenOf(c, city.grids).length;
      expect(n, c.properties.name).toBeGreaterThanOrEqual(8);
      expect(n, c.properties.name).toBeLessThanOrEqual(25);
    }
    const mean = city.grids.reduce((s, g) => s + area(g), 0) / city.grids.length;
    expect(mean).toBeGreaterThan(50_000);
    expect(mean).toBeLessThan(100_000);
  });

  it('lies on the 常山 county seat', () => {
    const [w, s, e, n] = bbox(city.county);
    expect(Math.abs((w + e) / 2 - 118.515)).toBeLessThan(0.03);
    expect(Math.abs((s + n) / 2 - 28.905)).toBeLessThan(0.03);
  });
});

describe('demo city codes and names', () => {
  it('uses the county code and the real 街道 for the first streets', () => {
    expect(city.county.properties).toEqual({ code: '330822', name: '常山县' });
    expect(city.streets.map((s) => s.properties)).toEqual([
      { code: '330822001', name: '天马街道' },
      { code: '330822002', name: '紫港街道' },
      { code: '330822003', name: '金川街道' },
    ]);
  });

  it('numbers each level as parent code + 3 digits from 001, uniquely', () => {
    const levels: [AreaFeature[], AreaFeature[], RegExp][] = [
      [[city.county], city.streets, /^\d{9}$/],
      [city.streets, city.communities, /^\d{12}$/],
      [city.communities, city.grids, /^\d{15}$/],
    ];
    for (const [parents, children, format] of levels) {
      for (const c of children) expect(c.properties.code).toMatch(format);
      for (const p of parents) {
        const codes = childrenOf(p, children).map((c) => c.properties.code.slice(-3));
        expect(codes).toEqual(codes.map((_, i) => String(i + 1).padStart(3, '0')));
      }
      expect(children.every((c) => parents.some((p) => p.properties.code === parentCode(c.properties.code)))).toBe(
        true,
      );
    }
    const all = areas(city).map((f) => f.properties.code);
    expect(new Set(all).size).toBe(all.length);
  });

  it('names communities uniquely in Chinese and grids after their community', () => {
    const names = city.communities.map((c) => c.properties.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[\u4e00-\u9fff]{2,6}(社区|村)$/);
    expect(names).toContain('文峰社区');
    const byCode = new Map(city.communities.map((c) => [c.properties.code, c.properties.name]));
    for (const g of city.grids) {
      expect(g.properties.name).toBe(
        `${byCode.get(parentCode(g.properties.code))}第${g.properties.code.slice(-2)}网格`,
      );
    }
  });
});

describe('demo city geometry', () => {
  it('has only valid polygons: closed, ≥ 4 positions, RFC 7946 winding, no self-intersection', () => {
    const problems = areas(city).flatMap((f) => geometryProblems(f.geometry).map((p) => `${f.properties.code}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('rounds to 7 decimals and repeats no vertex in a row', () => {
    for (const f of areas(city)) {
      for (const ring of rings(f)) {
        for (let i = 0; i < ring.length; i++) {
          const [x, y] = ring[i] as [number, number];
          expect(Math.round(x * 1e7) / 1e7).toBe(x);
          expect(Math.round(y * 1e7) / 1e7).toBe(y);
          if (i > 0) expect(ring[i]).not.toEqual(ring[i - 1]);
        }
      }
    }
  });

  it('tiles every community with its grids, without overlap', () => {
    for (const c of city.communities) {
      const grids = childrenOf(c, city.grids);
      expectTiling(c, grids);
      // An independent union (polygon clipping) must give the same shape as the generator's.
      const merged = union(featureCollection(grids));
      expect(merged).not.toBeNull();
      expect(relDiff(area(merged!), area(c))).toBeLessThan(1e-6);
    }
  });

  it('tiles streets with communities and the county with streets', () => {
    for (const s of city.streets) expectTiling(s, childrenOf(s, city.communities));
    expectTiling(city.county, city.streets);
  });

  it('keeps every area in one piece', () => {
    expect(
      areas(city)
        .filter((f) => f.geometry.type === 'MultiPolygon')
        .map((f) => f.properties.code),
    ).toEqual([]);
  });

  it('is not a lattice: grid areas and shapes vary', () => {
    const sizes = city.grids.map((g) => area(g));
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    const sd = Math.sqrt(sizes.reduce((a, b) => a + (b - mean) ** 2, 0) / sizes.length);
    expect(sd / mean).toBeGreaterThan(0.15);
    const vertexCounts = new Set(city.grids.map((g) => positions(g).length));
    expect(vertexCounts.size).toBeGreaterThanOrEqual(4);
  });
});

describe('the geometry checks themselves', () => {
  const polygon = (ring: number[][]): GeoJSON.Polygon => ({
    type: 'Polygon',
    coordinates: [ring.map(([x, y]) => [118.5 + x! * 1e-4, 28.9 + y! * 1e-4])],
  });

  it('accept a plain square and reject bow-ties, spikes, open rings and clockwise shells', () => {
    expect(
      geometryProblems(
        polygon([
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ]),
      ),
    ).toEqual([]);
    expect(
      geometryProblems(
        polygon([
          [0, 0],
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0],
        ]),
      ),
    ).not.toEqual([]);
    expect(
      geometryProblems(
        polygon([
          [0, 0],
          [2, 0],
          [1, 0],
          [1, 1],
          [0, 1],
          [0, 0],
        ]),
      ),
    ).not.toEqual([]);
    expect(
      geometryProblems(
        polygon([
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ]),
      ),
    ).not.toEqual([]);
    expect(
      geometryProblems(
        polygon([
          [0, 0],
          [0, 1],
          [1, 1],
          [1, 0],
          [0, 0],
        ]),
      ),
    ).not.toEqual([]);
  });
});

describe('demo city basemap', () => {
  it('has 常山港 crossing the city as valid water', () => {
    const water = city.basemap.filter((f) => f.properties.kind === 'water');
    expect(water.map((w) => w.properties.name)).toEqual(['常山港']);
    const river = water[0]!.geometry as GeoJSON.Polygon;
    expect(geometryProblems(river)).toEqual([]);
    // Both ends of the band lie outside the county and part of it inside: it crosses the city.
    const shell = (city.county.geometry as GeoJSON.Polygon).coordinates[0]!;
    const bank = river.coordinates[0]!.slice(0, (river.coordinates[0]!.length - 1) / 2);
    expect(inRing(bank[0]!, shell)).toBe(false);
    expect(inRing(bank[bank.length - 1]!, shell)).toBe(false);
    expect(bank.filter((p) => inRing(p, shell)).length).toBeGreaterThan(bank.length / 3);
  });

  it('has named arterials with the real street names and some local lanes', () => {
    const lines = city.basemap.filter((f) => f.geometry.type === 'LineString');
    for (const l of lines) expect((l.geometry as GeoJSON.LineString).coordinates.length).toBeGreaterThanOrEqual(2);
    const major = new Set(lines.filter((l) => l.properties.kind === 'road_major').map((l) => l.properties.name));
    for (const name of ['人民路', '定阳路', '天马路', '文峰路']) expect(major).toContain(name);
    expect(lines.filter((l) => l.properties.kind === 'road_minor').length).toBeGreaterThanOrEqual(3);
    expect(toFeatureCollection(city.basemap).features).toHaveLength(city.basemap.length);
  });
});

describe('demo city at 10,000 grids', () => {
  it('scales to ~600 communities in 20–30 streets, still tiling exactly', { timeout: 120_000 }, () => {
    const big = generateDemoCity({ grids: 10_000 });
    expect(Math.abs(big.grids.length - 10_000)).toBeLessThanOrEqual(100);
    expect(big.communities.length).toBeGreaterThanOrEqual(420);
    expect(big.communities.length).toBeLessThanOrEqual(780);
    expect(big.streets.length).toBeGreaterThanOrEqual(20);
    expect(big.streets.length).toBeLessThanOrEqual(30);
    const codes = areas(big).map((f) => f.properties.code);
    expect(new Set(codes).size).toBe(codes.length);
    // the 14 real townships keep their NBS codes (township-codes.csv); generated ones avoid them
    const streets = new Map(big.streets.map((s) => [s.properties.code, s.properties.name]));
    for (const [code, name] of [
      ['330822001', '天马街道'],
      ['330822111', '球川镇'],
      ['330822219', '新昌乡'],
      ['330822221', '东案乡'],
    ] as const)
      expect(streets.get(code)).toBe(name);
    const names = big.communities.map((c) => c.properties.name);
    expect(new Set(names).size).toBe(names.length);
    const problems = [big.county, ...big.streets, ...big.communities].flatMap((f) => geometryProblems(f.geometry));
    expect(problems).toEqual([]);
    const gridArea = big.grids.reduce((s, g) => s + area(g), 0);
    expect(relDiff(gridArea, area(big.county))).toBeLessThan(1e-4);
    expect(gridArea / big.grids.length).toBeGreaterThan(50_000);
    expect(gridArea / big.grids.length).toBeLessThan(100_000);
  });
});
