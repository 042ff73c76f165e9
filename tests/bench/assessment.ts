/**
 * The weekly 创文指数 and its 周通报 (issue 16), native only, on its own database (default
 * wangge_bench_assessment; `npx tsx tests/bench/assessment.ts <db name>` runs it alone on another).
 * A 10,000-grid demo city with BENCH_ASSESSMENT_PROBLEMS problems (default 100,000, the demo's bulk
 * writer, over a year), and through the services, in proportion to seed 003 (502 points and 825
 * ledger items in one county): a point per 10 grids, two rounds scoring every point, a ledger item
 * per 10 grids (70 % submitted, 50 % passed, some returned), a survey and a household visit per
 * community in the week. Then (a) the week's index for all communities through the HTTP API and
 * the service against its SQL floor: the very queries the service sent (recorded by a wrapping
 * Queryable) replayed one after another through the pool; (b) the bulletin .docx and .xlsx of the
 * published week against the floor of its figure set (the queries of bulletinOf, replayed the same way).
 */
import { pathToFileURL } from 'node:url';
import { freshDatabase } from './fresh-db';
import { migrate } from '../../api/db/migrate';
import type { Db, Queryable } from '../../api/db/types';
import type { Clock } from '../../api/domain/clock';
import { beijingDay } from '../../api/domain/campaign';
import { buildApp } from '../../api/app';
import { hashPassword } from '../../api/auth/passwords';
import { seedDemo } from '../../data/demo/seed';
import { bulkInsertProblems } from '../../data/demo/problems-bulk';
import { assessmentRepository } from '../../api/repositories/assessment';
import { createPoint } from '../../api/services/inspection-points';
import { createRound, scorePoint } from '../../api/services/assessment';
import { createLedger, reviewLedger, submitLedger } from '../../api/services/ledgers';
import { createSurvey, createVisit } from '../../api/services/satisfaction';
import { indexWeek, indexWeekOf, publishWeek } from '../../api/services/assessment-index';
import { bulletinDocx, bulletinOf, bulletinXlsx } from '../../api/services/assessment-bulletin';
import { benchSession, median, p95 } from './tiles';

type Row = (...cells: (string | number)[]) => void;
const ms = (x: number) => x.toFixed(2);
const DAY = 86400_000;
const PROBLEMS = Number(process.env.BENCH_ASSESSMENT_PROBLEMS ?? 100_000);
const TYPES = ['market', 'back_street', 'residential', 'public_toilet', 'school_area', 'main_road'];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');
const clockAt = (t: Date): Clock => ({ now: () => t }) as Clock;

/** A Queryable that records every statement it forwards (the floor replays exactly these). */
function recording(db: Queryable) {
  const log: [string, readonly unknown[] | undefined][] = [];
  const q: Queryable = {
    query: (text, params, options) => {
      log.push([text, params]);
      return db.query(text, params, options);
    },
    exec: (sql) => db.exec(sql),
  };
  return { q, log };
}
async function replay(db: Queryable, log: [string, readonly unknown[] | undefined][]) {
  const t = performance.now();
  for (const [text, params] of log) await db.query(text, params);
  return performance.now() - t;
}

