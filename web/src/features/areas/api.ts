import type { AreaDetail, AreaSearchHit, AreaSummary, AreaTree, Health } from '@schemas/areas';
import { getJson } from '../../api/client';

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
