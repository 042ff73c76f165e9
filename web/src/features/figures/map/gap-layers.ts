import type { ExpressionSpecification, FilterSpecification, LayerSpecification } from 'maplibre-gl';
import type { CoverageGaps, HotspotsResult } from '@schemas/figures';
import type { SlottedLayer } from '../../../map/use-map-layers';
import { FONT_BOLD } from '../../../map/style';
import { NO_LEADER_LINE, UNASSIGNED_LINE } from '../../zones/map/unit-colors';

/**
 * Coverage gaps and hotspots over the figure map (GET /api/coverage/gaps, /api/hotspots): the
 * geometries come as GeoJSON; the grids without lead unit, leader or patrol are flagged by
 * feature-state on the area tiles already drawn (a 10,000-id `in` filter would be tested against
 * every feature of every tile).
 */
export const GAPS_SOURCE = 'figures-gaps';
export const HOTSPOTS_SOURCE = 'figures-hotspots';
export const GAPS_HATCH_IMAGE = 'figures-gaps-hatch';

export const GAP_LAYERS = ['uncovered', 'overlaps', 'noLead', 'noLeader', 'idle', 'outside', 'hotspots'] as const;
export type GapLayer = (typeof GAP_LAYERS)[number];

/** Feature-state keys on the areas source, one per grid gap. */
export const GRID_GAP_STATE = { noLead: 'gLead', noLeader: 'gLeader', idle: 'gIdle' } as const satisfies Partial<
  Record<GapLayer, string>
>;

export const GAP_COLORS: Record<GapLayer, string> = {
  uncovered: UNASSIGNED_LINE,
  overlaps: '#7c3aed',
  noLead: UNASSIGNED_LINE,
  noLeader: NO_LEADER_LINE,
  idle: '#b7791f',
  outside: '#111827',
  hotspots: '#e11d48',
};

export const GAPS_OUTSIDE_LAYER = 'gaps-outside';
export const HOTSPOTS_FILL_LAYER = 'hotspots-fill';
export const HOTSPOTS_CIRCLE_LAYER = 'hotspots-circle';

type Feature = GeoJSON.Feature<GeoJSON.Geometry, Record<string, unknown>>;
export type FC = GeoJSON.FeatureCollection<GeoJSON.Geometry, Record<string, unknown>>;
export const EMPTY_FC: FC = { type: 'FeatureCollection', features: [] };

/** Uncovered pieces, overlaps and problems outside every grid as one collection, `kind` apart. */
export function gapFeatures(g: CoverageGaps | null): FC {
  if (!g) return EMPTY_FC;
  const features: Feature[] = [
    ...g.uncovered.pieces.map((p, i): Feature => ({
      type: 'Feature',
      id: i + 1,
      geometry: p.geometry as unknown as GeoJSON.Geometry,
      properties: { kind: 'uncovered', name: p.areaName, code: p.areaCode, areaM2: p.areaM2 },
    })),
    ...g.overlaps.map((o, i): Feature => ({
      type: 'Feature',
      id: 100_000 + i,
      geometry: o.geometry as unknown as GeoJSON.Geometry,
      properties: { kind: 'overlap', a: o.a.name, b: o.b.name, areaM2: o.areaM2 },
    })),
    ...g.problemsOutsideGrids.problems.map((p): Feature => ({
      type: 'Feature',
      id: p.id,
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: { kind: 'outside', problemId: p.id, state: p.state, category: p.categoryName },
    })),
  ];
  return { type: 'FeatureCollection', features };
}

/** Each hotspot twice: its hull (drawn) and its centroid (the count label); id = index + 1. */
export function hotspotFeatures(h: HotspotsResult | null): FC {
  if (!h) return EMPTY_FC;
  const features = h.hotspots.flatMap((s, i): Feature[] => [
    {
      type: 'Feature',
      id: i + 1,
      geometry: s.hull as unknown as GeoJSON.Geometry,
      properties: { part: 'hull', index: i, count: s.count, open: s.open },
    },
    {
      type: 'Feature',
      id: i + 1,
      geometry: { type: 'Point', coordinates: s.centroid },
      properties: { part: 'label', index: i, count: s.count, open: s.open },
    },
  ]);
  return { type: 'FeatureCollection', features };
}

function ramp(k: number, ...stops: number[]): ExpressionSpecification {
  const out: number[] = [];
  for (let i = 0; i + 1 < stops.length; i += 2) out.push(stops[i] as number, (stops[i + 1] as number) * k);
  return ['interpolate', ['linear'], ['zoom'], ...out] as ExpressionSpecification;
}

const kindIs = (kind: string): FilterSpecification => ['==', ['get', 'kind'], kind];
const flagged = (key: string): ExpressionSpecification => ['case', ['boolean', ['feature-state', key], false], 1, 0];

/**
 * The gap and hotspot layers, bottom to top; `on` says which are shown. Grid gaps are outlines
 * (they sit over the choropleth's colours): no lead unit red, no leader dashed violet, not
 * patrolled dotted amber, as in the contracting view's key.
 */
