import type { PatrolCoverage } from '@schemas/field';
import type { Patrol, PatrolCreate } from '@schemas/figures';
import type { AreaDetail } from '@schemas/areas';
import { getJson, request } from '../../api/client';

export type { Patrol, PatrolCoverage, PatrolCreate, AreaDetail };

/** Typed calls of the field workspace (issue 14); writes go through the outbox (outbox.ts). */
export const fieldApi = {
  coverage: (signal?: AbortSignal) => getJson<PatrolCoverage>('/api/field/coverage', signal),
  patrols: (from: string, signal?: AbortSignal) =>
    getJson<Patrol[]>(`/api/patrols?${new URLSearchParams({ from, limit: '50' })}`, signal),
  grid: (code: string, signal?: AbortSignal) =>
    getJson<AreaDetail>(`/api/areas/by-code/${encodeURIComponent(code)}`, signal),
  /** a queued write, sent with its Idempotency-Key (the draft's sf-string form) */
  send: <T>(url: string, body: unknown, key: string) =>
    request<T>(url, { method: 'POST', body, headers: { 'Idempotency-Key': `"${key}"` } }),
};
