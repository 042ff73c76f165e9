import type { Static } from 'typebox';
import type { InspectionPoint, PointDetail, RoundDetail, RoundSummary, Scheme, ScoreResult } from '@schemas/assessment';
import type {
  IndexWeek,
  LedgerDetail,
  LedgerItem,
  LedgerRates,
  PublishedWeek,
  SatisfactionSummary,
  Survey,
} from '@schemas/assessment-ledgers';
import { getJson, request } from '../../api/client';
import type { Category } from '../problems/api';

// Shapes come from api/schemas/assessment*.ts, never restated here.
export type { Category, IndexWeek, InspectionPoint, LedgerDetail, LedgerItem, PointDetail, RoundDetail, Scheme };
export type Round = Static<typeof RoundSummary>;
export type Score = Static<typeof ScoreResult>;
export type Rates = Static<typeof LedgerRates>;
export type Published = Static<typeof PublishedWeek>;
export type Satisfaction = Static<typeof SatisfactionSummary>;
export type SurveyRow = Static<typeof Survey>;
export type IndexLevel = 'community' | 'street' | 'unit';
/** One scored item of a point: a deduction's finding may ask for a problem in the loop (categoryId). */
export interface ScoreItem {
  itemId: number;
  score: number;
  findings: { note: string; problem?: { categoryId: number } }[];
}
/** A file of a ledger submission, read in the browser and sent as base64 (the API sniffs its bytes). */
export interface LedgerUpload {
  name: string;
  dataBase64: string;
}

export const assessmentApi = {
  points: () => getJson<InspectionPoint[]>('/api/points?limit=1000'),
  schemes: () => getJson<Scheme[]>('/api/assessment-schemes'),
  rounds: () => getJson<Round[]>('/api/assessment-rounds?limit=50'),
  round: (id: number) => getJson<RoundDetail>(`/api/assessment-rounds/${id}`),
  point: (id: number) => getJson<PointDetail>(`/api/points/${id}`),
  categories: () => getJson<Category[]>('/api/categories'),
  score: (roundId: number, pointId: number, items: ScoreItem[]) =>
    request<Score>(`/api/assessment-rounds/${roundId}/points/${pointId}/scores`, { method: 'POST', body: { items } }),
  index: (level: IndexLevel, week?: string) =>
    getJson<IndexWeek>(`/api/assessment-index?level=${level}${week ? `&week=${week}` : ''}`),
  weeks: () => getJson<Published[]>('/api/assessment-index/weeks'),
  publish: (week: string) => request<Published>(`/api/assessment-index/weeks/${week}/publish`, { method: 'POST' }),
  ledgers: () => getJson<LedgerItem[]>('/api/ledgers?limit=500'),
  rates: () => getJson<Rates>('/api/ledgers/rates'),
  ledger: (id: number) => getJson<LedgerDetail>(`/api/ledgers/${id}`),
  submit: (id: number, version: number, files: LedgerUpload[], note?: string) =>
    request<LedgerDetail>(`/api/ledgers/${id}/submissions`, { method: 'POST', body: { version, files, note } }),
  review: (id: number, version: number, decision: 'passed' | 'returned', reason?: string) =>
    request<LedgerDetail>(`/api/ledgers/${id}/review`, { method: 'POST', body: { version, decision, reason } }),
  satisfaction: (week?: string) => getJson<Satisfaction>(`/api/satisfaction${week ? `?week=${week}` : ''}`),
  survey: (body: { communityId: number; surveyedOn: string; respondents: number; satisfied: number }) =>
    request<SurveyRow>('/api/satisfaction/surveys', { method: 'POST', body }),
};

/** Where the bulletin of a published week downloads from. */
export const bulletinUrl = (week: string, format: 'docx' | 'xlsx' | 'html') =>
  `/api/assessment-index/weeks/${week}/bulletin.${format}`;
