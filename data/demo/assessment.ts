import type { Db } from '../../api/db/types';
import type { Clock } from '../../api/domain/clock';
import { beijingDay } from '../../api/domain/campaign';
import type { Scheme } from '../../api/schemas/assessment';
import { assessmentRepository } from '../../api/repositories/assessment';
import { createPoint } from '../../api/services/inspection-points';
import { createRound, scorePoint } from '../../api/services/assessment';
import { createLedger, reviewLedger, submitLedger } from '../../api/services/ledgers';
import { createSurvey, createVisit } from '../../api/services/satisfaction';

/**
 * A small assessment history for the demo (docs/ASSESSMENT.md), written through the services at a
 * first start: six inspection points in the first street's first communities, two rounds three
 * weeks and one week ago (scores improving), ledger items of the units holding those grids (some
 * passed, one returned, one overdue) and a satisfaction survey with household visits per
 * community. Deterministic for a city and a day; no problems are created (the demo's problems
 * are the bulk seed's). Illustrative data, like the demo scheme.
 */
const TYPES = ['market', 'back_street', 'residential', 'public_toilet', 'school_area', 'main_road'];
const DAY = 86400_000;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');

export async function seedDemoAssessment(db: Db, now: Date): Promise<{ points: number; rounds: number } | null> {
  if ((await db.query('SELECT 1 FROM inspection_points LIMIT 1')).rows.length) return null;
  const admin = (await db.query<{ id: number }>(`SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1`))
    .rows[0];
  if (!admin) return null;
  // the first street's first three communities, two grids each, with their lead unit now
  const grids = (
    await db.query<{ id: number; code: string; communityId: number; lon: number; lat: number; unitId: number | null }>(
      `WITH s AS (SELECT code FROM areas WHERE level = 'street' ORDER BY code LIMIT 1),
            c AS (SELECT a.id, a.code FROM areas a, s WHERE a.level = 'community' AND a.code LIKE s.code || '%' ORDER BY a.code LIMIT 3)
       SELECT g.id, g.code, c.id AS "communityId", ST_X(g.label_point) AS lon, ST_Y(g.label_point) AS lat,
              (SELECT x.unit_id FROM assignments x WHERE x.area_id = g.id AND x.role = 'lead'
                 AND assignment_in_force(x.valid_from, x.valid_to, $1) LIMIT 1) AS "unitId"
       FROM c JOIN LATERAL (SELECT * FROM areas g WHERE g.parent_id = c.id AND g.level = 'grid' ORDER BY g.code LIMIT 2) g ON true
       ORDER BY g.code`,
      [now],
    )
  ).rows;
  if (!grids.length) return null;
  const clockAt = (t: Date): Clock => ({ now: () => t }) as Clock;
  const clock = clockAt(now);
  const actor = { id: admin.id, displayName: 'admin', role: 'admin' as const, scope: null };
  const points: { id: number; typeCode: string }[] = [];
  for (const [i, g] of grids.entries()) {
    for (const k of [i % 2]) {
      const typeCode = TYPES[(i * 2 + k) % TYPES.length]!;
      const p = await createPoint(db, clock, actor, {
        code: `DEMO-${String(i * 2 + k + 1).padStart(3, '0')}`,
        name: `${['示范', '文明', '整洁', '和谐', '幸福', '平安'][i % 6]}${['农贸市场', '背街小巷', '居民小区', '公厕', '学校周边', '主干道'][(i * 2 + k) % 6]}`,
        typeCode,
        geometry: { type: 'Point', coordinates: [g.lon + (k ? 0.0012 : -0.0012), g.lat + (k ? 0.0008 : -0.0006)] },
      });
      points.push({ id: p.id, typeCode });
    }
  }
  const scheme = (await assessmentRepository(db).schemes()).find(
    (s: Scheme) => s.code === 'demo-points' && !s.retiredAt,
  );
  if (!scheme) return null;
  let rounds = 0;
  for (const [r, weeksAgo] of [3, 1].entries()) {
    const held = new Date(now.getTime() - weeksAgo * 7 * DAY);
    const round = await createRound(db, clockAt(held), actor, {
      schemeId: scheme.id,
      name: r === 0 ? '第一轮督查测评' : '第二轮督查测评',
      kind: 'inspection',
      heldOn: beijingDay(held),
      pointIds: points.map((p) => p.id),
    });
    rounds++;
    for (const [j, p] of points.entries()) {
      const items = scheme.items.filter((i) => i.pointTypes.length === 0 || i.pointTypes.includes(p.typeCode));
      // fewer findings in the later round: scores rise toward the targets
      const findings = (j * 3 + 1) % (r === 0 ? 6 : 3);
      await scorePoint(db, clockAt(held), actor, round.id, p.id, {
        items: items.map((it, n) => ({
          itemId: it.id,
          findings: Array.from({ length: n === j % items.length ? findings : 0 }, (_, f) => ({
            note: `${it.nameZh.replace(/（.*$/, '')}不达标 ${f + 1}`,
          })),
        })),
      });
    }
  }
  // ledgers of the units holding those grids
  const units = [...new Set(grids.map((g) => g.unitId).filter((u): u is number => u !== null))].slice(0, 2);
  const viewer = { scope: null, role: 'admin', unitId: null };
  const names = ['创文工作领导小组会议记录', '门前四包责任书', '入户宣传台账'];
  let n = 0;
  for (const [u, unitId] of units.entries()) {
    const g = grids.find((x) => x.unitId === unitId)!;
    for (const [k, name] of names.entries()) {
      n++;
      const due = new Date(now.getTime() + (k - 2) * 5 * DAY);
      const id = await createLedger(db, clock, admin.id, {
        code: `DEMO-TZ-${String(n).padStart(3, '0')}`,
        name,
        unitId,
        areaId: g.communityId,
        dueOn: beijingDay(due),
      });
      if ((u + k) % 4 === 3) continue; // not declared yet
      const item = await submitLedger(db, clock, { id: admin.id, viewer }, id, {
        version: 1,
        files: [{ name: `${name}.pdf`, dataBase64: PDF }],
      });
      if ((u + k) % 4 === 2) continue; // waiting for review
      await reviewLedger(db, clock, { id: admin.id, viewer }, id, {
        version: item!.version,
        decision: (u + k) % 4 === 1 ? 'returned' : 'passed',
        reason: (u + k) % 4 === 1 ? '缺少签字页' : null,
      });
    }
  }
  for (const [i, communityId] of [...new Set(grids.map((g) => g.communityId))].entries()) {
    const day = beijingDay(new Date(now.getTime() - (i + 1) * DAY));
    await createSurvey(db, clock, actor, { communityId, surveyedOn: day, respondents: 120, satisfied: 104 + i * 6 });
    await createVisit(db, clock, actor, { communityId, visitedOn: day, households: 30 + i * 10 });
  }
  return { points: points.length, rounds };
}
