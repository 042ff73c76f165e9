import type { Db, Queryable } from '../db/types';
import type { Clock } from '../domain/clock';
import type { Scope } from '../domain/scope';
import { dueInstant } from '../domain/campaign';
import {
  applies,
  itemInputProblems,
  itemScore,
  onThousand,
  pointScore,
  rollUp,
  versusTargets,
} from '../domain/assessment';
import { AppError, type Msg, type Problem } from '../errors';
import { assessmentRepository } from '../repositories/assessment';
import type { RoundCreate, RoundDetail, Scheme, SchemeInput, ScoreInput } from '../schemas/assessment';
import { recordProblem, type ProblemActor } from './problems';

/** Schemes (测评体系) and rounds (督查/测评轮次): docs/ASSESSMENT.md. */
export const SCHEME: Msg = { zh: '该测评体系', en: 'assessment scheme' };
export const ROUND: Msg = { zh: '该测评轮次', en: 'assessment round' };

const refuse = (status: number, code: string, problems: Problem[]): AppError => {
  const first = problems[0]!;
  const more =
    problems.length > 1
      ? { zh: `（共 ${problems.length} 处）`, en: ` (${problems.length} problems)` }
      : { zh: '', en: '' };
  return new AppError(
    status,
    code,
    { zh: `${first.field}：${first.reason.zh}${more.zh}`, en: `${first.field}: ${first.reason.en}${more.en}` },
    problems,
  );
};
const one = (status: number, code: string, field: string, zh: string, en: string) =>
  refuse(status, code, [{ field, reason: { zh, en } }]);

async function itemProblems(q: Queryable, items: SchemeInput['items']): Promise<Problem[]> {
  const types = new Set((await assessmentRepository(q).pointTypes()).map((t) => t.code));
  const out: Problem[] = [];
  const seen = new Set<string>();
  items.forEach((i, k) => {
    const at = (f: string, zh: string, en: string) => out.push({ field: `items[${k}].${f}`, reason: { zh, en } });
    if (seen.has(i.code)) at('code', `测评项编码 ${i.code} 重复`, `item code ${i.code} is repeated`);
    seen.add(i.code);
    if (i.perFinding > i.maxScore) at('perFinding', '每处扣分不能超过该项满分', "must not exceed the item's maximum");
    if (i.deductionCap != null && i.deductionCap > i.maxScore)
      at('deductionCap', '扣分上限不能超过该项满分', "must not exceed the item's maximum");
    for (const t of i.pointTypes)
      if (!types.has(t)) at('pointTypes', `点位类型「${t}」不存在`, `point type "${t}" does not exist`);
  });
  return out;
}

export async function createScheme(db: Db, clock: Clock, by: number, input: SchemeInput): Promise<Scheme> {
  return db.transaction(async (tx) => {
    const repo = assessmentRepository(tx);
    if (await repo.schemeCodeTaken(input.code))
      throw one(
        409,
        'Conflict',
        'code',
        `测评体系编码 ${input.code} 已存在（修改请编辑该体系）`,
        `scheme code ${input.code} exists (edit that scheme instead)`,
      );
    const problems = await itemProblems(tx, input.items);
    if (problems.length) throw refuse(400, 'BadRequest', problems);
    const id = await repo.insertScheme(input, by, clock.now());
    await repo.replaceItems(id, input.items);
    return (await repo.scheme(id))!;
  });
}

/**
 * Edits a scheme version: in place while no round used it; once one did, it is frozen and the
 * edit becomes the next version (created: true). A retired version is not edited (409).
 */
export async function editScheme(
  db: Db,
  clock: Clock,
  by: number,
  id: number,
  input: SchemeInput,
): Promise<{ scheme: Scheme; created: boolean } | null> {
  return db.transaction(async (tx) => {
    const repo = assessmentRepository(tx);
    if (!(await repo.lockScheme(id))) return null;
    const cur = (await repo.scheme(id))!;
    if (input.code !== cur.code)
      throw one(
        400,
        'BadRequest',
        'code',
        `编码不能修改（应为 ${cur.code}）`,
        `the code cannot change (it is ${cur.code})`,
      );
    if (cur.retiredAt)
      throw one(
        409,
        'SchemeRetired',
        'id',
        '该测评体系版本已停用，不能修改',
        'this scheme version is retired and cannot be edited',
      );
    const problems = await itemProblems(tx, input.items);
    if (problems.length) throw refuse(400, 'BadRequest', problems);
    if (cur.usedByRounds > 0) {
      const next = await repo.insertScheme(input, by, clock.now());
      await repo.replaceItems(next, input.items);
      return { scheme: (await repo.scheme(next))!, created: true };
    }
    await repo.updateScheme(id, input);
    await repo.replaceItems(id, input.items);
    return { scheme: (await repo.scheme(id))!, created: false };
  });
}

