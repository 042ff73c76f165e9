import type { Db, Queryable } from '../db/types';
import { AppError, notFound, type Lang } from '../errors';
import { figureOf, kpiById, type Kpi } from '../domain/kpi';
import { rankEntities, rulesIndicators, rulesProblems, withHistory, type RankEntry, type RankingRules } from '../domain/ranking';
import { beijingDay } from '../domain/campaign';
import { CITY_WIDE_VIEWER, figuresRepository, LEVEL_SQL, PARAMS, type RankKind } from '../repositories/figures';
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
    throw new AppError(400, 'BadWeek', { zh: `week 无效：${d} 不是日期`, en: `invalid week: ${d} is not a date` }, [{ field: 'week', reason: { zh: '应为 YYYY-MM-DD', en: 'must be YYYY-MM-DD' } }]);
  }
  const isoDow = (check.getUTCDay() + 6) % 7; // Monday 0
  const from = new Date(midnight - isoDow * DAY);
  return { weekStart: beijingDay(from), from, to: new Date(from.getTime() + 7 * DAY) };
}

const SCHEME_COLS = `id, code, version, name_zh AS "nameZh", name_en AS "nameEn", rules, created_at AS "createdAt"`;

export async function latestScheme(q: Queryable, code: string): Promise<RankingScheme> {
  const row = (await q.query<RankingScheme>(`SELECT ${SCHEME_COLS} FROM ranking_schemes WHERE code = $1 ORDER BY version DESC LIMIT 1`, [code])).rows[0];
  if (!row) throw notFound({ zh: `评分方案「${code}」`, en: `ranking scheme "${code}"` });
  return row;
}

export const listSchemes = async (q: Queryable) => (await q.query<RankingScheme>(`SELECT ${SCHEME_COLS} FROM ranking_schemes ORDER BY code, version DESC`)).rows;

/** A new version of a scheme (the old ones stay, with the snapshots scored by them). */
export async function createSchemeVersion(db: Db, body: { code: string; nameZh: string; nameEn: string; rules: RankingRules }, userId: number | null): Promise<RankingScheme> {
  const problems = rulesProblems(body.rules);
  if (problems.length) throw new AppError(422, 'BadRankingRules', { zh: `评分规则无效：${problems[0]!.reason.zh}`, en: `invalid ranking rules: ${problems[0]!.reason.en}` }, problems);
  // Two concurrent versions of one code compute the same number: the unique key lets one win (409).
  return db.transaction(async (tx) => (await tx.query<RankingScheme>(`
    INSERT INTO ranking_schemes (code, version, name_zh, name_en, rules, created_by)
    SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4::jsonb, $5 FROM ranking_schemes WHERE code = $1
    RETURNING ${SCHEME_COLS}`, [body.code, body.nameZh.trim(), body.nameEn.trim(), JSON.stringify(body.rules), userId])).rows[0]!);
}

/** Scores one week city-wide (a ranking is of everyone; scope only filters what is shown). */
async function computeWeek(db: Queryable, rules: RankingRules, kind: RankKind, from: Date, to: Date, asOf: Date): Promise<RankEntry[]> {
  const kpis = rulesIndicators(rules).map((id) => kpiById(id)!) as Kpi[];
  const min = kpiById(rules.minProblems.indicator)!;
  const minSet = min.kind === 'count' ? min.set : 'found';
  const rows = await figuresRepository(db).aggregates(kind, kpis, { from, to, asOf, viewer: CITY_WIDE_VIEWER, within: null }, rules.sourceWeights);
  return rankEntities(rules, rows.map((r) => ({
    entityId: r.id, code: r.code, name: r.name,
    figures: Object.fromEntries(kpis.map((k) => [k.id, figureOf(k, r)])),
    problems: Number((r as Record<string, unknown>)[`u_${minSet}`] ?? 0),
  })));
}

interface Snapshot { entries: RankEntry[]; computedAt: Date }

/** The kept result of a complete week, made and kept on first use; null for a week still running. */
async function weekEntries(db: Queryable, scheme: RankingScheme, kind: RankKind, from: Date, to: Date, now: Date): Promise<{ entries: RankEntry[]; snapshot: Snapshot | null }> {
  const weekStart = beijingDay(from);
  const read = async () => (await db.query<Snapshot>(
    `SELECT entries, computed_at AS "computedAt" FROM ranking_snapshots WHERE scheme_id = $1 AND entity_kind = $2 AND week_start = $3::date`, [scheme.id, kind, weekStart])).rows[0] ?? null;
  const kept = await read();
  if (kept) return { entries: kept.entries, snapshot: kept };
  const complete = to.getTime() <= now.getTime();
  const entries = await computeWeek(db, scheme.rules, kind, from, to, complete ? to : now);
  if (!complete) return { entries, snapshot: null };
  // Concurrent first readers both compute; the first insert wins and everyone reads it back.
  await db.query(`INSERT INTO ranking_snapshots (scheme_id, entity_kind, week_start, computed_at, entries) VALUES ($1, $2, $3::date, $4, $5::jsonb)
    ON CONFLICT (scheme_id, entity_kind, week_start) DO NOTHING`, [scheme.id, kind, weekStart, now, JSON.stringify(entries)]);
  const snap = (await read())!;
  return { entries: snap.entries, snapshot: snap };
}

export async function weeklyRanking(db: Queryable, p: { kind: RankKind; week?: string; scheme?: string }, caller: Caller, now: Date, lang: Lang): Promise<RankingResult> {
  const scheme = await latestScheme(db, p.scheme ?? 'weekly');
  const { weekStart, from, to } = weekOf(p.week, now);
  if (from.getTime() > now.getTime()) throw new AppError(400, 'BadWeek', { zh: 'week 无效：该周尚未开始', en: 'invalid week: it has not started yet' }, [{ field: 'week', reason: { zh: '在将来', en: 'in the future' } }]);
  const current = await weekEntries(db, scheme, p.kind, from, to, now);
  const history: RankEntry[][] = [];
  for (let i = 1; i <= Math.max(1, scheme.rules.lastPlaceWeeks - 1); i++) {
    const f = new Date(from.getTime() - i * 7 * DAY);
    history.push((await weekEntries(db, scheme, p.kind, f, new Date(f.getTime() + 7 * DAY), now)).entries);
  }
  const visible = await visibleIds(db, p.kind, caller);
  const entries = withHistory(scheme.rules, current.entries, history).filter((e) => visible === null || visible.has(e.entityId));
  const provisional = to.getTime() > now.getTime();
  return {
    kind: p.kind, weekStart, from: from.toISOString(), to: to.toISOString(), asOf: (provisional ? now : to).toISOString(),
    provisional, publishedAt: current.snapshot ? new Date(current.snapshot.computedAt).toISOString() : null,
    scheme: { id: scheme.id, code: scheme.code, version: scheme.version, name: lang === 'zh' ? scheme.nameZh : scheme.nameEn },
    entries: entries.map((e) => ({
      ...e, reason: e.reason ? e.reason[lang] : null,
      breakdown: e.breakdown.map((b) => ({ ...b, note: b.note[lang] })),
    })),
  };
}

/** Entities of a kind inside the caller's scope (null: all). */
async function visibleIds(db: Queryable, kind: RankKind, caller: Caller): Promise<Set<number> | null> {
  if (caller.scope === null) return null;
  const sql = `${PARAMS} SELECT e.id FROM (${LEVEL_SQL[kind].entities}) e`;
  const { rows } = await db.query<{ id: number }>(sql, [null, null, null, caller.role, caller.scope, null, caller.userId]);
  return new Set(rows.map((r) => r.id));
}
