import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import { COLORS, FONT_REGULAR } from './style';

export const BASEMAP_SOURCE = 'basemap';
const SL = 'basemap';

const isKind = (kind: string): ExpressionSpecification => ['==', ['get', 'kind'], kind];

function ramp(k: number, ...stops: number[]): ExpressionSpecification {
  const out: number[] = [];
  for (let i = 0; i + 1 < stops.length; i += 2) out.push(stops[i] as number, (stops[i + 1] as number) * k);
  return ['interpolate', ['exponential', 1.5], ['zoom'], ...out] as ExpressionSpecification;
}

/** A quiet basemap from our own tiles: water, roads, road names at street zooms. */
export function basemapLayers(k: number): LayerSpecification[] {
  const base = { source: BASEMAP_SOURCE, 'source-layer': SL } as const;
  const road = { ...base, type: 'line', layout: { 'line-join': 'round', 'line-cap': 'round' } } as const;
  // Roads are drawn over the area fills (see AreaLayers): faint at city zoom, clear at street zoom.
  const fade: ExpressionSpecification = ['interpolate', ['linear'], ['zoom'], 12, 0.35, 14, 0.6, 16, 0.9];
  return [
    {
      ...base,
      id: 'basemap-water',
      type: 'fill',
      filter: isKind('water'),
      paint: { 'fill-color': COLORS.water, 'fill-outline-color': COLORS.waterLine },
    },
    {
      ...road,
      id: 'basemap-road-minor-casing',
      filter: isKind('road_minor'),
      minzoom: 12,
      paint: {
        'line-opacity': fade,
        'line-color': COLORS.roadMinorCasing,
        'line-width': ramp(k, 12, 1, 15, 4, 18, 14),
      },
    },
    {
      ...road,
      id: 'basemap-road-major-casing',
      filter: isKind('road_major'),
      paint: {
        'line-opacity': fade,
        'line-color': COLORS.roadMajorCasing,
        'line-width': ramp(k, 9, 1.5, 13, 4, 15, 8, 18, 22),
      },
    },
    {
      ...road,
      id: 'basemap-road-minor',
      filter: isKind('road_minor'),
      minzoom: 12,
      paint: { 'line-opacity': fade, 'line-color': COLORS.roadMinor, 'line-width': ramp(k, 12, 0.5, 15, 2.6, 18, 11) },
    },
    {
      ...road,
      id: 'basemap-road-major',
      filter: isKind('road_major'),
      paint: {
        'line-opacity': fade,
        'line-color': COLORS.roadMajor,
        'line-width': ramp(k, 9, 0.8, 13, 2.6, 15, 6, 18, 18),
      },
    },
  ];
}

/** Road names sit above the area fills (they are drawn after them) but below area labels. */
export function basemapLabelLayers(k: number): LayerSpecification[] {
  const text = (minzoom: number, kind: string, size: ExpressionSpecification): LayerSpecification => ({
    id: `basemap-${kind.replace('_', '-')}-label`,
    type: 'symbol',
    source: BASEMAP_SOURCE,
    'source-layer': SL,
    filter: ['all', isKind(kind), ['has', 'name']],
    minzoom,
    layout: {
      'symbol-placement': 'line',
      'text-field': ['get', 'name'],
      'text-font': FONT_REGULAR,
      'text-size': size,
      'text-padding': 2,
      'symbol-spacing': 300 * k,
      'text-max-angle': 35,
    },
    paint: { 'text-color': COLORS.roadText, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.5 * k },
  });
  return [
    text(15, 'road_minor', ramp(k, 15, 10.5, 18, 13)),
    text(13.5, 'road_major', ramp(k, 13.5, 11, 18, 14)),
    {
      id: 'basemap-water-label',
      type: 'symbol',
      source: BASEMAP_SOURCE,
      'source-layer': SL,
      filter: ['all', isKind('water'), ['has', 'name']],
      minzoom: 14,
      layout: { 'text-field': ['get', 'name'], 'text-font': FONT_REGULAR, 'text-size': 12 * k, 'text-max-width': 6 },
      paint: { 'text-color': '#4a7fb0', 'text-halo-color': COLORS.halo, 'text-halo-width': 1.2 * k },
    },
  ];
}
