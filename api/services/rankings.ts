import type { Db, Queryable } from '../db/types';
import { AppError, notFound, type Lang } from '../errors';
import { figureOf, kpiById, type Kpi } from '../domain/kpi';
import {
  rankEntities,
  rulesIndicators,
  rulesProblems,
  withHistory,
  type RankEntry,
  type RankingRules,
} from '../domain/ranking';
import { beijingDay } from '../domain/campaign';
import { CITY_WIDE_VIEWER, figuresRepository, type RankKind } from '../repositories/figures';
import { rankingsRepository, type Snapshot } from '../repositories/rankings';
import type { RankingResult, RankingScheme } from '../schemas/figures';
import type { Caller } from './figures';

/**
 * Weekly rankings: scored city-wide by the pure api/domain/ranking.ts from weighted figures, kept
 * once the week is over (ranking_snapshots) so that last week's rank and the last-place run read
 * the same result that was published, whatever happens to old problems later.
 */
const DAY = 86400_000;
const OFFSET = 8 * 3600_000;

/** The Beijing week (Monday 00:00 → next Monday) holding a day; default: the last complete week. */
export function weekOf(day: string | undefined, now: Date): { weekStart: string; from: Date; to: Date } {
  const d = day ?? beijingDay(new Date(now.getTime() - 7 * DAY));
  const [y, m, dd] = d.split('-').map(Number) as [number, number, number];
  const midnight = Date.UTC(y, m - 1, dd) - OFFSET;
  const check = new Date(midnight + OFFSET);
  if (Number.isNaN(midnight) || check.getUTCDate() !== dd || check.getUTCMonth() !== m - 1) {
    throw new AppError(400, 'BadWeek', { zh: `week 无效：${d} 不是日期`, en: `invalid week: ${d} is not a date` }, [
      { field: 'week', reason: { zh: '应为 YYYY-MM-DD', en: 'must be YYYY-MM-DD' } },
    ]);
  }
  const isoDow = (check.getUTCDay() + 6) % 7; // Monday 0
  const from = new Date(midnight - isoDow * DAY);
  return { weekStart: beijingDay(from), from, to: new Date(from.getTime() + 7 * DAY) };
}

export async function latestScheme(q: Queryable, code: string): Promise<RankingScheme> {
  const row = await rankingsRepository(q).latestScheme(code);
  if (!row) throw notFound({ zh: `评分方案「${code}」`, en: `ranking scheme "${code}"` });
  return row;
}

export const listSchemes = async (q: Queryable) => rankingsRepository(q).schemes();

/** A new version of a scheme (the old ones stay, with the snapshots scored by them). */
export async function createSchemeVersion(
  db: Db,
  body: { code: string; nameZh: string; nameEn: string; rules: RankingRules },
  userId: number | null,
): Promise<RankingScheme> {
  const problems = rulesProblems(body.rules);
  if (problems.length)
    throw new AppError(
      422,
      'BadRankingRules',
      { zh: `评分规则无效：${problems[0]!.reason.zh}`, en: `invalid ranking rules: ${problems[0]!.reason.en}` },
      problems,
    );
  // Two concurrent versions of one code compute the same number: the unique key lets one win (409).
  return db.transaction(async (tx) =>
    rankingsRepository(tx).insertSchemeVersion({
      code: body.code,
      nameZh: body.nameZh.trim(),
      nameEn: body.nameEn.trim(),
      rules: body.rules,
      createdBy: userId,
    }),
  );
}

