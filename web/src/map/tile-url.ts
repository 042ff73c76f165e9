/**
 * Absolute tile URL templates: MapLibre resolves vector tile URLs in a worker, which needs absolute ones.
 * Area tiles depend on who asks (scope), and the browser caches them by URL for a minute: `viewer`
 * (the user id) keeps one user's cached tiles from being drawn for the next user of the same browser.
 */
export function tileUrl(layer: 'areas' | 'basemap', viewer?: number): string {
  const query = viewer === undefined ? '' : `?viewer=${viewer}`;
  return `${location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt${query}`;
}
