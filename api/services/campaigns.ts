import type { Queryable } from '../db/types';
import { AppError, notFound } from '../errors';
import { figureOf, kpiById } from '../domain/kpi';
import { dueInstant, gapOf, statusOf, targetsAt, type Target } from '../domain/campaign';
import { figuresRepository } from '../repositories/figures';
import { campaignsRepository } from '../repositories/campaigns';
import type { Campaign, CampaignProgress } from '../schemas/figures';
import type { Caller } from './figures';

export async function listCampaigns(q: Queryable, id: number | null = null): Promise<Campaign[]> {
  return campaignsRepository(q).list(id);
}

/** Progress of every street, community or unit against the target in force at `at`, and who is behind. */
export async function campaignProgress(
  db: Queryable,
  id: number,
  p: { kind: 'street' | 'community' | 'unit'; at: Date; indicator?: string },
  caller: Caller,
): Promise<CampaignProgress> {
  const [campaign] = await listCampaigns(db, id);
  if (!campaign) throw notFound({ zh: '该攻坚行动', en: 'campaign' });
  const indicator = p.indicator ?? campaign.targets[0]?.indicator ?? 'rectification_rate';
  const k = kpiById(indicator);
  if (!k || k.kind !== 'rate') {
    throw new AppError(
      400,
      'UnknownIndicator',
      { zh: `「${indicator}」不是比率指标`, en: `"${indicator}" is not a rate indicator` },
      [{ field: 'indicator', reason: { zh: '应为比率指标', en: 'must be a rate' } }],
    );
  }
  // The campaign's problem list: reported from its first day until `at` (or its last day).
  const from = dueInstant(campaign.startsOn);
  from.setTime(from.getTime() - 86400_000);
  const end = dueInstant(campaign.endsOn);
  if (p.at <= from)
    throw new AppError(
      400,
      'BadInstant',
      { zh: 'at 无效：攻坚行动尚未开始', en: 'invalid at: the campaign has not started' },
      [{ field: 'at', reason: { zh: '早于开始日期', en: 'before its start' } }],
    );
  const to = p.at < end ? p.at : end;
  const targets = campaign.targets as Target[];
  const { current, next } = targetsAt(targets, indicator, p.at);
  const rows = await figuresRepository(db).aggregates(p.kind, [k], {
    from,
    to,
    asOf: p.at,
    viewer: caller,
    within: null,
  });
  const out = rows.map((r) => {
    const f = figureOf(k, r);
    return {
      id: r.id,
      code: r.code,
      name: r.name,
      value: f.value,
      numerator: f.numerator ?? 0,
      denominator: f.denominator ?? 0,
      status: statusOf(f.value, current, next),
      gap: gapOf(f.value, current, next),
    };
  });
  const num = out.reduce((s, r) => s + r.numerator, 0),
    den = out.reduce((s, r) => s + r.denominator, 0);
  const overall = figureOf(k, { [`n_${k.numerator}`]: num, [`n_${k.denominator}`]: den });
  return {
    campaign,
    indicator,
    at: p.at.toISOString(),
    from: from.toISOString(),
    to: to.toISOString(),
    current,
    next,
    overall: { value: overall.value, numerator: num, denominator: den, status: statusOf(overall.value, current, next) },
    rows: out,
    behind: out
      .filter((r) => r.status === 'behind')
      .sort((a, b) => (a.value ?? 0) - (b.value ?? 0) || a.code.localeCompare(b.code))
      .map((r) => r.id),
  };
}
