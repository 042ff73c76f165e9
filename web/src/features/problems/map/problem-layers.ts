/**
 * How problems look on the map: pins coloured by state (overdue ones red, ringed and haloed, so
 * that nobody misses them; urgent ones marked "!"), and below z13 clusters sized by their count
 * with the overdue share as a red core. Pure functions of a tile feature's properties and the UI
 * scale; ProblemLayers.vue feeds them to deck.gl. The legend and the state badges use the same
 * colours.
 */

export type Rgba = [number, number, number, number];

/** State colours (CSS hex): grey-blue waits, blue is filed, amber runs, teal is done, green closed. */
export const STATE_COLORS: Record<string, string> = {
  reported: '#6b84a3',
  verified: '#2563eb',
  assigned: '#e09100',
  suspended: '#8d949c',
  fixed: '#0f9a94',
  closed: '#1f9d4c',
  invalid: '#b8bec5',
  duplicate: '#b8bec5',
};
export const OVERDUE_COLOR = '#dc2626';
export const OVERDUE_RING = '#7f1d1d';
export const CLUSTER_COLOR = '#1f4e79';
const UNKNOWN_COLOR = '#8d949c';

/** Pins appear from this zoom; below it the tiles carry clusters. */
export const PIN_MIN_ZOOM = 13;

export function hexToRgba(hex: string, alpha = 255): Rgba {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16), alpha];
}

/** A feature's properties as the tiles carry them (MVT booleans may arrive as 0/1 or strings). */
export type TileProps = Record<string, unknown>;

export function flag(v: unknown): boolean {
  return v === true || v === 1 || v === 'true' || v === 't';
}
function num(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 0;
}

/** Clusters carry `count`; pins carry `id` and `state`. */
export function isCluster(p: TileProps): boolean {
  return p.count !== undefined && p.count !== null && p.state === undefined;
}

/** What the map shows: all problems, or only the overdue ones (the tiles have no overdue filter). */
export interface Look {
  /** UI scale (1 on a laptop, ≈1.6 on a 3840 px wall) */
  k: number;
  overdueOnly: boolean;
}

/** The count a cluster stands for under the current look. */
export function clusterCount(p: TileProps, look: Look): number {
  return look.overdueOnly ? num(p.overdue) : num(p.count);
}

/** Hidden under the current look: a pin that is not overdue, or a cluster with nothing to count. */
export function hidden(p: TileProps, look: Look): boolean {
  if (isCluster(p)) return clusterCount(p, look) <= 0;
  return look.overdueOnly && !flag(p.overdue);
}

// ---- pins (z ≥ 13) ----

export function pinFill(p: TileProps): Rgba {
  if (flag(p.overdue)) return hexToRgba(OVERDUE_COLOR);
  return hexToRgba(STATE_COLORS[String(p.state)] ?? UNKNOWN_COLOR);
}

/** Overdue: a thick dark-red ring; others a thin white one so pins stand off any background. */
export function pinLine(p: TileProps): Rgba {
  return flag(p.overdue) ? hexToRgba(OVERDUE_RING) : [255, 255, 255, 255];
}

export function pinLineWidth(p: TileProps, look: Look): number {
  if (hidden(p, look)) return 0;
  return (flag(p.overdue) ? 3 : 1.5) * look.k;
}

/** Radius in px: urgent and overdue pins are bigger (urgent ones carry the "!"). */
export function pinRadius(p: TileProps, look: Look): number {
  if (hidden(p, look)) return 0;
  const big = flag(p.overdue) || flag(p.urgent);
  return (big ? 8 : 6) * look.k;
}

/** The soft red halo behind an overdue pin (0: none). */
export function haloRadius(p: TileProps, look: Look): number {
  if (isCluster(p) || hidden(p, look) || !flag(p.overdue)) return 0;
  return 16 * look.k;
}
export const HALO_COLOR: Rgba = hexToRgba(OVERDUE_COLOR, 70);

// ---- clusters (z < 13) ----

/** Radius in px, growing with the log of the count: 1 → 10, 100 → 22, 10 000 → 34, at most 40. */
export function clusterRadius(count: number, k: number): number {
  if (count <= 0) return 0;
  return Math.min(40, 10 + 6 * Math.log10(count)) * k;
}

/** The red core: its area is the overdue share of the disc's area. */
export function clusterCoreRadius(p: TileProps, look: Look): number {
  const count = clusterCount(p, look);
  if (count <= 0) return 0;
  const overdue = Math.min(num(p.overdue), count);
  return clusterRadius(count, look.k) * Math.sqrt(overdue / count);
}

/** Fill of the disc: the brand blue when some are open, paler when everything in it is settled. */
export function clusterFill(p: TileProps, look: Look): Rgba {
  if (look.overdueOnly) return hexToRgba(OVERDUE_COLOR, 120);
  return num(p.open) > 0 ? hexToRgba(CLUSTER_COLOR, 215) : hexToRgba(STATE_COLORS.closed!, 190);
}

/** The count on a cluster: 987, 1.2k / 1.2万 (the label font atlas holds only these characters). */
export function clusterLabel(count: number, locale: string): string {
  if (count < 1000) return String(Math.round(count));
  if (locale.startsWith('zh')) {
    if (count < 10000) return String(Math.round(count));
    return `${trim(count / 10000)}万`;
  }
  return `${trim(count / 1000)}k`;
}
function trim(x: number): string {
  return x >= 100 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, '');
}
export const LABEL_CHARACTERS = '0123456789.k万!';

/** Text on a feature: the count on a cluster, "!" on an urgent pin, nothing otherwise. */
export function featureText(p: TileProps, look: Look, locale: string): string {
  if (isCluster(p)) return hidden(p, look) ? '' : clusterLabel(clusterCount(p, look), locale);
  return flag(p.urgent) && !hidden(p, look) ? '!' : '';
}

export function textSize(p: TileProps, look: Look): number {
  return (isCluster(p) ? 12 : 11) * look.k;
}

/** Radius of the main disc of any feature. */
export function featureRadius(p: TileProps, look: Look): number {
  return isCluster(p) ? clusterRadius(clusterCount(p, look), look.k) : pinRadius(p, look);
}
export function featureFill(p: TileProps, look: Look): Rgba {
  return isCluster(p) ? clusterFill(p, look) : pinFill(p);
}
export function featureLine(p: TileProps): Rgba {
  return isCluster(p) ? [255, 255, 255, 235] : pinLine(p);
}
export function featureLineWidth(p: TileProps, look: Look): number {
  if (isCluster(p)) return hidden(p, look) ? 0 : 2 * look.k;
  return pinLineWidth(p, look);
}

/** The layer under the discs: a pin's overdue halo, or a cluster's red core (drawn over the disc). */
export function underRadius(p: TileProps, look: Look): number {
  return isCluster(p) ? 0 : haloRadius(p, look);
}
export function coreRadius(p: TileProps, look: Look): number {
  return isCluster(p) ? clusterCoreRadius(p, look) : 0;
}
