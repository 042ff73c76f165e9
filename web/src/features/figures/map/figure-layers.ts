import type { ExpressionSpecification, FilterSpecification } from 'maplibre-gl';
import type { SlottedLayer } from '../../../map/use-map-layers';

/**
 * Class breaks and colours of the figure choropleth. Pure: no map, no Vue (tests/unit/figure-layers.test.ts).
 *
 * Breaks are Fisher–Jenks natural breaks (minimum within-class variance), so a city where most
 * communities sit at 95–100 % and a few at 40 % shows those few, which quantiles would smear over
 * several classes. Jenks is O(k·n²): above JENKS_MAX values it runs on an evenly spaced sample of
 * the sorted values (10,000 grids: 1,000 samples, a few ms), which keeps the breaks within one
 * sample step of the exact ones.
 */
export const CLASS_COUNT = 5;
export const JENKS_MAX = 1000;

/** Light → dark: the darker, the more attention the area needs (YlOrRd, ColorBrewer). */
export const RAMP = ['#fef0b5', '#fdc46c', '#f78a3c', '#dc4a2a', '#a3172f'] as const;
/** An area with no figure (a rate with nothing due): grey, so "no data" never reads as "good". */
export const NO_DATA_COLOR = '#c9ced6';

export type Better = 'higher' | 'lower';
export type BreakMethod = 'jenks' | 'quantile';

/** One class: its value range as drawn (from the members' values), colour and how many areas. */
export interface FigureClass {
  /** smallest and largest member value */
  min: number;
  max: number;
  color: string;
  count: number;
}

const sortNumbers = (values: readonly (number | null | undefined)[]): number[] =>
  values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);

/** Up to `n` values evenly spaced over a sorted array, first and last included. */
export function sampleSorted(sorted: readonly number[], n: number): number[] {
  if (sorted.length <= n) return [...sorted];
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(sorted[Math.round((i * (sorted.length - 1)) / (n - 1))]!);
  return out;
}

/** Fisher–Jenks on sorted values: the upper bound of each of `k` classes (ascending, the last = max). */
function jenksSorted(data: readonly number[], k: number): number[] {
  const n = data.length;
  const w = k + 1;
  // lower[l*w + j]: 1-based index of the first value of the last class when the first l values form j classes
  const lower = new Int32Array((n + 1) * w);
  const variance = new Float64Array((n + 1) * w);
  for (let j = 1; j <= k; j++) {
    lower[w + j] = 1;
    for (let l = 2; l <= n; l++) variance[l * w + j] = Infinity;
  }
  for (let l = 2; l <= n; l++) {
    let s1 = 0;
    let s2 = 0;
    let v = 0;
    for (let m = 1; m <= l; m++) {
      const i3 = l - m + 1;
      const val = data[i3 - 1]!;
      s1 += val;
      s2 += val * val;
      v = s2 - (s1 * s1) / m;
      const i4 = i3 - 1;
      if (i4 === 0) continue;
      for (let j = 2; j <= k; j++) {
        const candidate = v + variance[i4 * w + j - 1]!;
        if (variance[l * w + j]! >= candidate) {
          lower[l * w + j] = i3;
          variance[l * w + j] = candidate;
        }
      }
    }
    lower[l * w + 1] = 1;
    variance[l * w + 1] = v;
  }
  const bounds = new Array<number>(k);
  bounds[k - 1] = data[n - 1]!;
  for (let j = k, last = n; j >= 2; j--) {
    const first = lower[last * w + j]!;
    bounds[j - 2] = data[first - 2]!;
    last = first - 1;
  }
  return bounds;
}

/** Quantile classes: upper bounds at the i/k quantiles (nearest rank). */
function quantileSorted(data: readonly number[], k: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= k; i++) out.push(data[Math.max(0, Math.ceil((i * data.length) / k) - 1)]!);
  return out;
}

/**
 * Upper bounds of up to `k` classes over the values (nulls ignored), ascending and distinct; the
 * last is the maximum. Fewer distinct values than classes: one class per value. No values: [].
 */
export function classBreaks(
  values: readonly (number | null | undefined)[],
  k = CLASS_COUNT,
  method: BreakMethod = 'jenks',
): number[] {
  const sorted = sortNumbers(values);
  if (!sorted.length) return [];
  const distinct = [...new Set(sorted)];
  if (distinct.length <= k) return distinct;
  const bounds = method === 'jenks' ? jenksSorted(sampleSorted(sorted, JENKS_MAX), k) : quantileSorted(sorted, k);
  // the sample may miss the true maximum's neighbours, never the maximum itself; ties collapse classes
  bounds[bounds.length - 1] = sorted[sorted.length - 1]!;
  return [...new Set(bounds)];
}

