import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import { basemapLabelLayers, basemapLayers } from '../../../map/basemap-layers';
import { FONT_BOLD, FONT_REGULAR, type Slot } from '../../../map/style';

/** The wall's dark palette (a control room is dim; the map is the brightest thing on it only where it matters). */
export const WALL_COLORS = {
  background: '#0a1220',
  water: '#0f2a44',
  road: '#22324a',
  roadCasing: '#0d1726',
  roadText: '#5f7490',
  street: '#3fb7ff',
  community: '#2b6f9e',
  grid: '#1f4f73',
  label: '#d9e6f5',
  halo: '#0a1220',
  open: '#f5b841',
  overdue: '#ff4d4f',
  closed: '#3ccf8e',
  selected: '#ffd166',
} as const;

export const WALL_AREAS_SOURCE = 'wall-areas';
export const WALL_PROBLEMS_SOURCE = 'wall-problems';
/** the (invisible) fill that answers "which street or community is here" */
export const WALL_AREA_HIT = 'wall-area-hit';

function ramp(k: number, ...stops: number[]): ExpressionSpecification {
  const out: number[] = [];
  for (let i = 0; i + 1 < stops.length; i += 2) out.push(stops[i] as number, (stops[i + 1] as number) * k);
  return ['interpolate', ['linear'], ['zoom'], ...out] as ExpressionSpecification;
}
const isLevel = (level: string): ExpressionSpecification => ['==', ['get', 'level'], level];

/** The office basemap's layers, recoloured dark (same source, same geometry rules). */
export function darkBasemap(k: number): [Slot, LayerSpecification][] {
  const recolour = (l: LayerSpecification): LayerSpecification => {
    const paint = { ...((l as { paint?: Record<string, unknown> }).paint ?? {}) };
    if (l.type === 'line') paint['line-color'] = l.id.includes('casing') ? WALL_COLORS.roadCasing : WALL_COLORS.road;
    if (l.type === 'fill') {
      paint['fill-color'] = WALL_COLORS.water;
      paint['fill-outline-color'] = WALL_COLORS.water;
    }
    if (l.type === 'symbol') {
      paint['text-color'] = WALL_COLORS.roadText;
      paint['text-halo-color'] = WALL_COLORS.halo;
    }
    return { ...l, paint } as LayerSpecification;
  };
  return [
    ...basemapLayers(k).map((l): [Slot, LayerSpecification] => [l.type === 'line' ? 'roads' : 'basemap', recolour(l)]),
    ...basemapLabelLayers(k).map((l): [Slot, LayerSpecification] => ['road-labels', recolour(l)]),
  ];
}

/** Street, community and grid outlines and names; the selected area outlined in gold. */
export function wallAreaLayers(k: number, selected: string | null): [Slot, LayerSpecification][] {
  const polys = { source: WALL_AREAS_SOURCE, 'source-layer': 'areas' } as const;
  const labels = { type: 'symbol', source: WALL_AREAS_SOURCE, 'source-layer': 'area_labels' } as const;
  const line = { ...polys, type: 'line', layout: { 'line-join': 'round', 'line-cap': 'round' } } as const;
  return [
    [
      'area-fills',
      {
        ...polys,
        id: WALL_AREA_HIT,
        type: 'fill',
        filter: ['in', ['get', 'level'], ['literal', ['street', 'community', 'grid']]],
        paint: {
          'fill-color': WALL_COLORS.street,
          'fill-opacity': ['case', ['==', ['get', 'code'], selected ?? ''], 0.12, 0.02],
        },
      },
    ],
    [
      'area-lines',
      {
        ...line,
        id: 'wall-grids-line',
        filter: isLevel('grid'),
        minzoom: 12,
        paint: { 'line-color': WALL_COLORS.grid, 'line-width': ramp(k, 12, 0.5, 16, 1.2), 'line-dasharray': [2, 1.5] },
      },
    ],
    [
      'area-lines',
      {
        ...line,
        id: 'wall-communities-line',
        filter: isLevel('community'),
        minzoom: 10,
        paint: { 'line-color': WALL_COLORS.community, 'line-width': ramp(k, 10, 0.6, 14, 1.4), 'line-opacity': 0.8 },
      },
    ],
    [
      'area-lines',
      {
        ...line,
        id: 'wall-streets-line',
        filter: isLevel('street'),
        paint: { 'line-color': WALL_COLORS.street, 'line-width': ramp(k, 9, 1.2, 13, 2.4, 16, 3.5) },
      },
    ],
    [
      'area-selection',
      {
        ...line,
        id: 'wall-selected-line',
        filter: ['==', ['get', 'code'], selected ?? ''],
        paint: { 'line-color': WALL_COLORS.selected, 'line-width': ramp(k, 9, 2.5, 13, 4, 16, 6) },
      },
    ],
    [
      'area-labels',
      {
        ...labels,
        id: 'wall-street-label',
        filter: isLevel('street'),
        maxzoom: 13,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT_BOLD, 'text-size': ramp(k, 9, 13, 12, 17) },
        paint: { 'text-color': WALL_COLORS.label, 'text-halo-color': WALL_COLORS.halo, 'text-halo-width': 1.5 * k },
      },
    ],
    [
      'area-labels',
      {
        ...labels,
        id: 'wall-grid-label',
        filter: isLevel('grid'),
        minzoom: 14,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT_REGULAR, 'text-size': ramp(k, 14, 11, 16, 13) },
        paint: { 'text-color': '#7f9bb8', 'text-halo-color': WALL_COLORS.halo, 'text-halo-width': 1.2 * k },
      },
    ],
    [
      'area-labels',
      {
        ...labels,
        id: 'wall-community-label',
        filter: isLevel('community'),
        minzoom: 12,
        layout: { 'text-field': ['get', 'name'], 'text-font': FONT_REGULAR, 'text-size': ramp(k, 12, 12, 15, 15) },
        paint: { 'text-color': '#9fb6cf', 'text-halo-color': WALL_COLORS.halo, 'text-halo-width': 1.2 * k },
      },
    ],
  ];
}

/** Problems as discs: open amber, overdue red (and pulsing, as HTML markers), closed green. */
export function wallProblemLayers(k: number): [Slot, LayerSpecification][] {
  return [
    [
      'area-labels',
      {
        id: 'wall-problems',
        type: 'circle',
        source: WALL_PROBLEMS_SOURCE,
        paint: {
          'circle-color': [
            'case',
            ['get', 'overdue'],
            WALL_COLORS.overdue,
            ['==', ['get', 'state'], 'closed'],
            WALL_COLORS.closed,
            WALL_COLORS.open,
          ],
          'circle-radius': ramp(k, 9, 2.5, 13, 4.5, 16, 7),
          'circle-opacity': ['case', ['==', ['get', 'state'], 'closed'], 0.55, 0.9],
          'circle-stroke-color': WALL_COLORS.background,
          'circle-stroke-width': 0.8 * k,
        },
      },
    ],
  ];
}