export async function retireScheme(db: Db, clock: Clock, id: number): Promise<Scheme | null> {
  return db.transaction(async (tx) => {
    const repo = assessmentRepository(tx);
    if (!(await repo.lockScheme(id))) return null;
    await repo.retireScheme(id, clock.now());
    return repo.scheme(id);
  });
}

export async function createRound(db: Db, clock: Clock, actor: ProblemActor, input: RoundCreate): Promise<RoundDetail> {
  const created = await db.transaction(async (tx) => {
    const repo = assessmentRepository(tx);
    if (!(await repo.lockScheme(input.schemeId)))
      throw one(
        400,
        'BadRequest',
        'schemeId',
        `测评体系 ${input.schemeId} 不存在`,
        `scheme ${input.schemeId} does not exist`,
      );
    const scheme = (await repo.scheme(input.schemeId))!;
    if (scheme.retiredAt)
      throw one(
        409,
        'SchemeRetired',
        'schemeId',
        `测评体系「${scheme.nameZh}」第 ${scheme.version} 版已停用，不能开展新的测评`,
        `scheme "${scheme.nameEn}" version ${scheme.version} is retired: no new round may start on it`,
      );
    if (input.campaignId && !(await repo.campaignExists(input.campaignId)))
      throw one(
        400,
        'BadRequest',
        'campaignId',
        `攻坚行动 ${input.campaignId} 不存在`,
        `campaign ${input.campaignId} does not exist`,
      );
    const pointIds = [...new Set(input.pointIds)];
    const missing = await repo.pointsMissing(pointIds, actor.scope);
    if (missing.length)
      throw one(
        400,
        'BadRequest',
        'pointIds',
        `点位 ${missing.join('、')} 不存在或不在您的范围内`,
        `points ${missing.join(', ')} do not exist or are out of your scope`,
      );
    const campaignId = input.campaignId ?? (await repo.campaignOn(input.heldOn));
    const id = await repo.insertRound({ ...input, name: input.name.trim(), campaignId }, actor.id, clock.now());
    await repo.insertRoundPoints(id, pointIds);
    return id;
  });
  return (await roundDetail(db, created, actor.scope))!;
}

/** A round with its points in the caller's scope, their roll-up and the targets in force on its day. */
export async function roundDetail(q: Queryable, id: number, scope: Scope): Promise<RoundDetail | null> {
  const repo = assessmentRepository(q);
  const round = await repo.round(id);
  if (!round) return null;
  const points = await repo.roundPoints(id, scope);
  const r = rollUp(
    points.map((p) => ({ pointId: p.pointId, communityId: p.communityId, streetId: p.streetId, score: p.score })),
  );
  const county1000 = onThousand(r.county.score);
  const targets = round.campaignId ? await repo.targets(round.campaignId) : [];
  return {
    ...round,
    points: points.map(({ communityId: _c, streetId: _s, ...p }) => p),
    rollUp: {
      communities: r.communities.map((m) => ({ communityId: m.id, score: m.score, points: m.points })),
      streets: r.streets.map((m) => ({ streetId: m.id, score: m.score, points: m.points })),
      county: { ...r.county, onThousand: county1000 },
    },
    // the round's day counts: a target due that day is in force
    targets: targets.length ? versusTargets(county1000, targets, dueInstant(round.heldOn)) : null,
    targetLine: targets,
  };
}

/** The report service inside this transaction: its own transaction() joins the one running. */
export const joined = (db: Db, tx: Queryable): Db => ({
  kind: db.kind,
  query: (text, params) => tx.query(text, params),
  exec: (sql) => tx.exec(sql),
  transaction: (fn) => fn(tx),
  close: async () => {},
  listen: (channel, on) => db.listen(channel, on),
});

