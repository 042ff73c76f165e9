import type { Static } from 'typebox';
import type {
  Category as CategorySchema,
  NearbyProblem,
  Notice,
  NoticeList as NoticeListSchema,
  ProblemActionBody,
  ProblemActionSchema,
  ProblemDetail,
  ProblemList,
  ProblemListItem,
  ProblemReport,
  ProblemSort as ProblemSortSchema,
  ProblemSourceSchema,
  ProblemStateSchema,
  Queue,
  QueueKey,
  TimelineEvent,
} from '@schemas/problems';
import { getJson, request } from '../../api/client';

// Shapes come from api/schemas/problems.ts, never restated here; the lists below are the
// schema's unions as values (for selects), checked against them.
export type ProblemState = Static<typeof ProblemStateSchema>;
export type ProblemSource = Static<typeof ProblemSourceSchema>;
export type ProblemAction = Static<typeof ProblemActionSchema>;
export type ProblemSort = Static<typeof ProblemSortSchema>;
export type NoticeKind = Notice['kind'];
export type {
  NearbyProblem,
  Notice,
  ProblemDetail,
  ProblemList,
  ProblemListItem,
  ProblemReport,
  Queue,
  QueueKey,
  TimelineEvent,
};
export type ActionBody = ProblemActionBody;
export type NoticeList = Static<typeof NoticeListSchema>;
export type NewPhoto = NonNullable<ProblemReport['photos']>[number];
export type PhotoRef = ProblemDetail['photos'][number];
/** A category with its children (the tree is three fixed levels deep). */
export type Category = CategorySchema & { children?: Category[] };

export const PROBLEM_STATES = [
  'reported',
  'verified',
  'assigned',
  'suspended',
  'fixed',
  'closed',
  'invalid',
  'duplicate',
] as const satisfies readonly ProblemState[];
/** not closed, invalid or duplicate (OPEN_STATES of api/domain/problem-machine.ts) */
export const OPEN_STATES = [
  'reported',
  'verified',
  'assigned',
  'suspended',
  'fixed',
] as const satisfies readonly ProblemState[];
export const PROBLEM_SOURCES = [
  'inspection',
  'undercover',
  'patrol',
  'citizen',
  'camera',
  'higher_level',
] as const satisfies readonly ProblemSource[];

/** Filters of the list (and, where the tiles take them, of the map). */
export interface ProblemQuery {
  /** one state or several (the open ones) */
  state?: ProblemState | ProblemState[] | null;
  /** category code prefix: 2, 4 or 6 digits (a 大类 takes its whole subtree) */
  category?: string | null;
  source?: ProblemSource | null;
  from?: string | null;
  to?: string | null;
  area?: string | null;
  overdue?: boolean | null;
  urgent?: boolean | null;
  q?: string | null;
  limit?: number;
  offset?: number;
  sort?: ProblemSort;
}

function query(params: object): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (Array.isArray(v)) for (const item of v) q.append(k, String(item));
    else if (v !== null && v !== undefined && v !== false && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Typed calls to the problem-loop endpoints (issue 4). */
export const problemsApi = {
  categories: (signal?: AbortSignal) => getJson<Category[]>('/api/categories', signal),
  list: (q: ProblemQuery, signal?: AbortSignal) => getJson<ProblemList>(`/api/problems${query(q)}`, signal),
  queue: (signal?: AbortSignal) => getJson<Queue>('/api/problems/queue', signal),
  get: (id: number, signal?: AbortSignal) => getJson<ProblemDetail>(`/api/problems/${id}`, signal),
  nearby: (lon: number, lat: number, categoryId: number, signal?: AbortSignal) =>
    getJson<NearbyProblem[]>(`/api/problems/nearby${query({ lon, lat, categoryId, radiusM: 100 })}`, signal),
  report: (body: ProblemReport) => request<ProblemDetail>('/api/problems', { method: 'POST', body }),
  act: (id: number, action: ProblemAction, body: ActionBody) =>
    request<ProblemDetail>(`/api/problems/${id}/actions/${action}`, { method: 'POST', body }),
  notices: (params: { kind?: NoticeKind | null; open?: boolean | null; limit?: number }, signal?: AbortSignal) =>
    getJson<NoticeList>(`/api/notices${query(params)}`, signal),
  notice: (id: number, signal?: AbortSignal) => getJson<Notice>(`/api/notices/${id}`, signal),
};

/**
 * Problem tiles with the map's filters. `viewer` as for area tiles (the server caches by URL,
 * scope and the undercover rule differ per user); `rev` changes after every write, so a new
 * report or transition is never hidden behind a cached tile.
 */
export function problemTileUrl(viewer: number, filters: ProblemQuery, rev: number): string {
  const { state, category, source, from, to, overdue, area } = filters;
  return `${location.origin}/tiles/problems/{z}/{x}/{y}.mvt${query({ state, category, source, from, to, overdue, area, viewer, rev })}`;
}