/** Scores one week city-wide (a ranking is of everyone; scope only filters what is shown). */
async function computeWeek(
  db: Queryable,
  rules: RankingRules,
  kind: RankKind,
  from: Date,
  to: Date,
  asOf: Date,
): Promise<RankEntry[]> {
  const kpis = rulesIndicators(rules).map((id) => kpiById(id)!) as Kpi[];
  const min = kpiById(rules.minProblems.indicator)!;
  const minSet = min.kind === 'count' ? min.set : 'found';
  const rows = await figuresRepository(db).aggregates(
    kind,
    kpis,
    { from, to, asOf, viewer: CITY_WIDE_VIEWER, within: null },
    rules.sourceWeights,
  );
  return rankEntities(
    rules,
    rows.map((r) => ({
      entityId: r.id,
      code: r.code,
      name: r.name,
      figures: Object.fromEntries(kpis.map((k) => [k.id, figureOf(k, r)])),
      problems: Number((r as Record<string, unknown>)[`u_${minSet}`] ?? 0),
    })),
  );
}

/** The kept result of a complete week, made and kept on first use; null for a week still running. */
async function weekEntries(
  db: Queryable,
  scheme: RankingScheme,
  kind: RankKind,
  from: Date,
  to: Date,
  now: Date,
): Promise<{ entries: RankEntry[]; snapshot: Snapshot | null }> {
  const repo = rankingsRepository(db);
  const key = { schemeId: scheme.id, kind, weekStart: beijingDay(from) };
  const kept = await repo.snapshot(key);
  if (kept) return { entries: kept.entries, snapshot: kept };
  const complete = to.getTime() <= now.getTime();
  const entries = await computeWeek(db, scheme.rules, kind, from, to, complete ? to : now);
  if (!complete) return { entries, snapshot: null };
  // Concurrent first readers both compute; the first insert wins and everyone reads it back.
  await repo.keepSnapshot(key, now, entries);
  const snap = (await repo.snapshot(key))!;
  return { entries: snap.entries, snapshot: snap };
}

export async function weeklyRanking(
  db: Queryable,
  p: { kind: RankKind; week?: string; scheme?: string },
  caller: Caller,
  now: Date,
  lang: Lang,
): Promise<RankingResult> {
  const scheme = await latestScheme(db, p.scheme ?? 'weekly');
  const { weekStart, from, to } = weekOf(p.week, now);
  if (from.getTime() > now.getTime())
    throw new AppError(400, 'BadWeek', { zh: 'week 无效：该周尚未开始', en: 'invalid week: it has not started yet' }, [
      { field: 'week', reason: { zh: '在将来', en: 'in the future' } },
    ]);
  const current = await weekEntries(db, scheme, p.kind, from, to, now);
  const history: RankEntry[][] = [];
  for (let i = 1; i <= Math.max(1, scheme.rules.lastPlaceWeeks - 1); i++) {
    const f = new Date(from.getTime() - i * 7 * DAY);
    history.push((await weekEntries(db, scheme, p.kind, f, new Date(f.getTime() + 7 * DAY), now)).entries);
  }
  const visible = await visibleIds(db, p.kind, caller);
  const entries = withHistory(scheme.rules, current.entries, history).filter(
    (e) => visible === null || visible.has(e.entityId),
  );
  const provisional = to.getTime() > now.getTime();
  return {
    kind: p.kind,
    weekStart,
    from: from.toISOString(),
    to: to.toISOString(),
    asOf: (provisional ? now : to).toISOString(),
    provisional,
    publishedAt: current.snapshot ? new Date(current.snapshot.computedAt).toISOString() : null,
    scheme: {
      id: scheme.id,
      code: scheme.code,
      version: scheme.version,
      name: lang === 'zh' ? scheme.nameZh : scheme.nameEn,
    },
    entries: entries.map((e) => ({
      ...e,
      reason: e.reason ? e.reason[lang] : null,
      breakdown: e.breakdown.map((b) => ({ ...b, note: b.note[lang] })),
    })),
  };
}

/** Entities of a kind inside the caller's scope (null: all). */
async function visibleIds(db: Queryable, kind: RankKind, caller: Caller): Promise<Set<number> | null> {
  if (caller.scope === null) return null;
  return figuresRepository(db).visibleEntityIds(kind, caller);
}