export function gapLayers(
  k: number,
  on: Record<GapLayer, boolean>,
  areas: { source: string; sourceLayer: string },
): SlottedLayer[] {
  const vis = (l: GapLayer) => ({ visibility: on[l] ? 'visible' : 'none' }) as const;
  const grid: FilterSpecification = ['==', ['get', 'level'], 'grid'];
  // each over a white casing: a red outline must read on the choropleth's dark reds too
  const gridLine = (
    id: string,
    layer: 'noLead' | 'noLeader' | 'idle',
    extra: Record<string, unknown>,
  ): LayerSpecification[] => {
    const base = { type: 'line', source: areas.source, 'source-layer': areas.sourceLayer, filter: grid } as const;
    return [
      {
        ...base,
        id: `${id}-casing`,
        layout: { ...vis(layer), 'line-join': 'round' },
        paint: {
          'line-color': '#ffffff',
          'line-opacity': ['*', 0.9, flagged(GRID_GAP_STATE[layer])],
          'line-width': ramp(k, 12, 3, 14, 4.5, 17, 7),
        },
      },
      {
        ...base,
        id,
        layout: { ...vis(layer), 'line-join': 'round', 'line-cap': layer === 'idle' ? 'round' : 'butt' },
        paint: { 'line-color': GAP_COLORS[layer], 'line-opacity': flagged(GRID_GAP_STATE[layer]), ...extra },
      },
    ] as LayerSpecification[];
  };
  const fills: LayerSpecification[] = [
    {
      id: 'gaps-overlap-fill',
      type: 'fill',
      source: GAPS_SOURCE,
      filter: kindIs('overlap'),
      layout: vis('overlaps'),
      paint: { 'fill-color': GAP_COLORS.overlaps, 'fill-opacity': 0.55 },
    },
    {
      id: 'gaps-uncovered-hatch',
      type: 'fill',
      source: GAPS_SOURCE,
      filter: kindIs('uncovered'),
      layout: vis('uncovered'),
      paint: { 'fill-pattern': GAPS_HATCH_IMAGE },
    },
    {
      id: HOTSPOTS_FILL_LAYER,
      type: 'fill',
      source: HOTSPOTS_SOURCE,
      filter: ['==', ['get', 'part'], 'hull'],
      layout: vis('hotspots'),
      paint: { 'fill-color': GAP_COLORS.hotspots, 'fill-opacity': 0.3 },
    },
  ];
  const lines: LayerSpecification[] = [
    {
      id: 'gaps-overlap-line',
      type: 'line',
      source: GAPS_SOURCE,
      filter: kindIs('overlap'),
      layout: vis('overlaps'),
      paint: { 'line-color': GAP_COLORS.overlaps, 'line-width': ramp(k, 10, 1, 16, 2.5) },
    },
    {
      id: 'gaps-uncovered-line',
      type: 'line',
      source: GAPS_SOURCE,
      filter: kindIs('uncovered'),
      layout: vis('uncovered'),
      paint: { 'line-color': GAP_COLORS.uncovered, 'line-width': ramp(k, 10, 1, 16, 2.5) },
    },
    ...gridLine('gaps-idle-line', 'idle', { 'line-width': ramp(k, 12, 1.5, 16, 3), 'line-dasharray': [0.1, 2] }),
    ...gridLine('gaps-no-leader-line', 'noLeader', {
      'line-width': ramp(k, 12, 1.5, 14, 2.5, 17, 4),
      'line-dasharray': [1.5, 1],
    }),
    ...gridLine('gaps-no-lead-line', 'noLead', { 'line-width': ramp(k, 12, 1.5, 14, 2.5, 17, 4) }),
    {
      id: 'hotspots-line',
      type: 'line',
      source: HOTSPOTS_SOURCE,
      filter: ['==', ['get', 'part'], 'hull'],
      layout: vis('hotspots'),
      paint: { 'line-color': GAP_COLORS.hotspots, 'line-width': ramp(k, 10, 1.2, 16, 2.5) },
    },
    // a hull is metres wide: zoomed out, a disc sized by the count marks the place
    {
      id: HOTSPOTS_CIRCLE_LAYER,
      type: 'circle',
      source: HOTSPOTS_SOURCE,
      filter: ['==', ['get', 'part'], 'label'],
      layout: vis('hotspots'),
      paint: {
        'circle-color': GAP_COLORS.hotspots,
        'circle-opacity': ['interpolate', ['linear'], ['zoom'], 14, 0.55, 17, 0.15],
        'circle-radius': ['*', k, ['+', 7, ['*', 2, ['sqrt', ['get', 'count']]]]],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5 * k,
      },
    },
    {
      id: GAPS_OUTSIDE_LAYER,
      type: 'circle',
      source: GAPS_SOURCE,
      filter: kindIs('outside'),
      layout: vis('outside'),
      paint: {
        'circle-color': GAP_COLORS.outside,
        'circle-radius': ramp(k, 10, 3.5, 16, 6),
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5 * k,
      },
    },
  ];
  const labels: LayerSpecification[] = [
    {
      id: 'hotspots-count',
      type: 'symbol',
      source: HOTSPOTS_SOURCE,
      filter: ['==', ['get', 'part'], 'label'],
      layout: {
        ...vis('hotspots'),
        'text-field': ['to-string', ['get', 'count']],
        'text-font': FONT_BOLD,
        'text-size': 13 * k,
        'text-allow-overlap': true,
      },
      paint: { 'text-color': '#ffffff', 'text-halo-color': '#8a1033', 'text-halo-width': 1.2 * k },
    },
  ];
  return [
    ...fills.map((l): SlottedLayer => ['zone-fills', l]),
    ...lines.map((l): SlottedLayer => ['zone-lines', l]),
    ...labels.map((l): SlottedLayer => ['area-labels', l]),
  ];
}

/** [west, south, east, north] of a GeoJSON geometry's coordinates (any nesting), for flying to it. */
export function geometryBBox(g: { coordinates: unknown }): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      box[0] = Math.min(box[0], c[0]);
      box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]);
      box[3] = Math.max(box[3], c[1]);
      return;
    }
    for (const x of c) visit(x);
  };
  visit(g.coordinates);
  return box;
}
