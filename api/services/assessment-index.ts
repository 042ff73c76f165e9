import type { Db, Queryable } from '../db/types';
import {
  flagsOf,
  percent,
  rankIndex,
  rulesProblems,
  type Band,
  type Components,
  type IndexEntry,
  type IndexRow,
  type WeekOutcome,
} from '../domain/assessment-index';
import { beijingDay } from '../domain/campaign';
import { kpiById } from '../domain/kpi';
import { figureOf } from '../domain/kpi';
import { AppError, type Msg } from '../errors';
import { CITY_WIDE_VIEWER, figuresRepository } from '../repositories/figures';
import {
  assessmentIndexRepository,
  type Formula,
  type IndexLevel,
  type StoredRow,
} from '../repositories/assessment-index';
import type { IndexWeek } from '../schemas/assessment-ledgers';
import type { Caller } from './figures';
import { weekOf } from './rankings';

/**
 * The weekly 创文指数 (docs/ASSESSMENT.md "Weekly index"): computed city-wide by the pure
 * api/domain/assessment-index.ts from the figures at the week's end; a published week is frozen
 * (index_rows) and read back as it was published. Scope only filters which rows are shown.
 */
const DAY = 86400_000;
const round2 = (x: number) => Math.round(x * 100) / 100;
export const INDEX_LEVELS: IndexLevel[] = ['community', 'street', 'unit'];

const bad = (status: number, code: string, field: string, reason: Msg) =>
  new AppError(status, code, { zh: `${field}：${reason.zh}`, en: `${field}: ${reason.en}` }, [{ field, reason }]);

/** The Beijing week holding a day (default: the week of now). */
export function indexWeekOf(day: string | undefined, now: Date) {
  const w = weekOf(day ?? beijingDay(now), now);
  return { ...w, lastDay: beijingDay(new Date(w.to.getTime() - DAY)) };
}

async function formulaOf(q: Queryable, id: number | null): Promise<Formula> {
  const f = await assessmentIndexRepository(q).formula(id);
  if (!f || rulesProblems(f.rules).length)
    throw new AppError(500, 'BadFormula', {
      zh: '创文指数公式缺失或无效',
      en: 'the index formula is missing or invalid',
    });
  return f;
}

/** Every entity of a level with its components at the week's end (judged at min(now, end)). */
export async function computeLevel(
  q: Queryable,
  level: IndexLevel,
  week: { to: Date; lastDay: string },
  now: Date,
  f: Formula,
): Promise<IndexRow[]> {
  const asOf = new Date(Math.min(now.getTime(), week.to.getTime()));
  const from = new Date(week.to.getTime() - f.rules.problemWindowDays * DAY);
  const firstDay = beijingDay(from);
  const k = kpiById('rectification_rate')!;
  const repo = assessmentIndexRepository(q);
  const [agg, points, ledgers, sat] = await Promise.all([
    figuresRepository(q).aggregates(level, [k], { from, to: week.to, asOf, viewer: CITY_WIDE_VIEWER, within: null }),
    repo.points(level, week.lastDay),
    repo.ledgers(level, week.lastDay),
    level === 'unit' ? Promise.resolve([]) : repo.satisfaction(level, week.lastDay, firstDay),
  ]);
  const pts = new Map(points.map((r) => [r.id, round2(r.value)]));
  const led = new Map(ledgers.map((r) => [r.id, percent(r.passed, r.due)]));
  const sa = new Map(sat.map((r) => [r.id, percent(r.satisfied, r.respondents)]));
  const entries: IndexEntry[] = agg.map((a) => {
    const components: Components = {
      problems: figureOf(k, a).value,
      points: pts.get(a.id) ?? null,
      ledgers: led.get(a.id) ?? null,
      satisfaction: sa.get(a.id) ?? null,
    };
    return { id: a.id, code: a.code, name: a.name, components };
  });
  return rankIndex(entries, f.rules);
}

