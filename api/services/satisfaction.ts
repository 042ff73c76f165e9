import type { Db, Queryable } from '../db/types';
import type { Clock } from '../domain/clock';
import type { Scope } from '../domain/scope';
import { percent } from '../domain/assessment-index';
import { AppError, type Msg } from '../errors';
import { satisfactionRepository } from '../repositories/satisfaction';
import type { SurveyCreate, VisitCreate } from '../schemas/assessment-ledgers';
import { indexWeekOf } from './assessment-index';

/** Satisfaction surveys, household visits (入户) and units' weekly grid visits: docs/ASSESSMENT.md. */
export const SATISFACTION_TARGET = 90; // seed 000: 群众满意度达 90% 以上

const bad = (status: number, field: string, reason: Msg) =>
  new AppError(
    status,
    status === 409 ? 'Conflict' : 'BadRequest',
    { zh: `${field}：${reason.zh}`, en: `${field}: ${reason.en}` },
    [{ field, reason }],
  );

async function communityIn(q: Queryable, scope: Scope, id: number): Promise<string> {
  const c = await satisfactionRepository(q).community(id, scope);
  if (!c || c.level !== 'community')
    throw bad(400, 'communityId', { zh: `${id} 不是村（社区）`, en: `${id} is not a community` });
  if (!c.visible)
    throw bad(403, 'communityId', { zh: '该村（社区）不在您的范围内', en: 'this community is outside your scope' });
  return c.code;
}

export async function createSurvey(db: Db, clock: Clock, actor: { id: number; scope: Scope }, s: SurveyCreate) {
  if (s.satisfied > s.respondents)
    throw bad(400, 'satisfied', {
      zh: `满意人数（${s.satisfied}）不能多于受访人数（${s.respondents}）`,
      en: `cannot exceed the respondents (${s.satisfied} > ${s.respondents})`,
    });
  return db.transaction(async (tx) => {
    const areaCode = await communityIn(tx, actor.scope, s.communityId);
    const repo = satisfactionRepository(tx);
    const id = await repo.insertSurvey({ ...s, areaCode, note: s.note?.trim() || null }, actor.id, clock.now());
    return (await repo.surveys(actor.scope, { id }, 1, 0))[0]!;
  });
}

export async function createVisit(db: Db, clock: Clock, actor: { id: number; scope: Scope }, v: VisitCreate) {
  return db.transaction(async (tx) => {
    const areaCode = await communityIn(tx, actor.scope, v.communityId);
    const repo = satisfactionRepository(tx);
    const id = await repo.insertVisit({ ...v, areaCode, note: v.note?.trim() || null }, actor.id, clock.now());
    return (await repo.visits(actor.scope, { id }, 1, 0))[0]!;
  });
}

/** Per community over a week: surveys summed (Σ satisfied / Σ respondents) vs 90 %, households visited. */
export async function satisfactionSummary(q: Queryable, scope: Scope, now: Date, week?: string) {
  const w = indexWeekOf(week, now);
  const rows = (await satisfactionRepository(q).summary(scope, w.weekStart, w.lastDay)).map((r) => {
    const rate = percent(r.satisfied, r.respondents);
    return { ...r, rate, meetsTarget: rate === null ? null : rate >= SATISFACTION_TARGET };
  });
  return { from: w.weekStart, to: w.lastDay, target: SATISFACTION_TARGET, rows };
}

/** Each unit's contracted grids with its staff's patrol visits in the week ("visited this week"). */
export async function unitVisits(
  q: Queryable,
  v: { scope: Scope; role: string; unitId: number | null },
  now: Date,
  week?: string,
  unitId?: number,
) {
  const w = indexWeekOf(week, now);
  const rows = await satisfactionRepository(q).unitVisits(v, w.from, w.to, unitId ?? null);
  return { weekStart: w.weekStart, rows: rows.map((r) => ({ ...r, visitedThisWeek: r.visits > 0 })) };
}
