import { describe, expect, it } from 'vitest';
import {
  choroplethLayers,
  classBreaks,
  classColors,
  classOf,
  figureClasses,
  FIGURES_FILL_LAYER,
  JENKS_MAX,
  NO_DATA_COLOR,
  RAMP,
  sampleSorted,
} from '../../web/src/features/figures/map/figure-layers';
import {
  gapFeatures,
  gapLayers,
  GAP_LAYERS,
  geometryBBox,
  hotspotFeatures,
} from '../../web/src/features/figures/map/gap-layers';
import type { CoverageGaps, HotspotsResult } from '../../api/schemas/figures';
import type { SlottedLayer } from '../../web/src/map/use-map-layers';
import { mulberry32 } from '../../data/demo/random';

/** Sum of squared deviations from their class means: what natural breaks minimise. */
function withinSS(sorted: number[], bounds: number[]): number {
  let ss = 0;
  let start = 0;
  for (const b of bounds) {
    let end = start;
    while (end < sorted.length && sorted[end]! <= b) end++;
    const part = sorted.slice(start, end);
    const mean = part.reduce((s, v) => s + v, 0) / part.length;
    ss += part.reduce((s, v) => s + (v - mean) ** 2, 0);
    start = end;
  }
  return ss;
}

/** The best split of sorted values into k contiguous classes, by trying every one. */
function bestSS(sorted: number[], k: number): number {
  let best = Infinity;
  const cut = (from: number, left: number, bounds: number[]): void => {
    if (left === 1) {
      best = Math.min(best, withinSS(sorted, [...bounds, sorted[sorted.length - 1]!]));
      return;
    }
    for (let i = from; i <= sorted.length - left; i++) cut(i + 1, left - 1, [...bounds, sorted[i]!]);
  };
  cut(0, k, []);
  return best;
}

/** A deterministic pseudo-random sequence (the demo's mulberry32), so a failure can be replayed. */
const random = mulberry32;