async function withFlags(
  q: Queryable,
  level: IndexLevel,
  weekStart: string,
  rows: (IndexRow | StoredRow)[],
  published: boolean,
) {
  const hist = await assessmentIndexRepository(q).history(level, weekStart);
  const byId = new Map<number, WeekOutcome[]>();
  for (const h of hist) {
    if (!published && h.weekStart === weekStart) continue;
    byId.set(h.id, [...(byId.get(h.id) ?? []), { band: h.band as Band | null, rank: h.rank, lastRank: h.lastRank }]);
  }
  const lastRank = rows.reduce((m, r) => Math.max(m, r.rank ?? 0), 0) || null;
  return rows.map((r) => {
    const past = byId.get(r.id) ?? [];
    const history = published ? past : [...past, { band: r.band as Band | null, rank: r.rank, lastRank }];
    return { ...r, components: r.components as Components, band: r.band, flags: flagsOf(history) };
  });
}

/** A week of one level for a caller: frozen rows when published, else computed now. */
export async function indexWeek(
  q: Queryable,
  caller: Caller,
  now: Date,
  p: { week?: string; level?: IndexLevel },
): Promise<IndexWeek> {
  const level = p.level ?? 'community';
  const w = indexWeekOf(p.week, now);
  const repo = assessmentIndexRepository(q);
  const pub = await repo.week(w.weekStart);
  const f = await formulaOf(q, pub?.formulaId ?? null);
  const rows = pub ? await repo.rows(w.weekStart, level) : await computeLevel(q, level, w, now, f);
  const flagged = await withFlags(q, level, w.weekStart, rows, !!pub);
  const visible = await figuresRepository(q).visibleEntityIds(level, caller);
  return {
    weekStart: w.weekStart,
    weekEnd: w.lastDay,
    level,
    published: !!pub,
    issue: pub?.issue ?? null,
    number: pub ? bulletinNumber(pub.year, pub.issue) : null,
    publishedAt: pub?.publishedAt ?? null,
    formula: { id: f.id, code: f.code, version: f.version, rules: f.rules },
    rows: flagged.filter((r) => visible.has(r.id)),
  };
}

export const bulletinNumber = (year: number, issue: number) => `〔${year}〕第${issue}期`;

/** Publishes a week: every level computed now and stored; a published week is refused (409). */
export async function publishWeek(db: Db, now: Date, by: number, week: string) {
  const w = indexWeekOf(week, now);
  if (w.from.getTime() > now.getTime())
    throw bad(400, 'BadRequest', 'week', {
      zh: `第 ${w.weekStart} 周尚未开始，不能发布`,
      en: `the week of ${w.weekStart} has not begun: it cannot be published`,
    });
  return db.transaction(async (tx) => {
    const repo = assessmentIndexRepository(tx);
    await repo.lockWeeks();
    if (await repo.week(w.weekStart))
      throw bad(409, 'AlreadyPublished', 'week', {
        zh: `第 ${w.weekStart} 周的创文指数已发布并冻结，不能重复发布`,
        en: `the index of the week of ${w.weekStart} is published and frozen: it cannot be published again`,
      });
    const f = await formulaOf(tx, null);
    const year = Number(w.weekStart.slice(0, 4));
    const row = await repo.insertWeek(w.weekStart, f.id, year, by, now);
    for (const level of INDEX_LEVELS)
      await repo.insertRows(w.weekStart, level, await computeLevel(tx, level, w, now, f));
    return {
      weekStart: row.weekStart,
      issue: row.issue,
      number: bulletinNumber(row.year, row.issue),
      publishedAt: row.publishedAt,
    };
  });
}

export const publishedWeeks = async (q: Queryable, limit = 52) =>
  (await assessmentIndexRepository(q).weeks(limit)).map((w) => ({
    weekStart: w.weekStart,
    issue: w.issue,
    number: bulletinNumber(w.year, w.issue),
    publishedAt: w.publishedAt,
  }));
