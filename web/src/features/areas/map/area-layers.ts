import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import { AREA_PALETTE, COLORS, FONT_BOLD, FONT_REGULAR } from '../../../map/style';

export const AREAS_SOURCE = 'areas';
const POLYGONS = 'areas';
const LABELS = 'area_labels';

/** The layer that answers "which area is here": every level, transparent unless hovered/selected. */
export const AREAS_HIT_LAYER = 'areas-state-fill';
export const GRIDS_FILL_LAYER = 'grids-fill';
/** hover and selection outline: drawn over every other outline (see SLOTS) */
export const AREAS_SELECTION_LINE = 'areas-state-line';

const isLevel = (level: string): ExpressionSpecification => ['==', ['get', 'level'], level];
const state = (key: 'hover' | 'selected'): ExpressionSpecification => ['boolean', ['feature-state', key], false];

/** `[z0, v0, z1, v1, …]` → a linear zoom ramp with every value multiplied by `k`. */
function ramp(k: number, ...stops: number[]): ExpressionSpecification {
  const out: number[] = [];
  for (let i = 0; i + 1 < stops.length; i += 2) out.push(stops[i] as number, (stops[i + 1] as number) * k);
  return ['interpolate', ['linear'], ['zoom'], ...out] as ExpressionSpecification;
}

const palette: ExpressionSpecification = [
  'match',
  ['%', ['to-number', ['id'], 0], AREA_PALETTE.length],
  ...AREA_PALETTE.flatMap((c, i) => [i, c]),
  AREA_PALETTE[0] as string,
] as unknown as ExpressionSpecification;

function fillLayers(showFills: boolean): LayerSpecification[] {
  // Hidden, not removed, while the contracting zones colour the grids instead.
  const base = {
    type: 'fill',
    source: AREAS_SOURCE,
    'source-layer': POLYGONS,
    layout: { visibility: showFills ? 'visible' : 'none' },
  } as const;
  return [
    // Each level fades out as the next one down appears, so every zoom shows one mosaic.
    {
      ...base,
      id: 'streets-fill',
      filter: isLevel('street'),
      maxzoom: 11,
      paint: { 'fill-color': palette, 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 9, 0.4, 10.2, 0.3, 11, 0] },
    },
    {
      ...base,
      id: 'communities-fill',
      filter: isLevel('community'),
      minzoom: 10,
      maxzoom: 12.8,
      paint: {
        'fill-color': palette,
        'fill-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0, 10.4, 0.45, 12.2, 0.35, 12.8, 0],
      },
    },
    {
      ...base,
      id: GRIDS_FILL_LAYER,
      filter: isLevel('grid'),
      minzoom: 12,
      paint: {
        'fill-color': palette,
        'fill-opacity': ['interpolate', ['linear'], ['zoom'], 12, 0.25, 12.6, 0.62, 16, 0.55],
      },
    },
    {
      ...base,
      id: AREAS_HIT_LAYER,
      layout: {},
      paint: {
        'fill-color': ['case', state('selected'), COLORS.selected, COLORS.hover],
        // A grid is small: a strong tint. A whole street or community under one would hide its grids.
        'fill-opacity': [
          'case',
          state('selected'),
          ['match', ['get', 'level'], 'grid', 0.32, 0.08],
          state('hover'),
          ['match', ['get', 'level'], 'grid', 0.16, 0.07],
          0,
        ],
      },
    },
  ];
}

/** The user's own areas, outlined over every boundary but under the selection: "my grid" at a glance. */
function scopeLayers(k: number, codes: string[]): LayerSpecification[] {
  if (!codes.length) return [];
  const base = {
    type: 'line',
    source: AREAS_SOURCE,
    'source-layer': POLYGONS,
    filter: ['in', ['get', 'code'], ['literal', codes]] as ExpressionSpecification,
    layout: { 'line-join': 'round', 'line-cap': 'round' },
  } as const;
  return [
    {
      ...base,
      id: 'scope-casing',
      paint: { 'line-color': '#ffffff', 'line-width': ramp(k, 8, 4, 13, 7, 17, 10), 'line-opacity': 0.9 },
    },
    { ...base, id: 'scope-line', paint: { 'line-color': COLORS.scope, 'line-width': ramp(k, 8, 2, 13, 3.5, 17, 5) } },
  ];
}