export async function assessmentBench(url: string, row: Row, dbName = 'wangge_bench_assessment', rounds = 5) {
  const db = await freshDatabase(url, dbName);
  try {
    await migrate(db);
    const city = await seedDemo(db, { grids: 10_000 });
    const now = new Date();
    let t = performance.now();
    await bulkInsertProblems(db, {
      count: PROBLEMS,
      from: new Date(now.getTime() - 365 * DAY),
      to: now,
      seed: 20261205,
    });
    row(
      `write ${PROBLEMS.toLocaleString('en')} problems via the demo's bulk writer (native, for the index)`,
      '',
      '',
      ms((performance.now() - t) / 1000) + ' s',
      '',
      '',
    );
    t = performance.now();
    const made = await seedAssessment(db, now);
    row(
      `assessment data via the services: ${made.points} points, 2 rounds, ${made.ledgers} ledger items, ${made.communities} surveys + visits`,
      `${city.grids} grids`,
      '',
      ms((performance.now() - t) / 1000) + ' s',
      '',
      '',
    );
    await db.query('ANALYZE');
    const adminId = made.adminId;
    const week = indexWeekOf(undefined, now).weekStart;

    // (a) the index of every community for the week, live (not yet published)
    const app = await buildApp({ db, loginRateLimit: 1000 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    try {
      const cookie = await benchSession(db, base, await hashPassword('bench-pass-2026'));
      const bench = (await db.query<{ id: number }>(`SELECT id FROM users WHERE username = 'bench'`)).rows[0]!;
      const caller = { scope: null, role: 'planner' as const, userId: bench.id };
      const api: number[] = [];
      const service: number[] = [];
      const floor: number[] = [];
      let communities = 0;
      let statements = 0;
      for (let r = 0; r < rounds; r++) {
        const rec = recording(db);
        t = performance.now();
        const w = await indexWeek(rec.q, caller, now, { week, level: 'community' });
        service.push(performance.now() - t);
        floor.push(await replay(db, rec.log));
        statements = rec.log.length;
        t = performance.now();
        const res = await fetch(`${base}/api/assessment-index?level=community&week=${week}`, { headers: { cookie } });
        if (res.status !== 200) throw new Error(`index answered ${res.status}: ${await res.text()}`);
        communities = ((await res.json()) as { rows: unknown[] }).rows.length;
        api.push(performance.now() - t);
        if (!w.rows.length) throw new Error('no index rows');
      }
      row(
        `weekly index, all ${communities} communities, live week, API (native, ${rounds} rounds)`,
        ms(median(api)),
        ms(p95(api)),
        ms(median(floor)),
        (median(api) / median(floor)).toFixed(2) + '×',
        `${statements} statements in the floor`,
      );
      row(
        `  the same through the service (no HTTP)`,
        ms(median(service)),
        ms(p95(service)),
        ms(median(floor)),
        (median(service) / median(floor)).toFixed(2) + '×',
        '',
      );

      // publishing freezes all three levels once
      t = performance.now();
      await publishWeek(db, now, adminId, week);
      row(`publish the week (community, street and unit rows frozen)`, ms(performance.now() - t), '', '', '', '');

      // (b) the bulletin of the published week: its figure set, then .docx and .xlsx
      const docx: number[] = [];
      const xlsx: number[] = [];
      const bFloor: number[] = [];
      const apiDocx: number[] = [];
      let bytes = 0;
      for (let r = 0; r < rounds; r++) {
        const rec = recording(db);
        t = performance.now();
        const b = await bulletinOf(rec.q, caller, now, week);
        const figures = performance.now() - t;
        bFloor.push(await replay(db, rec.log));
        t = performance.now();
        bytes = (await bulletinDocx(b)).byteLength;
        docx.push(figures + performance.now() - t);
        t = performance.now();
        await bulletinXlsx(b);
        xlsx.push(figures + performance.now() - t);
        t = performance.now();
        const res = await fetch(`${base}/api/assessment-index/weeks/${week}/bulletin.docx`, { headers: { cookie } });
        if (res.status !== 200) throw new Error(`bulletin answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        apiDocx.push(performance.now() - t);
      }
      row(
        `bulletin .docx of the published week, API (native)`,
        ms(median(apiDocx)),
        ms(p95(apiDocx)),
        ms(median(bFloor)),
        (median(apiDocx) / median(bFloor)).toFixed(2) + '×',
        `${(bytes / 1024).toFixed(1)} KB`,
      );
      row(
        `  figures + .docx through the service`,
        ms(median(docx)),
        ms(p95(docx)),
        ms(median(bFloor)),
        (median(docx) / median(bFloor)).toFixed(2) + '×',
        '',
      );
      row(
        `  figures + .xlsx through the service`,
        ms(median(xlsx)),
        ms(p95(xlsx)),
        ms(median(bFloor)),
        (median(xlsx) / median(bFloor)).toFixed(2) + '×',
        '',
      );
    } finally {
      await app.close();
    }
  } finally {
    await db.close();
  }
}

/** Points, two rounds, ledgers, surveys and visits, written through the services. */
async function seedAssessment(db: Db, now: Date) {
  let adminId = (await db.query<{ id: number }>(`SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1`))
    .rows[0]?.id;
  if (!adminId)
    adminId = (
      await db.query<{ id: number }>(
        `INSERT INTO users (username, display_name, role, password_hash) VALUES ('bench-admin', 'bench-admin', 'admin', 'x') RETURNING id`,
      )
    ).rows[0]!.id;
  const actor = { id: adminId, displayName: 'admin', role: 'admin' as const, scope: null };
  const clock = clockAt(now);
  // one point per 10 grids (label points), one ledger item per 10 grids to the grid's lead unit
  const grids = (
    await db.query<{ id: number; communityId: number; lon: number; lat: number; unitId: number | null }>(
      `SELECT g.id, g.parent_id AS "communityId", ST_X(g.label_point) AS lon, ST_Y(g.label_point) AS lat,
              (SELECT x.unit_id FROM assignments x WHERE x.area_id = g.id AND x.role = 'lead' AND x.unit_id IS NOT NULL
                 AND assignment_in_force(x.valid_from, x.valid_to, $1) LIMIT 1) AS "unitId"
       FROM (SELECT *, row_number() OVER (ORDER BY code) AS k FROM areas WHERE level = 'grid') g WHERE g.k % 10 = 1`,
      [now],
    )
  ).rows;
  const points: { id: number; typeCode: string }[] = [];
  for (const [i, g] of grids.entries()) {
    const typeCode = TYPES[i % TYPES.length]!;
    const p = await createPoint(db, clock, actor, {
      code: `B-${String(i + 1).padStart(5, '0')}`,
      name: `测评点位${i + 1}`,
      typeCode,
      geometry: { type: 'Point', coordinates: [g.lon, g.lat] },
    });
    points.push({ id: p.id, typeCode });
  }
  const scheme = (await assessmentRepository(db).schemes()).find((s) => s.code === 'demo-points' && !s.retiredAt);
  if (!scheme) throw new Error('no demo-points scheme: run the migrations');
  for (const [r, daysAgo] of [10, 2].entries()) {
    const held = new Date(now.getTime() - daysAgo * DAY);
    const round = await createRound(db, clockAt(held), actor, {
      schemeId: scheme.id,
      name: `测评第${r + 1}轮`,
      kind: 'inspection',
      heldOn: beijingDay(held),
      pointIds: points.map((p) => p.id),
    });
    for (const [j, p] of points.entries()) {
      const items = scheme.items.filter((i) => i.pointTypes.length === 0 || i.pointTypes.includes(p.typeCode));
      await scorePoint(db, clockAt(held), actor, round.id, p.id, {
        items: items.map((it, n) => ({
          itemId: it.id,
          findings: Array.from({ length: n === j % items.length ? (j + r) % 3 : 0 }, (_, f) => ({
            note: `不达标 ${f + 1}`,
          })),
        })),
      });
    }
  }
  const viewer = { scope: null, role: 'admin', unitId: null };
  let ledgers = 0;
  for (const [i, g] of grids.entries()) {
    if (g.unitId === null) continue;
    const id = await createLedger(db, clock, adminId, {
      code: `B-TZ-${String(i + 1).padStart(5, '0')}`,
      name: `台账${i + 1}`,
      unitId: g.unitId,
      areaId: g.communityId,
      dueOn: beijingDay(new Date(now.getTime() - (i % 7) * DAY)),
    });
    ledgers++;
    if (i % 10 >= 7) continue; // 30 % not declared
    const item = await submitLedger(db, clock, { id: adminId, viewer }, id, {
      version: 1,
      files: [{ name: `台账${i + 1}.pdf`, dataBase64: PDF }],
    });
    if (i % 10 >= 5) continue; // waiting for review
    await reviewLedger(db, clock, { id: adminId, viewer }, id, {
      version: item!.version,
      decision: i % 10 === 4 ? 'returned' : 'passed',
      reason: i % 10 === 4 ? '缺少签字页' : null,
    });
  }
  const communities = (await db.query<{ id: number }>(`SELECT id FROM areas WHERE level = 'community' ORDER BY code`))
    .rows;
  const day = beijingDay(now);
  for (const [i, c] of communities.entries()) {
    await createSurvey(db, clock, actor, {
      communityId: c.id,
      surveyedOn: day,
      respondents: 100,
      satisfied: 80 + (i % 20),
    });
    await createVisit(db, clock, actor, { communityId: c.id, visitedOn: day, households: 20 + (i % 30) });
  }
  return { adminId, points: points.length, ledgers, communities: communities.length };
}

// run alone: BENCH_DATABASE_URL=postgres://… npx tsx tests/bench/assessment.ts wangge_h_assess_bench
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('set BENCH_DATABASE_URL');
  const out: string[][] = [];
  await assessmentBench(url, (...cells) => out.push(cells.map(String)), process.argv[2]);
  for (const r of out) console.log(`| ${r.join(' | ')} |`);
  process.exit(0);
}
