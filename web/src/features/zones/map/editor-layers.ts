import type { FilterSpecification, LayerSpecification } from 'maplibre-gl';
import type { SlottedLayer } from '../../../map/use-map-layers';

export const EDITOR_SOURCE = 'zones-editor';

export interface EditorLayerState {
  selected: number[];
  changed: number[];
  locked: number[];
}

const ids = (list: number[]): FilterSpecification => ['in', ['id'], ['literal', list]];

/** The editor's marks over the zones: the draft's changes, locked grids, the selection on top. */
export function editorLayers(k: number, s: EditorLayerState): SlottedLayer[] {
  const base = {
    type: 'line',
    source: EDITOR_SOURCE,
    'source-layer': 'zones',
    layout: { 'line-join': 'round' },
  } as const;
  const layers: LayerSpecification[] = [
    {
      ...base,
      id: 'zones-editor-changed',
      filter: ids(s.changed),
      paint: { 'line-color': '#e8590c', 'line-width': 3 * k, 'line-dasharray': [2, 1] },
    },
    {
      ...base,
      id: 'zones-editor-locked',
      filter: ids(s.locked),
      paint: { 'line-color': '#343a40', 'line-width': 2 * k, 'line-dasharray': [0.5, 1.5] },
    },
    {
      ...base,
      id: 'zones-editor-selected',
      filter: ids(s.selected),
      paint: { 'line-color': '#1c7ed6', 'line-width': 4 * k },
    },
  ];
  return layers.map((l): SlottedLayer => ['area-selection', l]);
}

/** Ray casting: is the point inside the ring (lon/lat pairs)? */
export function inRing([x, y]: [number, number], ring: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The mean of a ring's vertices (grids are compact enough for it to fall inside). */
export function ringCentre(ring: number[][]): [number, number] {
  const pts = ring.length > 1 ? ring.slice(0, -1) : ring;
  const sx = pts.reduce((s, p) => s + (p[0] as number), 0);
  const sy = pts.reduce((s, p) => s + (p[1] as number), 0);
  return [sx / pts.length, sy / pts.length];
}
