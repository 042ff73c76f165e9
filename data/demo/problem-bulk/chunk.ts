import type { Db } from '../../../api/db/types';
import type { PlannedProblem } from '../problems';
import type { BulkSummary } from '../problems-bulk';
import { replay } from './replay';
import {
  SQL_INSERT_EVENTS,
  SQL_INSERT_NOTICES,
  SQL_INSERT_PHOTOS,
  SQL_INSERT_PROBLEMS,
  SQL_ROUTE_IN_GRID,
  SQL_ROUTE_OUTSIDE,
  SQL_ROUTES_BACK,
} from './sql';
import type { NoticeDraft, ReplayContext, RouteBack } from './types';

/**
 * Writing one chunk of the bulk writer in one transaction: route its points in SQL, build every
 * problem's rows in memory (replay.ts), give the notices their ids and numbers, then, once the
 * chunk before has inserted (a duplicate may point at it), insert problems, events, notices and
 * photo links, and add what was written and the time spent to the summary.
 */

const HOUR = 3600_000;
const beijingYear = (t: number) => new Date(t + 8 * HOUR).getUTCFullYear();

/** One chunk in one transaction: route, replay, then (after the chunk before commits) insert. */
export async function writeChunk(
  db: Db,
  rc: ReplayContext,
  summary: BulkSummary,
  plans: PlannedProblem[],
  after: Promise<void>,
) {
  const { ms } = summary;
  await db.transaction(async (tx) => {
    let t = performance.now();
    // bench data: a crash loses at most the last chunks, so commits need not wait for the disk
    if (db.kind === 'postgres') await tx.query('SET LOCAL synchronous_commit = off');
    await tx.query(
      `CREATE TEMP TABLE bulk_routes (k int PRIMARY KEY, grid_id int, community_id int, street_id int, area_code text, street_code text, routing jsonb) ON COMMIT DROP`,
    );
    const pts = JSON.stringify(
      plans.map((p) => ({ k: p.index, lon: p.lon, lat: p.lat, at: new Date(p.steps[0]!.at).toISOString() })),
    );
    await tx.query(SQL_ROUTE_IN_GRID, [pts]);
    await tx.query(SQL_ROUTE_OUTSIDE, [pts]);
    const routes = new Map((await tx.query<RouteBack>(SQL_ROUTES_BACK)).rows.map((r) => [r.k, r]));
    ms.routing += performance.now() - t;

    t = performance.now();
    const problemRows: object[] = [],
      events: object[] = [],
      notices: Omit<NoticeDraft, 'id' | 'number'>[] = [],
      links: object[] = [];
    for (const p of plans) {
      const r = routes.get(p.index);
      if (!r) throw new Error(`bulk problems: plan ${p.index} at ${p.lon}, ${p.lat} lies outside the county`);
      const out = replay(rc, p, r);
      problemRows.push(out.row);
      for (const e of out.events) events.push(e);
      for (const x of out.notices) notices.push(x);
      for (const x of out.photos) links.push(x);
    }
    // notice ids and numbers, then the notice events can name them
    const noticeIds = notices.length
      ? (
          await tx.query<{ id: number; n: number }>(
            `SELECT nextval(pg_get_serial_sequence('problem_notices', 'id'))::bigint AS id, nextval('problem_notice_number')::bigint AS n FROM generate_series(1, $1)`,
            [notices.length],
          )
        ).rows
      : [];
    const noticeRows = notices.map((d, i) => {
      const id = Number(noticeIds[i]!.id);
      const number = `${d.kind === 'supervision' ? '督办' : '问责'}〔${beijingYear(d.issuedAt)}〕第${String(noticeIds[i]!.n).padStart(4, '0')}号`;
      const ev = d.event as { data: Record<string, unknown> };
      ev.data = { noticeId: id, number, kind: d.kind, dueAt: new Date(d.dueAt).toISOString() };
      return {
        id,
        p: d.p,
        kind: d.kind,
        cycle: d.cycle,
        number,
        issued_at: new Date(d.issuedAt),
        due_at: new Date(d.dueAt),
        unit_id: d.unitId,
        resolved_at: d.resolvedAt === null ? null : new Date(d.resolvedAt),
      };
    });
    const body = {
      problems: JSON.stringify(problemRows),
      events: JSON.stringify(events),
      notices: JSON.stringify(noticeRows),
      links: JSON.stringify(links),
    };
    ms.js += performance.now() - t;

    await after;
    t = performance.now();
    await tx.query(SQL_INSERT_PROBLEMS, [body.problems]);
    await tx.query(SQL_INSERT_EVENTS, [body.events]);
    if (noticeRows.length) await tx.query(SQL_INSERT_NOTICES, [body.notices]);
    if (links.length) await tx.query(SQL_INSERT_PHOTOS, [body.links]);
    // dropped here too, not only on commit: a caller may run all chunks in one transaction (first start)
    await tx.query('DROP TABLE bulk_routes');
    ms.insert += performance.now() - t;
    summary.problems += plans.length;
    summary.events += events.length;
    summary.notices += noticeRows.length;
    summary.photos += links.length;
  });
}
