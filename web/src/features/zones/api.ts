import type { Static } from 'typebox';
import type {
  Assignment,
  ExportTable as ExportTableSchema,
  Responsibility,
  ResponsibilityCoverage,
  Unit,
  UnitGrids,
} from '@schemas/contracting';
import { getJson } from '../../api/client';

/** `?at=…` when an instant is asked for; none means "now" on the server. */
function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Typed calls to the contracting endpoints (issue 3); shapes come from api/schemas, never restated here. */
export const contractingApi = {
  units: (at: string | null, signal?: AbortSignal) => getJson<Unit[]>(`/api/units${query({ at })}`, signal),
  unitGrids: (id: number, at: string | null, signal?: AbortSignal) =>
    getJson<UnitGrids>(`/api/units/${id}/grids${query({ at })}`, signal),
  history: (gridId: number, signal?: AbortSignal) => getJson<Assignment[]>(`/api/grids/${gridId}/assignments`, signal),
  responsibility: (lon: number, lat: number, at: string | null, signal?: AbortSignal) =>
    getJson<Responsibility>(`/api/responsibility${query({ lon, lat, at })}`, signal),
  coverage: (at: string | null, signal?: AbortSignal) =>
    getJson<ResponsibilityCoverage>(`/api/coverage/responsibility${query({ at })}`, signal),
};

export type ExportTable = Static<typeof ExportTableSchema>;

/** Download links (plain GETs with the session cookie: the browser saves what the server names). */
export const exportUrl = {
  xlsx: () => '/api/contracting/export.xlsx',
  csv: (table: ExportTable) => `/api/contracting/export.csv${query({ table })}`,
};

/**
 * Zone tiles for an instant. MapLibre caches tiles by URL, so the instant is part of it: a new
 * `at` is a new URL (setTiles), never a stale tile of another date. `viewer` as for area tiles;
 * `rev` counts the applied plans seen live (zones store), so a plan applied meanwhile is a new URL too.
 */
export function zoneTileUrl(viewer: number, at: string | null, rev = 0): string {
  return `${location.origin}/tiles/zones/{z}/{x}/{y}.mvt${query({ viewer, at, rev: rev || null })}`;
}
