import type { Db } from '../../api/db/types';
import type { Role } from '../../api/auth/roles';
import { planProblem, preparePlan, type PlannedProblem } from './problems';
import { writeChunk } from './problem-bulk/chunk';
import { problemPartitionsRepository } from '../../api/repositories/problem-partitions';
import type { Actor, ReplayContext } from './problem-bulk/types';
import { Actors } from './problem-seed/actors';
import { loadPlanCategories, loadPlanCity } from './problem-seed/load-city';
import { demoPhotoPool } from './problem-seed/writers-share';

/**
 * The same plans as the demo seed (data/demo/problems.ts), written with set-based SQL for
 * benchmarks: a million problems in minutes on native PostGIS. Per chunk, in one transaction:
 * routing by a spatial join on grids and the assignments in force at each reported_at (what
 * responsibility_at answers, built the way the service stores it), the loop replayed in memory
 * through the same pure machine the service uses (api/domain/problem-machine.ts `decide`),
 * the overdue sweep mirrored at every simulated hour as the demo seed runs it, then multi-row
 * inserts of problems, events, notices and photo links. This file is the entry (the accounts
 * and photos made once, the chunks in order); its parts are in data/demo/problem-bulk/ (the SQL,
 * one chunk's transaction, one problem's rows, each step's account and input).
 */

