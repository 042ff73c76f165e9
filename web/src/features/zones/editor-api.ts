import type { ZoneBalance, ZoneDraft, ZoneDraftSummary } from '@schemas/zones';
import type { Person } from '@schemas/contracting';
import { ApiError, getJson, request, writeHeaders } from '../../api/client';

/** One edit of a selection (api/schemas/zones.ts ZoneDraftEdit, without the version). */
export interface SelectionEdit {
  areaIds: number[];
  lead?: number | null;
  supportAdd?: number[];
  supportRemove?: number[];
  /** the grid leader (网格长) of the selected grids; null clears it */
  leader?: number | null;
  reset?: boolean;
}
export interface AutoBalanceProgress {
  phase: 'grow' | 'swap';
  done: number;
  total: number;
  index: number | null;
}

/** Typed calls to the zone editor's drafts (issue 13); shapes come from api/schemas. */
export const draftsApi = {
  /** the people who may lead a grid (网格长/网格员), for the leader picker */
  people: (signal?: AbortSignal) => getJson<Person[]>('/api/people?limit=1000', signal),
  list: (signal?: AbortSignal) => getJson<ZoneDraftSummary[]>('/api/zone-drafts', signal),
  get: (id: number, signal?: AbortSignal) => getJson<ZoneDraft>(`/api/zone-drafts/${id}`, signal),
  create: (name: string) => request<ZoneDraft>('/api/zone-drafts', { method: 'POST', body: { name } }),
  update: (id: number, body: { version: number; locks?: ZoneDraft['locks']; name?: string; notes?: string }) =>
    request<ZoneDraft>(`/api/zone-drafts/${id}`, { method: 'PUT', body }),
  edit: (id: number, version: number, e: SelectionEdit) =>
    request<ZoneDraft>(`/api/zone-drafts/${id}/edits`, { method: 'POST', body: { version, ...e } }),
  remove: (id: number, version: number) =>
    request<null>(`/api/zone-drafts/${id}?version=${version}`, { method: 'DELETE' }),
  balance: (id: number, signal?: AbortSignal) => getJson<ZoneBalance>(`/api/zone-drafts/${id}/balance`, signal),
  apply: (id: number, version: number, effectiveAt: string) =>
    request<ZoneDraft>(`/api/zone-drafts/${id}/apply`, { method: 'POST', body: { version, effectiveAt } }),
  revert: (id: number) => request<ZoneDraft>(`/api/zone-drafts/${id}/revert`, { method: 'POST' }),
  exportUrl: (id: number) => `/api/zone-drafts/${id}/export.xlsx`,
};

/**
 * Auto-balance answers a stream of JSON lines (progress, then the new draft): read as it comes,
 * so the progress shows without polling.
 */
export async function autoBalance(
  id: number,
  body: { seed?: number },
  onProgress: (p: AutoBalanceProgress) => void,
): Promise<ZoneDraft> {
  const res = await fetch(`/api/zone-drafts/${id}/auto-balance`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...writeHeaders() },
    body: JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (!res.ok || !res.body) {
    const b = (await res.json().catch(() => null)) as { error?: string; message?: string } | null;
    throw new ApiError(res.status, b?.error ?? 'http', b?.message ?? `HTTP ${res.status}`);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buf += value;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = JSON.parse(buf.slice(0, nl)) as
        | ({ type: 'progress' } & AutoBalanceProgress)
        | { type: 'done'; draft: ZoneDraft }
        | { type: 'error'; status: number; error: string; message: string };
      buf = buf.slice(nl + 1);
      if (line.type === 'progress') onProgress(line);
      else if (line.type === 'done') return line.draft;
      else throw new ApiError(line.status, line.error, line.message);
    }
    if (done) throw new ApiError(0, 'network', 'auto-balance stream ended early');
  }
}