/** The class of a value: the first whose upper bound holds it; null → -1 (no data). */
export function classOf(value: number | null | undefined, breaks: readonly number[]): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !breaks.length) return -1;
  for (let i = 0; i < breaks.length; i++) if (value <= breaks[i]!) return i;
  return breaks.length - 1;
}

/**
 * The colour of each of `count` classes (ascending values). The ramp runs from good (light) to
 * bad (dark), so it is reversed for an indicator where higher is better; fewer classes take
 * colours spread over the whole ramp, one class the middle.
 */
export function classColors(count: number, better: Better): string[] {
  const last = RAMP.length - 1;
  return Array.from({ length: count }, (_, i) => {
    const badness = better === 'lower' ? i : count - 1 - i;
    return RAMP[count === 1 ? Math.floor(last / 2) : Math.round((badness * last) / (count - 1))]!;
  });
}

/** The legend's classes: breaks, colours, and each class's actual range and size. */
export function figureClasses(
  values: readonly (number | null | undefined)[],
  better: Better,
  k = CLASS_COUNT,
  method: BreakMethod = 'jenks',
): { breaks: number[]; classes: FigureClass[]; noData: number } {
  const breaks = classBreaks(values, k, method);
  const colors = classColors(breaks.length, better);
  const classes: FigureClass[] = breaks.map((_, i) => ({ min: Infinity, max: -Infinity, color: colors[i]!, count: 0 }));
  let noData = 0;
  for (const v of values) {
    const c = classOf(v, breaks);
    if (c < 0) {
      noData += 1;
      continue;
    }
    const cl = classes[c]!;
    cl.count += 1;
    cl.min = Math.min(cl.min, v as number);
    cl.max = Math.max(cl.max, v as number);
  }
  return { breaks, classes, noData };
}

// ——— the choropleth layer over the area tiles ———

/** The level the choropleth colours: one of the area levels in /tiles/areas. */
export type FigureLevel = 'street' | 'community' | 'grid';
/** Layer that colours the areas of the chosen level; the one hover, click and tests query. */
export const FIGURES_FILL_LAYER = 'figures-fill';
export const FIGURES_LINE_LAYER = 'figures-line';
/** Feature-state key on the areas source: the class index of the area's value, -1 no data. */
export const FIGURE_CLASS_STATE = 'fc';

export interface ChoroplethState {
  level: FigureLevel;
  /** colour of each class, ascending values */
  colors: string[];
  visible: boolean;
}

/**
 * Fill and outline of the chosen level, coloured through feature-state (set by id from the
 * figures API), so the tiles are the area tiles already loaded: no second geometry download, and
 * another indicator or period only sets states. Areas without a state (not in the figures, e.g.
 * outside the user's scope) stay transparent.
 */
export function choroplethLayers(k: number, s: ChoroplethState, source: string, sourceLayer: string): SlottedLayer[] {
  const cls: ExpressionSpecification = ['number', ['feature-state', FIGURE_CLASS_STATE], -2];
  const color = [
    'match',
    cls,
    ...s.colors.flatMap((c, i) => [i, c]),
    -1,
    NO_DATA_COLOR,
    'rgba(0,0,0,0)',
  ] as unknown as ExpressionSpecification;
  const filter: FilterSpecification = ['==', ['get', 'level'], s.level];
  const visibility = s.visible ? 'visible' : 'none';
  return [
    [
      'zone-fills',
      {
        id: FIGURES_FILL_LAYER,
        type: 'fill',
        source,
        'source-layer': sourceLayer,
        filter,
        layout: { visibility },
        // a little lighter zoomed in, where roads and labels under it matter more
        paint: {
          'fill-color': color,
          'fill-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.82, 14, 0.72, 17, 0.6],
        },
      },
    ],
    // white edges keep neighbours of one class apart
    [
      'zone-lines',
      {
        id: FIGURES_LINE_LAYER,
        type: 'line',
        source,
        'source-layer': sourceLayer,
        filter,
        layout: { visibility, 'line-join': 'round' },
        paint: {
          'line-color': '#ffffff',
          'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.6 * k, 14, 1.4 * k, 17, 2.4 * k],
          'line-opacity': 0.85,
        },
      },
    ],
  ];
}
