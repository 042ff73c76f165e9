import type { AreaDetail, AreaSearchHit, AreaSummary, AreaTree, Health } from '../../../api/schemas/areas';
import { getJson } from './client';

/** Typed calls to the area endpoints; shapes come from api/schemas, never restated here. */
export const areasApi = {
  health: (signal?: AbortSignal) => getJson<Health>('/api/health', signal),
  tree: (signal?: AbortSignal) => getJson<AreaTree>('/api/areas/tree', signal),
  get: (id: number, signal?: AbortSignal) => getJson<AreaDetail>(`/api/areas/${id}`, signal),
  byCode: (code: string, signal?: AbortSignal) =>
    getJson<AreaDetail>(`/api/areas/by-code/${encodeURIComponent(code)}`, signal),
  children: (id: number, signal?: AbortSignal) => getJson<AreaSummary[]>(`/api/areas/${id}/children`, signal),
  search: (q: string, limit = 20, signal?: AbortSignal) =>
    getJson<AreaSearchHit[]>(`/api/areas/search?${new URLSearchParams({ q, limit: String(limit) })}`, signal),
  at: (lon: number, lat: number, signal?: AbortSignal) =>
    getJson<AreaSummary[]>(`/api/areas/at?${new URLSearchParams({ lon: String(lon), lat: String(lat) })}`, signal),
};

/**
 * Absolute tile URL templates: MapLibre resolves vector tile URLs in a worker, which needs absolute ones.
 * Area tiles depend on who asks (scope), and the browser caches them by URL for a minute: `viewer`
 * (the user id) keeps one user's cached tiles from being drawn for the next user of the same browser.
 */
export function tileUrl(layer: 'areas' | 'basemap', viewer?: number): string {
  const query = viewer === undefined ? '' : `?viewer=${viewer}`;
  return `${location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt${query}`;
}