export interface BulkOptions {
  count: number;
  /**
   * The window, as given: a plan is a function of (seed, from, to), so a demo's caller ends it
   * at demoNow (today 00:00 Beijing time, data/demo/day.ts), not at the wall clock's minute.
   */
  from: Date | number;
  to: Date | number;
  seed: number;
  /** only these plan indices (each < count), in increasing order: the same problems as a subset of the seed's plan */
  indices?: number[];
  /** problems per transaction, default 10,000 */
  chunk?: number;
  /** chunks in flight on PostgreSQL (default 2; PGlite has one connection: 1) */
  workers?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface BulkSummary {
  problems: number;
  events: number;
  notices: number;
  photos: number;
  /** time spent in: planning and the in-memory loop (js), routing SQL, inserts */
  ms: { total: number; js: number; routing: number; insert: number };
}

export async function bulkInsertProblems(db: Db, options: BulkOptions): Promise<BulkSummary> {
  const started = performance.now();
  const ms = { total: 0, js: 0, routing: 0, insert: 0 };
  const from = typeof options.from === 'number' ? options.from : options.from.getTime();
  const to = typeof options.to === 'number' ? options.to : options.to.getTime();
  const categoryList = await loadPlanCategories(db);
  const categories = new Map(categoryList.map((c) => [c.code, c]));
  const ctx = preparePlan(await loadPlanCity(db), categoryList, { seed: options.seed, from, to });
  const units = (await db.query<{ id: number; name: string }>('SELECT id, name FROM units ORDER BY code')).rows;

  // Accounts: the seed's (a supervisor per street, a liaison per unit, city-wide ones), and one
  // per grid leader or member, made in one statement rather than one by one.
  const actors = new Actors(db);
  await db.query(`
    WITH staff AS (
      SELECT a.person_id, bool_or(a.role = 'leader') AS leader FROM assignments a
      JOIN people p ON p.id = a.person_id WHERE p.user_id IS NULL GROUP BY a.person_id),
    made AS (
      INSERT INTO users (username, display_name, role, password_hash)
      SELECT 'demo.p' || s.person_id, CASE WHEN s.leader THEN '网格长 ' ELSE '网格员 ' END || p.name,
             (CASE WHEN s.leader THEN 'grid_leader' ELSE 'grid_member' END)::user_role, '!demo-actor-no-login'
      FROM staff s JOIN people p ON p.id = s.person_id
      ON CONFLICT DO NOTHING RETURNING id, username)
    UPDATE people p SET user_id = made.id FROM made WHERE made.username = 'demo.p' || p.id AND p.user_id IS NULL`);
  const people = new Map(
    (
      await db.query<{ personId: number; id: number; name: string; role: Role }>(
        `SELECT p.id AS "personId", u.id, u.display_name AS name, u.role::text AS role FROM people p JOIN users u ON u.id = p.user_id WHERE u.active`,
      )
    ).rows.map((r) => [r.personId, { id: r.id, name: r.name, role: r.role, unitId: null } as Actor]),
  );
  const asActor = async (
    a: Promise<{ id: number; displayName: string; role: Role; unitId?: number | null }>,
  ): Promise<Actor> => {
    const x = await a;
    return { id: x.id, name: x.displayName, role: x.role, unitId: x.unitId ?? null };
  };
  const commander = await asActor(actors.cityWide('commander'));
  // made before the chunks: inside a chunk's transaction the embedded database has no other connection
  const supervisors = new Map<number, Actor>();
  for (const { id } of (await db.query<{ id: number }>(`SELECT id FROM areas WHERE level = 'street' ORDER BY code`))
    .rows)
    supervisors.set(id, await asActor(actors.supervisor(id)));
  const liaisons = new Map<number, Actor>();
  for (const u of units) liaisons.set(u.id, await asActor(actors.unit(u.id)));
  const supervisor = (streetId: number | null) =>
    streetId === null ? commander : (supervisors.get(streetId) ?? commander);
  const liaison = (unitId: number) => liaisons.get(unitId)!;

  // the seed's photos (same seed: the same blobs)
  const photos = await demoPhotoPool(options.seed);
  for (const p of [...photos.before, ...photos.after, ...photos.revisit]) {
    await db.query(
      `INSERT INTO photo_blobs (sha256, mime, width, height, bytes, thumb) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING`,
      [p.sha256, p.mime, p.width, p.height, p.bytes, p.thumb],
    );
  }

  // the months the window spans get their partitions before any chunk writes into them
  await problemPartitionsRepository(db).ensure(from, to);
  const chunk = Math.max(1, options.chunk ?? 10_000);
  const idOf = new Map<number, number>(); // plan index → problem id (duplicates point back a few dozen indices)
  const summary: BulkSummary = { problems: 0, events: 0, notices: 0, photos: 0, ms };
  const rc: ReplayContext = { to, categories, units, idOf, photos, people, commander, supervisor, liaison };
  const indices = options.indices ?? Array.from({ length: options.count }, (_, i) => i);
  // Chunks overlap on PostgreSQL (routing and the in-memory replay of one while the previous one
  // inserts); their inserts still commit in order, since a duplicate may point at the chunk before.
  const workers = db.kind === 'postgres' ? Math.max(1, options.workers ?? 2) : 1;
  const running = new Set<Promise<void>>();
  let previous: Promise<void> = Promise.resolve();
  let done = 0;
  for (let start = 0; start < indices.length; start += chunk) {
    const n = Math.min(chunk, indices.length - start);
    const t = performance.now();
    const plans: PlannedProblem[] = [];
    for (let j = start; j < start + n; j++) plans.push(planProblem(ctx, indices[j]!));
    ms.js += performance.now() - t;
    // ids in plan order, before any later chunk is replayed (its duplicates name them); an id
    // carries the month of its report (problem_new_id, migration 025)
    const ids = (
      await db.query<{ id: number }>(
        `SELECT problem_new_id(t) AS id FROM unnest($1::timestamptz[]) WITH ORDINALITY u(t, i) ORDER BY i`,
        [plans.map((p) => new Date(p.steps[0]!.at).toISOString())],
      )
    ).rows.map((r) => Number(r.id));
    plans.forEach((p, j) => idOf.set(p.index, ids[j]!));
    const job = writeChunk(db, rc, summary, plans, previous).then(() => {
      done += n;
      options.onProgress?.(done, indices.length);
    });
    previous = job;
    running.add(job);
    void job.then(
      () => running.delete(job),
      () => running.delete(job),
    );
    if (running.size >= workers) await Promise.race(running);
  }
  await previous; // the last commits after all the others (and fails if any did)
  await Promise.all(running);
  // ids came from problem_new_id's sequence, so later reports continue after them
  await db.query('ANALYZE problems');
  ms.total = performance.now() - started;
  for (const k of Object.keys(ms) as (keyof typeof ms)[]) ms[k] = Math.round(ms[k]);
  return summary;
}