function lineLayers(k: number, scopeCodes: string[]): LayerSpecification[] {
  const base = {
    type: 'line',
    source: AREAS_SOURCE,
    'source-layer': POLYGONS,
    layout: { 'line-join': 'round', 'line-cap': 'round' },
  } as const;
  return [
    {
      ...base,
      id: 'grids-line',
      filter: isLevel('grid'),
      minzoom: 12,
      paint: { 'line-color': COLORS.grid, 'line-width': ramp(k, 12, 0.4, 14, 1.2, 17, 2.5), 'line-opacity': 0.95 },
    },
    {
      ...base,
      id: 'communities-line',
      filter: isLevel('community'),
      minzoom: 10,
      paint: {
        'line-color': COLORS.community,
        'line-width': ramp(k, 10, 0.7, 13, 1.4, 16, 2.4),
        'line-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.5, 12, 0.85],
      },
    },
    {
      ...base,
      id: 'streets-casing',
      filter: isLevel('street'),
      paint: { 'line-color': '#ffffff', 'line-width': ramp(k, 9, 3, 13, 5, 16, 8), 'line-opacity': 0.8 },
    },
    {
      ...base,
      id: 'streets-line',
      filter: isLevel('street'),
      paint: { 'line-color': COLORS.street, 'line-width': ramp(k, 9, 1.4, 13, 2.6, 16, 4) },
    },
    {
      ...base,
      id: 'county-line',
      filter: isLevel('county'),
      paint: { 'line-color': COLORS.county, 'line-width': ramp(k, 8, 2, 13, 3, 16, 4.5), 'line-dasharray': [3, 1.5] },
    },
    ...scopeLayers(k, scopeCodes),
    {
      ...base,
      id: AREAS_SELECTION_LINE,
      paint: {
        'line-color': ['case', state('selected'), COLORS.selected, COLORS.hover],
        'line-width': ['case', state('selected'), 3.5 * k, state('hover'), 2 * k, 0],
        'line-opacity': ['case', state('selected'), 1, state('hover'), 0.7, 0],
      },
    },
  ];
}

/**
 * Grid names repeat their community ("文峰社区第01网格"), which the community label already
 * shows: on the map a grid is "第01网格". Names without 第 are shown whole.
 */
const gridShortName: ExpressionSpecification = [
  'let',
  'at',
  ['index-of', '第', ['get', 'name']],
  ['case', ['>', ['var', 'at'], 0], ['slice', ['get', 'name'], ['var', 'at']], ['get', 'name']],
];

function labelLayers(k: number): LayerSpecification[] {
  const base = { type: 'symbol', source: AREAS_SOURCE, 'source-layer': LABELS } as const;
  const text = {
    'text-field': ['get', 'name'] as ExpressionSpecification,
    'text-max-width': 7,
    'text-padding': 3 * k,
    'symbol-placement': 'point' as const,
  };
  // Placed top-down: streets win over communities, communities over grids.
  return [
    {
      ...base,
      id: 'grids-label',
      filter: isLevel('grid'),
      minzoom: 14.6,
      layout: {
        ...text,
        'text-field': gridShortName,
        'text-font': FONT_REGULAR,
        'text-size': ramp(k, 14.6, 11, 16, 12.5, 18, 15),
      },
      paint: {
        'text-color': COLORS.labelGrid,
        'text-halo-color': COLORS.halo,
        'text-halo-width': 1.4 * k,
        'text-opacity': ['interpolate', ['linear'], ['zoom'], 14.6, 0, 15, 1],
      },
    },
    {
      ...base,
      id: 'communities-label',
      filter: isLevel('community'),
      minzoom: 11.5,
      maxzoom: 16.5,
      layout: {
        ...text,
        'text-font': FONT_BOLD,
        'text-size': ramp(k, 11.5, 12, 14, 14.5, 16.5, 17),
        // A community label may step aside rather than vanish behind its street's name.
        'text-variable-anchor': ['center', 'top', 'bottom', 'left', 'right'],
        'text-radial-offset': 0.8,
      },
      paint: { 'text-color': COLORS.labelCommunity, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.6 * k },
    },
    {
      ...base,
      id: 'streets-label',
      filter: isLevel('street'),
      minzoom: 8,
      maxzoom: 15,
      layout: {
        ...text,
        'text-font': FONT_BOLD,
        'text-size': ramp(k, 8, 13, 12, 18, 15, 22),
        'text-letter-spacing': 0.2,
      },
      paint: { 'text-color': COLORS.labelStreet, 'text-halo-color': COLORS.halo, 'text-halo-width': 2 * k },
    },
  ];
}

/**
 * All area layers, bottom to top. `k` scales text and lines for wall screens (1 on a laptop);
 * `scopeCodes` are the codes of the user's scope areas, outlined (none for city-wide users);
 * `showFills: false` hides the level fills (the hover/selection tint stays).
 */
export function areaLayers(k: number, scopeCodes: string[] = [], showFills = true): LayerSpecification[] {
  return [...fillLayers(showFills), ...lineLayers(k, scopeCodes), ...labelLayers(k)];
}
