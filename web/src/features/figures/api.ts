import type { Static } from 'typebox';
import type {
  Campaign,
  CampaignProgress,
  CoverageGaps,
  FiguresResult,
  HotspotsResult,
  Indicator,
  LevelSchema,
  PartSchema,
  ProblemsBehind,
  RankingResult,
  RankKindSchema,
} from '@schemas/figures';
import { getJson } from '../../api/client';

// Shapes come from api/schemas/figures.ts, never restated here.
export type {
  Campaign,
  CampaignProgress,
  CoverageGaps,
  FiguresResult,
  HotspotsResult,
  Indicator,
  ProblemsBehind,
  RankingResult,
};
export type FigureEntityLevel = Static<typeof LevelSchema>;
export type RankKind = Static<typeof RankKindSchema>;
export type Part = Static<typeof PartSchema>;
export type FigureRow = FiguresResult['rows'][number];
export type RankEntry = RankingResult['entries'][number];
export type ProblemBehind = ProblemsBehind['problems'][number];
export type Hotspot = HotspotsResult['hotspots'][number];
export type ProgressRow = CampaignProgress['rows'][number];
export type CampaignTarget = Campaign['targets'][number];

export interface Period {
  from: string;
  to: string;
}

function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export interface FiguresParams extends Period {
  level: FigureEntityLevel;
  /** indicator ids (none: all) */
  indicators?: string[];
  /** only entities inside this area code */
  within?: string | null;
}
const figuresQuery = (p: FiguresParams) =>
  query({ level: p.level, from: p.from, to: p.to, indicators: p.indicators?.join(','), within: p.within });

export interface BehindParams extends Period {
  indicator: string;
  part: Part;
  level: FigureEntityLevel;
  entity: number;
  limit?: number;
  offset?: number;
}

export interface RankingParams {
  kind: RankKind;
  /** any day of the week; none: the last complete week */
  week?: string | null;
}

/** Typed calls to the figures endpoints (issue 5). */
export const figuresApi = {
  indicators: (signal?: AbortSignal) => getJson<Indicator[]>('/api/figures/indicators', signal),
  figures: (p: FiguresParams, signal?: AbortSignal) => getJson<FiguresResult>(`/api/figures${figuresQuery(p)}`, signal),
  behind: (p: BehindParams, signal?: AbortSignal) =>
    getJson<ProblemsBehind>(`/api/figures/problems${query({ ...p })}`, signal),
  ranking: (p: RankingParams, signal?: AbortSignal) =>
    getJson<RankingResult>(`/api/rankings${query({ ...p })}`, signal),
  campaigns: (signal?: AbortSignal) => getJson<Campaign[]>('/api/campaigns', signal),
  progress: (id: number, kind: 'street' | 'community' | 'unit', at: string | null, signal?: AbortSignal) =>
    getJson<CampaignProgress>(`/api/campaigns/${id}/progress${query({ kind, at })}`, signal),
  gaps: (signal?: AbortSignal) => getJson<CoverageGaps>('/api/coverage/gaps', signal),
  hotspots: (p: Period, signal?: AbortSignal) => getJson<HotspotsResult>(`/api/hotspots${query({ ...p })}`, signal),
};

/** Download links (plain GETs with the session cookie): the tables with the period and definitions in the header. */
export const figureExportUrl = {
  figures: (format: 'xlsx' | 'csv', p: FiguresParams) => `/api/figures/export.${format}${figuresQuery(p)}`,
  ranking: (format: 'xlsx' | 'csv', p: RankingParams) => `/api/rankings/export.${format}${query({ ...p })}`,
};