/**
 * Scores items of one point in a round, all or nothing: each item once per round, findings with
 * their deductions, and a problem in the loop (source = the round's kind, routed at the point's
 * anchor) for each finding that asks for one, linked to it. Then the point's score, once complete.
 */
export async function scorePoint(
  db: Db,
  clock: Clock,
  actor: ProblemActor,
  roundId: number,
  pointId: number,
  input: ScoreInput,
) {
  const now = clock.now();
  return db.transaction(async (tx) => {
    const repo = assessmentRepository(tx);
    const round = await repo.round(roundId);
    const point = round ? await repo.lockRoundPoint(roundId, pointId, actor.scope) : null;
    if (!round || !point) return null;
    const items = (await repo.scheme(round.schemeId))!.items.filter((i) => applies(i, point.typeCode));
    const byId = new Map(items.map((i) => [i.id, i]));
    const done = new Set((await repo.scoredItems(roundId, pointId)).map((s) => s.itemId));
    const problems: Problem[] = [];
    let conflict = false;
    const seen = new Set<number>();
    input.items.forEach((x, k) => {
      const at = (f: string, reason: Msg) => problems.push({ field: `items[${k}].${f}`, reason });
      const item = byId.get(x.itemId);
      if (!item)
        return at('itemId', {
          zh: `测评项 ${x.itemId} 不属于本轮测评体系或不适用于该类点位`,
          en: `item ${x.itemId} is not in the round's scheme or does not apply to this point type`,
        });
      if (seen.has(x.itemId)) return at('itemId', { zh: '同一测评项重复提交', en: 'the same item twice' });
      seen.add(x.itemId);
      if (done.has(x.itemId)) {
        conflict = true;
        return at('itemId', {
          zh: `「${item.nameZh}」本轮已评分（复查请另开轮次）`,
          en: `"${item.nameEn}" is already scored in this round (re-inspect in a later round)`,
        });
      }
      for (const p of itemInputProblems(item, x)) at(p.field, p.reason);
    });
    if (problems.length)
      throw refuse(
        conflict && problems.length === 1 ? 409 : 400,
        conflict && problems.length === 1 ? 'AlreadyScored' : 'BadRequest',
        problems,
      );
    const findingIds: number[] = [],
      problemIds: number[] = [];
    for (const [k, x] of input.items.entries()) {
      const item = byId.get(x.itemId)!;
      const s = itemScore(item, x);
      await repo.insertScore(
        { roundId, pointId, itemId: item.id, score: s.score, deducted: s.deducted, note: x.note?.trim() || null },
        actor.id,
        now,
      );
      for (const [j, f] of x.findings.entries()) {
        let problemId: number | null = null;
        if (f.problem) {
          const description =
            f.problem.description?.trim() || `【${round.name}】${point.name}：${item.nameZh}——${f.note.trim()}`;
          try {
            problemId = (
              await recordProblem(joined(db, tx), clock, actor, {
                lon: point.lon,
                lat: point.lat,
                categoryId: f.problem.categoryId,
                source: round.kind as 'inspection' | 'undercover',
                description,
                address: point.address,
              })
            ).id;
          } catch (e) {
            // the loop names its own fields: say where they are in this body
            const at = `items[${k}].findings[${j}].problem.`;
            if (e instanceof AppError)
              throw new AppError(
                e.status,
                e.code,
                { zh: at + e.msg.zh, en: at + e.msg.en },
                e.problems.map((p) => ({ ...p, field: at + (p.field ?? '') })),
              );
            throw e;
          }
          problemIds.push(problemId);
        }
        findingIds.push(
          await repo.insertFinding(
            { roundId, pointId, itemId: item.id, deduction: s.deductions[j]!, note: f.note.trim(), problemId },
            actor.id,
            now,
          ),
        );
      }
    }
    const scored = new Map((await repo.scoredItems(roundId, pointId)).map((s) => [s.itemId, s.score]));
    const score = pointScore(items.map((i) => ({ maxScore: i.maxScore, score: scored.get(i.id) ?? null })));
    await repo.setRoundPointScore(roundId, pointId, score);
    return { pointId, score, findingIds, problemIds };
  });
}