describe('class breaks', () => {
  it('find the natural groups of the values (Jenks)', () => {
    const values = [90, 1, 2, 3, 10, 11, 12, 20, 21, 22, 40, 41];
    expect(classBreaks(values)).toEqual([3, 12, 22, 41, 90]);
  });

  it('give the least within-class variance of all contiguous splits', () => {
    const rnd = random(7);
    for (let run = 0; run < 5; run++) {
      const sorted = Array.from({ length: 13 }, () => Math.round(rnd() * 1000) / 10).sort((a, b) => a - b);
      const breaks = classBreaks(sorted, 4);
      expect(breaks).toHaveLength(4);
      expect(withinSS(sorted, breaks)).toBeCloseTo(bestSS(sorted, 4), 6);
    }
  });

  it('are quantiles when asked for', () => {
    expect(classBreaks([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 5, 'quantile')).toEqual([2, 4, 6, 8, 10]);
  });

  it('collapse to one class per value when there are fewer distinct values than classes, and ignore nulls', () => {
    expect(classBreaks([100, 0, 100, null, 0, undefined, 100])).toEqual([0, 100]);
    expect(classBreaks([null, null])).toEqual([]);
    expect(classBreaks([], 5, 'quantile')).toEqual([]);
  });

  it('never repeat a bound when ties fill a quantile', () => {
    const values = [...Array(40).fill(100), 20, 40, 60, 80, 90, 95];
    const breaks = classBreaks(values, 5, 'quantile');
    expect(new Set(breaks).size).toBe(breaks.length);
    expect(breaks.at(-1)).toBe(100);
  });

  it('run on a sample above the Jenks limit: 10,000 grids in well under a second, ascending, ending at the maximum', () => {
    const rnd = random(11);
    const values = Array.from({ length: 10_000 }, () => rnd() ** 3 * 100);
    const started = performance.now();
    const breaks = classBreaks(values);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(breaks).toHaveLength(5);
    expect([...breaks].sort((a, b) => a - b)).toEqual(breaks);
    expect(breaks.at(-1)).toBe(Math.max(...values));
    expect(
      sampleSorted(
        [...values].sort((a, b) => a - b),
        JENKS_MAX,
      ),
    ).toHaveLength(JENKS_MAX);
  });
});

describe('classes and colours', () => {
  it('put a value in the first class whose bound holds it; no value is no data', () => {
    const breaks = [10, 20, 30];
    expect(classOf(-5, breaks)).toBe(0);
    expect(classOf(10, breaks)).toBe(0);
    expect(classOf(10.01, breaks)).toBe(1);
    expect(classOf(30, breaks)).toBe(2);
    expect(classOf(31, breaks)).toBe(2);
    expect(classOf(null, breaks)).toBe(-1);
    expect(classOf(Number.NaN, breaks)).toBe(-1);
    expect(classOf(5, [])).toBe(-1);
  });

  it('darken towards the bad end: high values for "lower is better", low values for "higher is better"', () => {
    expect(classColors(5, 'lower')).toEqual([...RAMP]);
    expect(classColors(5, 'higher')).toEqual([...RAMP].reverse());
    expect(classColors(3, 'lower')).toEqual([RAMP[0], RAMP[2], RAMP[4]]);
    expect(classColors(2, 'higher')).toEqual([RAMP[4], RAMP[0]]);
    expect(classColors(1, 'higher')).toEqual([RAMP[2]]);
  });

  it('describe each class for the legend: its actual range, colour and size, and the areas without data', () => {
    const { breaks, classes, noData } = figureClasses([0, 20, 40, 60, 80, 100, null, 20], 'higher', 3);
    expect(breaks).toHaveLength(3);
    expect(noData).toBe(1);
    expect(classes.reduce((n, c) => n + c.count, 0)).toBe(7);
    expect(classes[0]!.min).toBe(0);
    expect(classes.at(-1)!.max).toBe(100);
    // 整改达标率: the lowest rates are the darkest
    expect(classes[0]!.color).toBe(RAMP[4]);
    for (const c of classes) expect(c.min).toBeLessThanOrEqual(c.max);
  });
});

describe('the choropleth layer', () => {
  it('colours the chosen level by the class in feature-state, no data grey, no state transparent', () => {
    const layers = choroplethLayers(
      2,
      { level: 'community', colors: ['#111111', '#222222'], visible: true },
      'areas',
      'areas',
    );
    expect(layers).toHaveLength(2);
    const [[fillSlot, fill], [lineSlot, line]] = layers as [SlottedLayer, SlottedLayer];
    expect(fillSlot).toBe('zone-fills');
    expect(lineSlot).toBe('zone-lines');
    expect(fill.id).toBe(FIGURES_FILL_LAYER);
    expect(fill).toMatchObject({
      source: 'areas',
      'source-layer': 'areas',
      filter: ['==', ['get', 'level'], 'community'],
      layout: { visibility: 'visible' },
    });
    const color = (fill as { paint: Record<string, unknown> }).paint['fill-color'] as unknown[];
    expect(color.slice(2)).toEqual([0, '#111111', 1, '#222222', -1, NO_DATA_COLOR, 'rgba(0,0,0,0)']);
    expect((line as { filter: unknown }).filter).toEqual(['==', ['get', 'level'], 'community']);
    const hidden = choroplethLayers(1, { level: 'grid', colors: [], visible: false }, 'areas', 'areas');
    expect(hidden.map(([, l]) => (l as { layout: { visibility: string } }).layout.visibility)).toEqual([
      'none',
      'none',
    ]);
  });
});

describe('gap layers', () => {
  const square = (x: number) => ({
    type: 'Polygon',
    coordinates: [
      [
        [x, 0],
        [x + 1, 0],
        [x + 1, 2],
        [x, 2],
        [x, 0],
      ],
    ],
  });
  const gaps = {
    uncovered: {
      areaM2: 12,
      pieces: [{ areaCode: '330822', areaName: '常山县', level: 'county', areaM2: 12, geometry: square(0) }],
    },
    overlaps: [
      { a: { id: 1, code: 'a', name: 'A' }, b: { id: 2, code: 'b', name: 'B' }, areaM2: 3, geometry: square(5) },
    ],
    problemsOutsideGrids: {
      total: 1,
      problems: [
        { id: 77, lon: 118.5, lat: 28.9, state: 'assigned', categoryName: 'x', reportedAt: '', areaCode: null },
      ],
    },
  } as unknown as CoverageGaps;

  it('put uncovered pieces, overlaps and problems outside every grid in one source, apart by kind', () => {
    const fc = gapFeatures(gaps);
    expect(fc.features.map((f) => f.properties.kind)).toEqual(['uncovered', 'overlap', 'outside']);
    expect(fc.features[2]!.geometry).toEqual({ type: 'Point', coordinates: [118.5, 28.9] });
    expect(new Set(fc.features.map((f) => f.id)).size).toBe(3);
    expect(gapFeatures(null).features).toEqual([]);
  });

  it('draw each hotspot as its hull and a count at its centroid', () => {
    const h = { hotspots: [{ count: 9, open: 4, centroid: [1, 2], hull: square(1) }] } as unknown as HotspotsResult;
    const fc = hotspotFeatures(h);
    expect(fc.features.map((f) => [f.properties.part, f.properties.count, f.geometry.type])).toEqual([
      ['hull', 9, 'Polygon'],
      ['label', 9, 'Point'],
    ]);
  });

  it('show only the layers switched on', () => {
    const on = Object.fromEntries(GAP_LAYERS.map((l) => [l, l === 'uncovered'])) as Record<
      (typeof GAP_LAYERS)[number],
      boolean
    >;
    const layers = gapLayers(1, on, { source: 'areas', sourceLayer: 'areas' });
    const visible = layers
      .filter(([, l]) => (l as { layout?: { visibility?: string } }).layout?.visibility === 'visible')
      .map(([, l]) => l.id);
    expect(visible.sort()).toEqual(['gaps-uncovered-hatch', 'gaps-uncovered-line']);
  });

  it('find the box of any geometry', () => {
    expect(
      geometryBBox({
        coordinates: [
          [
            [
              [1, 5],
              [3, -2],
            ],
          ],
          [
            [
              [0, 1],
              [2, 7],
            ],
          ],
        ],
      }),
    ).toEqual([0, -2, 3, 7]);
  });
});
