import type { StyleSpecification } from 'maplibre-gl';

/**
 * Text is drawn from local fonts (no glyph server, no internet). The first name of a stack is
 * only there to tell MapLibre the weight it sniffs from the name; the rest are real families,
 * Linux (WenQuanYi, Noto) → macOS → Windows.
 */
const CJK_FAMILIES = [
  'WenQuanYi Micro Hei',
  'Noto Sans CJK SC',
  'Source Han Sans SC',
  'PingFang SC',
  'Microsoft YaHei',
];
export const FONT_REGULAR = [...CJK_FAMILIES];
export const FONT_BOLD = ['Noto Sans CJK SC Bold', ...CJK_FAMILIES];
export const LOCAL_IDEOGRAPH_FONT_FAMILY =
  "'WenQuanYi Micro Hei','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif";

export const COLORS = {
  background: '#f2f0eb',
  water: '#c6dcef',
  waterLine: '#a9c8e4',
  roadMajor: '#ffffff',
  roadMajorCasing: '#d3cdc0',
  roadMinor: '#ffffff',
  roadMinorCasing: '#e0dbd1',
  roadText: '#6d6a64',
  county: '#a23b4b',
  street: '#1f4e79',
  community: '#4f6b88',
  grid: '#ffffff',
  selected: '#e8590c',
  scope: '#0f7b6c',
  hover: '#1f4e79',
  labelStreet: '#163a5c',
  labelCommunity: '#2f4a66',
  labelGrid: '#323b46',
  halo: 'rgba(255,255,255,0.92)',
} as const;

/**
 * Soft fills for neighbouring areas. Ids within a parent are consecutive, so `id % 8` gives
 * adjacent grids different colours without a colouring pass on the server.
 */
export const AREA_PALETTE = ['#f5c9a9', '#f1dd9c', '#c7e2ae', '#a6d7d0', '#b7cbee', '#d3c3ea', '#f0bfd0', '#dbe4a4'];

/**
 * Layer groups, bottom to top. Each ends in an invisible anchor layer that a layer component
 * inserts before, so the stacking order does not depend on which component mounts first.
 * Contracting zones fill under the area fills (whose hover/selection tint stays on top) and
 * outline over the area lines (a unit's zone and the gaps must not hide under grid edges), and
 * the selection outline goes over everything else.
 */
export const SLOTS = [
  'basemap',
  'zone-fills',
  'area-fills',
  'roads',
  'area-lines',
  'zone-lines',
  'area-selection',
  'road-labels',
  'area-labels',
] as const;
export type Slot = (typeof SLOTS)[number];
export const slotAnchor = (slot: Slot): string => `slot-${slot}-end`;

/** The starting style: a background and the slot anchors. Sources and layers come from layer components. */
export function baseStyle(): StyleSpecification {
  return {
    version: 8,
    name: 'wangge-light',
    sources: {},
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': COLORS.background } },
      ...SLOTS.map((slot) => ({
        id: slotAnchor(slot),
        type: 'background' as const,
        layout: { visibility: 'none' as const },
      })),
    ],
  };
}

/** The demo county seat (常山县), shown until the county's own bbox arrives. */
export const INITIAL_VIEW = { center: [118.515, 28.905] as [number, number], zoom: 12.5 };
