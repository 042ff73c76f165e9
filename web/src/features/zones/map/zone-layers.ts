import type { ExpressionSpecification, FilterSpecification, LayerSpecification } from 'maplibre-gl';
import type { SlottedLayer } from '../../../map/use-map-layers';
import { HATCH_IMAGE } from './hatch-pattern';
import { NO_LEADER_LINE, UNASSIGNED_LINE, UNIT_OUTLINE, unitColor, unitColorExpression } from './unit-colors';

export const ZONES_SOURCE = 'zones';
/** the layer of /tiles/zones (sql/functions/zone_tile_features.sql) */
const ZONES = 'zones';

/** Grids coloured by their lead unit; the layer the legend and the tests query. */
export const ZONES_FILL_LAYER = 'zones-fill';
export const ZONES_HATCH_LAYER = 'zones-unassigned-hatch';
/** The filtered unit's areas, over the faded rest (empty while no unit is picked). */
export const ZONES_UNIT_FILL_LAYER = 'zones-unit-fill';
export const ZONES_UNIT_LINE_LAYER = 'zones-unit-line';

export interface ZoneLayerState {
  /** every unit id known, for the colour table */
  unitIds: number[];
  /** the unit the map is filtered to, or null */
  unitId: number | null;
  /** areas the filtered unit supports (协助) at the day: outlined, not filled */
  supportIds: number[];
}

const lead = ['to-number', ['get', 'lead_unit_id'], -1] as ExpressionSpecification;
const unassigned: FilterSpecification = ['!', ['has', 'lead_unit_id']];

function ramp(k: number, ...stops: number[]): ExpressionSpecification {
  const out: number[] = [];
  for (let i = 0; i + 1 < stops.length; i += 2) out.push(stops[i] as number, (stops[i + 1] as number) * k);
  return ['interpolate', ['linear'], ['zoom'], ...out] as ExpressionSpecification;
}

/** Filtered to a unit, every other area fades to context; the unit's own are drawn over them. */
function fillOpacity(s: ZoneLayerState): ExpressionSpecification | number {
  return s.unitId === null ? ['interpolate', ['linear'], ['zoom'], 10, 0.6, 13, 0.72, 16, 0.62] : 0.1;
}

/** The areas of the filtered unit: those it leads (strong) and those it supports (half). */
function unitFilter(s: ZoneLayerState): FilterSpecification {
  if (s.unitId === null) return ['==', ['literal', 1], 0];
  return ['any', ['==', lead, s.unitId], ['in', ['id'], ['literal', s.supportIds]]];
}

function fills(s: ZoneLayerState): SlottedLayer[] {
  const base = { source: ZONES_SOURCE, 'source-layer': ZONES, type: 'fill' } as const;
  return [
    [
      'zone-fills',
      {
        ...base,
        id: ZONES_FILL_LAYER,
        paint: { 'fill-color': unitColorExpression(s.unitIds), 'fill-opacity': fillOpacity(s) },
      },
    ],
    [
      'zone-fills',
      {
        ...base,
        id: ZONES_HATCH_LAYER,
        filter: unassigned,
        paint: { 'fill-pattern': HATCH_IMAGE, 'fill-opacity': s.unitId === null ? 1 : 0.35 },
      },
    ],
    [
      'zone-fills',
      {
        ...base,
        id: ZONES_UNIT_FILL_LAYER,
        filter: unitFilter(s),
        paint: {
          'fill-color': s.unitId === null ? '#000000' : unitColor(s.unitId),
          'fill-opacity': s.unitId === null ? 0 : ['case', ['==', lead, s.unitId], 0.88, 0.4],
        },
      },
    ],
  ];
}

function lines(k: number, s: ZoneLayerState): SlottedLayer[] {
  const base = { type: 'line', source: ZONES_SOURCE, 'source-layer': ZONES, layout: { 'line-join': 'round' } } as const;
  const dim = s.unitId === null ? 1 : 0.35;
  const mine: FilterSpecification = s.unitId === null ? ['==', ['literal', 1], 0] : ['==', lead, s.unitId];
  const supported: FilterSpecification = ['in', ['id'], ['literal', s.supportIds]];
  const layers: LayerSpecification[] = [
    {
      ...base,
      id: 'zones-unassigned-line',
      filter: unassigned,
      paint: { 'line-color': UNASSIGNED_LINE, 'line-width': ramp(k, 10, 1, 14, 2, 17, 3), 'line-opacity': dim },
    },
    // A grid without a leader: a dashed violet ring, unlike the red hatching of "no unit".
    {
      ...base,
      id: 'zones-no-leader-line',
      filter: ['==', ['get', 'has_leader'], false],
      paint: {
        'line-color': NO_LEADER_LINE,
        'line-width': ramp(k, 12, 1.5, 14, 2.5, 17, 4),
        'line-dasharray': [1.5, 1],
        'line-opacity': dim,
      },
    },
    // dashed: an area the unit supports must not read as one it leads
    {
      ...base,
      id: 'zones-support-line',
      filter: supported,
      paint: { 'line-color': UNIT_OUTLINE, 'line-width': ramp(k, 10, 1, 14, 2, 17, 3), 'line-dasharray': [2, 1.5] },
    },
    {
      ...base,
      id: 'zones-unit-casing',
      filter: mine,
      paint: { 'line-color': '#ffffff', 'line-width': ramp(k, 10, 3, 14, 5, 17, 7), 'line-opacity': 0.9 },
    },
    {
      ...base,
      id: ZONES_UNIT_LINE_LAYER,
      filter: mine,
      paint: { 'line-color': UNIT_OUTLINE, 'line-width': ramp(k, 10, 1.2, 14, 2.4, 17, 3.5) },
    },
  ];
  return layers.map((l): SlottedLayer => ['zone-lines', l]);
}

/** The contracting-zone layers, bottom to top, for the UI scale `k` and the current filter. */
export function zoneLayers(k: number, s: ZoneLayerState): SlottedLayer[] {
  return [...fills(s), ...lines(k, s)];
}
