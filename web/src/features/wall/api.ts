import type { DisplaySessionInfo, DisplayTokenCreate, DisplayTokenIssued, DisplayTokenSummary } from '@schemas/display';
import type { SessionInfo } from '@schemas/auth';
import type { AreaTree } from '@schemas/areas';
import type { Notice, ProblemList } from '@schemas/problems';

type NoticeList = { total: number; items: Notice[] };
import type { Campaign, CampaignProgress, FiguresResult, FiguresSeries, RankingResult } from '@schemas/figures';
import type { ProblemDetail } from '@schemas/problems';
import { getJson, request } from '../../api/client';

// Typed calls of the wall (issue 12); shapes come from api/schemas, never restated here.
export type { DisplaySessionInfo, DisplayTokenCreate, DisplayTokenIssued, DisplayTokenSummary };
export type {
  AreaTree,
  Campaign,
  CampaignProgress,
  FiguresResult,
  FiguresSeries,
  Notice,
  ProblemDetail,
  ProblemList,
  RankingResult,
};
export type RankEntry = RankingResult['entries'][number];
export type ProblemItem = ProblemList['items'][number];
export type FigureLevel = 'county' | 'street' | 'community' | 'grid';

const qs = (params: Record<string, string | number | boolean | string[] | null | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, x);
    else q.set(k, String(v));
  }
  return q.toString();
};

export const wallApi = {
  /** the wall's token → a read-only display session (cookie); a 401 is an answer here */
  exchange: (token: string) =>
    request<DisplaySessionInfo>('/api/display/session', { method: 'POST', body: { token }, unauthenticatedOk: true }),
  me: () => request<SessionInfo>('/api/auth/me', { unauthenticatedOk: true }),
  tree: (signal?: AbortSignal) => getJson<AreaTree>('/api/areas/tree', signal),
  figures: (
    p: { level: FigureLevel; within?: string; from: string; to: string; asOf?: string; indicators: string[] },
    signal?: AbortSignal,
  ) => getJson<FiguresResult>(`/api/figures?${qs({ ...p, indicators: p.indicators.join(',') })}`, signal),
  /** the figures of each Beijing day from `from` to `to` (both included) in one answer */
  series: (p: { from: string; to: string; area: string | null; indicators: string[] }, signal?: AbortSignal) =>
    getJson<FiguresSeries>(`/api/figures/series?${qs({ ...p, indicators: p.indicators.join(',') })}`, signal),
  problem: (id: number, signal?: AbortSignal) => getJson<ProblemDetail>(`/api/problems/${id}`, signal),
  campaigns: (signal?: AbortSignal) => getJson<Campaign[]>('/api/campaigns', signal),
  progress: (id: number, kind: 'street' | 'community', indicator: string, signal?: AbortSignal) =>
    getJson<CampaignProgress>(`/api/campaigns/${id}/progress?${qs({ kind, indicator })}`, signal),
  ranking: (kind: 'street' | 'community', signal?: AbortSignal) =>
    getJson<RankingResult>(`/api/rankings?${qs({ kind })}`, signal),
  problems: (
    p: { state?: string[]; overdue?: boolean; area?: string | null; from?: string; sort?: string; limit: number },
    signal?: AbortSignal,
  ) => getJson<ProblemList>(`/api/problems?${qs({ ...p })}`, signal),
  notices: (signal?: AbortSignal) => getJson<NoticeList>(`/api/notices?${qs({ open: true, limit: 100 })}`, signal),
  // the admin's token manager
  tokens: () => getJson<DisplayTokenSummary[]>('/api/display-tokens'),
  issue: (body: DisplayTokenCreate) => request<DisplayTokenIssued>('/api/display-tokens', { method: 'POST', body }),
  revoke: (id: number) => request<DisplayTokenSummary>(`/api/display-tokens/${id}/revoke`, { method: 'POST' }),
};
