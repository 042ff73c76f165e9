import type { Db } from '../../api/db/types';
import type { Role } from '../../api/auth/roles';
import type { ProblemStepWrite } from '../../api/repositories/problem-writes';
import {
  decide,
  type ActionInput,
  type CategoryRules,
  type MachineProblem,
  type ProblemAction,
  type ProblemState,
} from '../../api/domain/problem-machine';
import { NOTICE_DUE_HOURS } from '../../api/services/problem-sweep';
import { planProblem, preparePlan, type PlannedProblem, type PlanStep } from './problems';
import { Actors, chooseAssignee, demoPhotoPool, handlerUnit, loadPlanCategories, loadPlanCity } from './problems-seed';

/**
 * The same plans as the demo seed (data/demo/problems.ts), written with set-based SQL for
 * benchmarks: a million problems in minutes on native PostGIS. Per chunk, in one transaction:
 * routing by a spatial join on grids and the assignments in force at each reported_at (what
 * responsibility_at answers, built the way the service stores it), the loop replayed in memory
 * through the same pure machine the service uses (api/domain/problem-machine.ts `decide`),
 * the overdue sweep mirrored at every simulated hour as the demo seed runs it, then multi-row
 * inserts of problems, events, notices and photo links.
 */

const HOUR = 3600_000;

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

// Routing for points inside a grid: the grid (lowest code on a shared edge), its community and
// street, and every assignment of the grid and of its community in force at the instant, as
// responsibility_at returns them (same orders), reshaped as the service stores them (routing).
// Set-based: each point finds its grid and the ids of the assignments in force (two index
// probes); the JSON is built once per distinct (grid, assignments) and shared by its points.
const SQL_ROUTE_IN_GRID = `
  WITH pts AS MATERIALIZED (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(k int, lon float8, lat float8, at timestamptz)),
  located AS MATERIALIZED (
    SELECT pts.k, pts.at, g.id AS gid,
      ARRAY(SELECT a.id FROM assignments a WHERE a.area_id IN (g.id, g.parent_id)
              AND assignment_in_force(a.valid_from, a.valid_to, pts.at) ORDER BY a.id) AS ids
    FROM pts CROSS JOIN LATERAL (
      SELECT ga.id, ga.parent_id FROM areas ga
      WHERE ga.level = 'grid' AND ST_Intersects(ga.geom, ST_SetSRID(ST_MakePoint(pts.lon, pts.lat), 4326))
      ORDER BY ga.code LIMIT 1) g),
  sets AS (SELECT DISTINCT gid, ids FROM located),
  built AS (
    SELECT sets.gid, sets.ids, c.id AS cid, s.id AS sid, g.code, s.code AS scode,
      jsonb_build_object(
        'grid', jsonb_build_object('id', g.id, 'code', g.code, 'name', g.name, 'areaM2', g.area_m2),
        'community', jsonb_build_object('id', c.id, 'code', c.code, 'name', c.name),
        'street', jsonb_build_object('id', s.id, 'code', s.code, 'name', s.name),
        'leader', (SELECT e FROM jsonb_array_elements(h.staff) WITH ORDINALITY x(e, i) WHERE e->>'role' = 'leader' ORDER BY i LIMIT 1),
        'members', (SELECT coalesce(jsonb_agg(e ORDER BY i), '[]') FROM jsonb_array_elements(h.staff) WITH ORDINALITY x(e, i) WHERE e->>'role' = 'member'),
        'leadUnit', (SELECT e FROM jsonb_array_elements(h.units) WITH ORDINALITY x(e, i) WHERE e->>'areaLevel' = 'grid' AND e->>'role' = 'lead' ORDER BY i LIMIT 1),
        'supportUnits', (SELECT coalesce(jsonb_agg(e ORDER BY i), '[]') FROM jsonb_array_elements(h.units) WITH ORDINALITY x(e, i) WHERE e->>'areaLevel' = 'grid' AND e->>'role' = 'support'),
        'communityUnits', (SELECT coalesce(jsonb_agg(e ORDER BY i), '[]') FROM jsonb_array_elements(h.units) WITH ORDINALITY x(e, i) WHERE e->>'areaLevel' = 'community')) AS base
    FROM sets
    JOIN areas g ON g.id = sets.gid
    JOIN areas c ON c.id = g.parent_id
    JOIN areas s ON s.id = c.parent_id
    CROSS JOIN LATERAL (
      SELECT
        coalesce(jsonb_agg(jsonb_build_object(
          'assignmentId', a.id, 'role', a.role, 'personId', p.id, 'name', p.name, 'phone', p.phone,
          'validFrom', iso_utc(a.valid_from), 'validTo', iso_utc(a.valid_to)) ORDER BY a.role, p.name, p.id) FILTER (WHERE p.id IS NOT NULL), '[]') AS staff,
        coalesce(jsonb_agg(jsonb_build_object(
          'assignmentId', a.id, 'role', a.role, 'areaLevel', a.area_level, 'unitId', u.id, 'code', u.code,
          'name', u.name, 'type', u.type, 'leaderName', u.leader_name, 'contactName', u.contact_name,
          'contactPhone', u.contact_phone, 'validFrom', iso_utc(a.valid_from), 'validTo', iso_utc(a.valid_to))
          ORDER BY a.area_level DESC, a.role, u.code) FILTER (WHERE u.id IS NOT NULL), '[]') AS units
      FROM assignments a LEFT JOIN people p ON p.id = a.person_id LEFT JOIN units u ON u.id = a.unit_id
      WHERE a.id = ANY (sets.ids)) h)
  INSERT INTO bulk_routes (k, grid_id, community_id, street_id, area_code, street_code, routing)
  SELECT l.k, l.gid, b.cid, b.sid, b.code, b.scode, b.base || jsonb_build_object('at', iso_utc(l.at))
  FROM located l JOIN built b ON b.gid = l.gid AND b.ids = l.ids`;

// Points in no grid (a coverage gap): the deepest area containing them and that community's
// units, as the service's route() stores them.
const SQL_ROUTE_OUTSIDE = `
  INSERT INTO bulk_routes (k, grid_id, community_id, street_id, area_code, street_code, routing)
  SELECT pts.k, NULL, c.id, s.id, coalesce(c.code, s.code, co.code), s.code,
    jsonb_build_object('at', iso_utc(pts.at), 'grid', NULL,
      'community', CASE WHEN c.id IS NULL THEN NULL ELSE jsonb_build_object('id', c.id, 'code', c.code, 'name', c.name) END,
      'street', CASE WHEN s.id IS NULL THEN NULL ELSE jsonb_build_object('id', s.id, 'code', s.code, 'name', s.name) END,
      'leader', NULL, 'members', '[]'::jsonb, 'leadUnit', NULL, 'supportUnits', '[]'::jsonb,
      'communityUnits', coalesce((
        SELECT jsonb_agg(jsonb_build_object(
                 'assignmentId', a.id, 'role', a.role, 'areaLevel', a.area_level, 'unitId', u.id, 'code', u.code,
                 'name', u.name, 'type', u.type, 'leaderName', u.leader_name, 'contactName', u.contact_name,
                 'contactPhone', u.contact_phone, 'validFrom', iso_utc(a.valid_from), 'validTo', iso_utc(a.valid_to))
               ORDER BY a.role, u.code)
        FROM assignments a JOIN units u ON u.id = a.unit_id
        WHERE a.area_id = c.id AND assignment_in_force(a.valid_from, a.valid_to, pts.at)), '[]'::jsonb))
  FROM (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(k int, lon float8, lat float8, at timestamptz)
        WHERE NOT EXISTS (SELECT 1 FROM bulk_routes r WHERE r.k = x.k) OFFSET 0) pts -- only what no grid took (OFFSET 0: filter first)
  LEFT JOIN LATERAL (SELECT a.id, a.code, a.name FROM areas a WHERE a.level = 'community' AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(pts.lon, pts.lat), 4326)) ORDER BY a.code LIMIT 1) c ON true
  LEFT JOIN LATERAL (SELECT a.id, a.code, a.name FROM areas a WHERE a.level = 'street' AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(pts.lon, pts.lat), 4326)) ORDER BY a.code LIMIT 1) s ON true
  LEFT JOIN LATERAL (SELECT a.code FROM areas a WHERE a.level = 'county' AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(pts.lon, pts.lat), 4326)) ORDER BY a.code LIMIT 1) co ON true
  WHERE co.code IS NOT NULL`;

const SQL_ROUTES_BACK = `
  SELECT k, grid_id AS "gridId", street_id AS "streetId", (routing->'leadUnit'->>'unitId')::int AS "leadUnitId",
         routing->'leader' AS leader, routing->'members' AS members,
         ARRAY(SELECT (e->>'unitId')::int FROM jsonb_array_elements(routing->'supportUnits') e) AS "supportUnitIds",
         ARRAY(SELECT jsonb_build_object('unitId', (e->>'unitId')::int, 'role', e->>'role') FROM jsonb_array_elements(routing->'communityUnits') e) AS "communityUnits"
  FROM bulk_routes`;

const SQL_INSERT_PROBLEMS = `
  INSERT INTO problems (id, street_code, category_id, source, description, address, location, reported_by, reported_at,
    grid_id, community_id, street_id, area_code, leader_person_id, lead_unit_id, routing,
    state, urgent, assignee_unit_id, verified_at, assigned_at, deadline, fixed_at, closed_at, closed_on_time,
    revisit_due_at, revisited_at, suspended_at, pending_request, duplicate_of,
    rework_count, relapse_count, return_count, extension_count, supervision_count, accountability_count, cycle, version, updated_at)
  OVERRIDING SYSTEM VALUE
  SELECT f.id, r.street_code, f.category_id, f.source::problem_source, f.description, f.address, ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326),
    f.reported_by, f.reported_at, r.grid_id, r.community_id, r.street_id, r.area_code,
    (r.routing->'leader'->>'personId')::int, (r.routing->'leadUnit'->>'unitId')::int, r.routing,
    f.state::problem_state, f.urgent, f.assignee_unit_id, f.verified_at, f.assigned_at, f.deadline, f.fixed_at, f.closed_at, f.closed_on_time,
    f.revisit_due_at, f.revisited_at, f.suspended_at, f.pending_request, f.duplicate_of,
    f.rework_count, f.relapse_count, f.return_count, f.extension_count, f.supervision_count, f.accountability_count, f.cycle, f.version, f.updated_at
  FROM jsonb_to_recordset($1::jsonb) AS f(k int, id bigint, category_id int, source text, description text, address text, lon float8, lat float8,
    reported_by int, reported_at timestamptz, state text, urgent boolean, assignee_unit_id int, verified_at timestamptz, assigned_at timestamptz,
    deadline timestamptz, fixed_at timestamptz, closed_at timestamptz, closed_on_time boolean, revisit_due_at timestamptz, revisited_at timestamptz,
    suspended_at timestamptz, pending_request jsonb, duplicate_of bigint, rework_count int, relapse_count int, return_count int,
    extension_count int, supervision_count int, accountability_count int, cycle int, version int, updated_at timestamptz)
  JOIN bulk_routes r ON r.k = f.k
  ORDER BY f.id`;

const SQL_INSERT_EVENTS = `
  INSERT INTO problem_events (problem_id, seq, action, from_state, to_state, actor_id, actor_name, actor_role, actor_unit_id, at, comment, data)
  SELECT e.p, e.seq, e.action, e.from_state::problem_state, e.to_state::problem_state, e.actor_id, e.actor_name, e.actor_role, e.actor_unit_id, e.at, e.comment, e.data
  FROM jsonb_to_recordset($1::jsonb) AS e(p bigint, seq int, action text, from_state text, to_state text, actor_id int, actor_name text,
    actor_role text, actor_unit_id int, at timestamptz, comment text, data jsonb)`;

const SQL_INSERT_NOTICES = `
  INSERT INTO problem_notices (id, problem_id, kind, cycle, number, issued_at, due_at, unit_id, grid_id, area_code, resolved_at)
  OVERRIDING SYSTEM VALUE
  SELECT n.id, n.p, n.kind::notice_kind, n.cycle, n.number, n.issued_at, n.due_at, n.unit_id, pr.grid_id, pr.area_code, n.resolved_at
  FROM jsonb_to_recordset($1::jsonb) AS n(id bigint, p bigint, kind text, cycle int, number text, issued_at timestamptz, due_at timestamptz,
    unit_id int, resolved_at timestamptz)
  JOIN problems pr ON pr.id = n.p`;

const SQL_INSERT_PHOTOS = `
  INSERT INTO problem_photos (problem_id, event_id, kind, sha256, uploaded_by, uploaded_at)
  SELECT x.p, e.id, x.kind, x.sha256, e.actor_id, e.at
  FROM jsonb_to_recordset($1::jsonb) AS x(p bigint, seq int, kind text, sha256 text)
  JOIN problem_events e ON e.problem_id = x.p AND e.seq = x.seq`;

interface RouteBack {
  k: number;
  gridId: number | null;
  streetId: number | null;
  leadUnitId: number | null;
  leader: { personId: number; name: string } | null;
  members: { personId: number; name: string }[];
  supportUnitIds: number[];
  communityUnits: { unitId: number; role: string }[];
}
interface Actor {
  id: number;
  name: string;
  role: Role;
  unitId: number | null;
}

/** Problem columns as the service leaves them, built up step by step: what a step writes, plus the counters and version. */
interface Row extends ProblemStepWrite {
  supervisionCount: number;
  accountabilityCount: number;
  version: number;
  updatedAt: Date;
}

const ceilHourAfter = (t: number) => Math.floor(t / HOUR) * HOUR + HOUR; // the first hour boundary strictly after t
const beijingYear = (t: number) => new Date(t + 8 * HOUR).getUTCFullYear();

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

  const chunk = Math.max(1, options.chunk ?? 10_000);
  const idOf = new Map<number, number>(); // plan index → problem id (duplicates point back a few dozen indices)
  const summary: BulkSummary = { problems: 0, events: 0, notices: 0, photos: 0, ms };
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
    // ids in plan order, before any later chunk is replayed (its duplicates name them)
    const ids = (
      await db.query<{ id: number }>(
        `SELECT nextval(pg_get_serial_sequence('problems', 'id'))::bigint AS id FROM generate_series(1, $1)`,
        [n],
      )
    ).rows.map((r) => Number(r.id));
    plans.forEach((p, j) => idOf.set(p.index, ids[j]!));
    const job = writeChunk(plans, previous).then(() => {
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
  // ids came from the identity's own sequence (nextval), so later reports continue after them
  await db.query('ANALYZE problems');
  ms.total = performance.now() - started;
  for (const k of Object.keys(ms) as (keyof typeof ms)[]) ms[k] = Math.round(ms[k]);
  return summary;

  /** One chunk in one transaction: route, replay, then (after the chunk before commits) insert. */
  async function writeChunk(plans: PlannedProblem[], after: Promise<void>) {
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
        const out = replay(p, r);
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

  interface NoticeDraft {
    id: number;
    number: string;
    p: number;
    kind: 'supervision' | 'accountability';
    cycle: number;
    issuedAt: number;
    dueAt: number;
    unitId: number | null;
    resolvedAt: number | null;
    event: object;
  }

  /** One problem's life through the machine, with the sweep's notices at every simulated hour. */
  function replay(p: PlannedProblem, r: RouteBack) {
    const cat = categories.get(p.categoryCode)!;
    const rules: CategoryRules = {
      deadlineHours: cat.deadlineHours,
      workingDays: cat.workingDays,
      revisitDays: cat.revisitDays,
    };
    const id = idOf.get(p.index)!;
    const reportedAt = p.steps[0]!.at;
    const reporter = reporterOf(p, r);
    const row: Row = {
      state: 'reported',
      urgent: p.urgent,
      assigneeUnitId: null,
      verifiedAt: null,
      assignedAt: null,
      deadline: null,
      fixedAt: null,
      closedAt: null,
      closedOnTime: null,
      revisitDueAt: null,
      revisitedAt: null,
      suspendedAt: null,
      pendingRequest: null,
      duplicateOf: null,
      reworkCount: 0,
      relapseCount: 0,
      returnCount: 0,
      extensionCount: 0,
      supervisionCount: 0,
      accountabilityCount: 0,
      cycle: 0,
      version: 1,
      updatedAt: new Date(reportedAt),
    };
    const events: Record<string, unknown>[] = [];
    const notices: Omit<NoticeDraft, 'id' | 'number'>[] = [];
    const links: object[] = [];
    const event = (
      e: { action: string; from: ProblemState | null; to: ProblemState; comment: string | null; data: object },
      actor: Actor | null,
      at: number,
    ) => {
      const ev = {
        p: id,
        seq: row.version,
        action: e.action,
        from_state: e.from,
        to_state: e.to,
        actor_id: actor?.id ?? null,
        actor_name: actor?.name ?? null,
        actor_role: actor?.role ?? null,
        actor_unit_id: actor?.unitId ?? null,
        at: new Date(at),
        comment: e.comment,
        data: e.data,
      };
      events.push(ev);
      return ev;
    };
    event(
      {
        action: 'report',
        from: null,
        to: 'reported',
        comment: null,
        data: { source: p.source, urgent: p.urgent, outsideGrid: r.gridId === null },
      },
      reporter,
      reportedAt,
    );
    if (p.source !== 'citizen' && p.source !== 'higher_level')
      links.push({ p: id, seq: 1, kind: 'before', sha256: photos.before[p.index % photos.before.length]!.sha256 });

    // the sweep: at every hour boundary after a step (and at the window's end), before any step
    // at that same instant; supervision once per cycle past the deadline, accountability once
    // the supervision notice is due and the problem is still assigned
    const sup = new Map<number, number>(),
      acc = new Set<number>();
    const sweepUntil = (after: number, until: number, last: boolean) => {
      if (row.state !== 'assigned' || !row.deadline) return;
      const d = row.deadline.getTime();
      const sweepAt = (notBefore: number) => {
        const h = ceilHourAfter(Math.max(after, notBefore));
        if (h <= until) return h;
        return last && until > after && until > notBefore ? until : null; // the final sweep at the window's end
      };
      for (;;) {
        const c = row.cycle;
        let h: number | null, kind: 'supervision' | 'accountability';
        if (!sup.has(c)) {
          h = sweepAt(d);
          kind = 'supervision';
        } else if (!acc.has(c)) {
          h = sweepAt(Math.max(d, sup.get(c)! + NOTICE_DUE_HOURS * HOUR));
          kind = 'accountability';
        } else return;
        if (h === null) return;
        if (kind === 'supervision') {
          sup.set(c, h);
          row.supervisionCount++;
        } else {
          acc.add(c);
          row.accountabilityCount++;
        }
        row.version++;
        row.updatedAt = new Date(h);
        const ev = event(
          { action: `${kind}_notice`, from: 'assigned', to: 'assigned', comment: null, data: {} },
          null,
          h,
        );
        notices.push({
          p: id,
          kind,
          cycle: c,
          issuedAt: h,
          dueAt: h + NOTICE_DUE_HOURS * HOUR,
          unitId: row.assigneeUnitId,
          resolvedAt: null,
          event: ev,
        });
        after = h;
      }
    };

    let prev = reportedAt,
      returnedBy: number | null = null;
    for (const s of p.steps.slice(1)) {
      sweepUntil(prev, s.at, false);
      const { actor, input } = inputOf(p, s, r, row, returnedBy);
      const d = decide(
        machineOf(row, r),
        s.action as ProblemAction,
        input,
        { id: actor.id, name: actor.name, role: actor.role, unitId: actor.unitId },
        new Date(s.at),
        rules,
      );
      if (d.kind !== 'ok')
        throw new Error(`bulk problems: plan ${p.index} step ${s.action} refused by the machine: ${d.kind}`);
      if (s.action === 'return') returnedBy = row.assigneeUnitId;
      const leaving = row.state === 'assigned' && d.event.to !== 'assigned';
      Object.assign(row, d.patch);
      row.version++;
      row.updatedAt = new Date(s.at);
      event(d.event, actor, s.at);
      if (s.action === 'fix')
        links.push({ p: id, seq: row.version, kind: 'after', sha256: photos.after[s.photo ?? 0]!.sha256 });
      if (s.action === 'revisit' && !s.holds)
        links.push({
          p: id,
          seq: row.version,
          kind: 'revisit',
          sha256: photos.revisit[p.index % photos.revisit.length]!.sha256,
        });
      if (leaving) for (const nt of notices) if (nt.resolvedAt === null) nt.resolvedAt = s.at;
      prev = s.at;
    }
    sweepUntil(prev, to, true);

    const iso = (x: Date | null) => (x ? x.toISOString() : null);
    return {
      row: {
        k: p.index,
        id,
        category_id: cat.id,
        source: p.source,
        description: p.description,
        address: p.address,
        lon: p.lon,
        lat: p.lat,
        reported_by: reporter.id,
        reported_at: new Date(reportedAt).toISOString(),
        state: row.state,
        urgent: row.urgent,
        assignee_unit_id: row.assigneeUnitId,
        verified_at: iso(row.verifiedAt),
        assigned_at: iso(row.assignedAt),
        deadline: iso(row.deadline),
        fixed_at: iso(row.fixedAt),
        closed_at: iso(row.closedAt),
        closed_on_time: row.closedOnTime,
        revisit_due_at: iso(row.revisitDueAt),
        revisited_at: iso(row.revisitedAt),
        suspended_at: iso(row.suspendedAt),
        pending_request: row.pendingRequest,
        duplicate_of: row.duplicateOf,
        rework_count: row.reworkCount,
        relapse_count: row.relapseCount,
        return_count: row.returnCount,
        extension_count: row.extensionCount,
        supervision_count: row.supervisionCount,
        accountability_count: row.accountabilityCount,
        cycle: row.cycle,
        version: row.version,
        updated_at: row.updatedAt.toISOString(),
      },
      events,
      notices,
      photos: links,
    };
  }

  function machineOf(row: Row, r: RouteBack): MachineProblem {
    return {
      state: row.state,
      urgent: row.urgent,
      assigneeUnitId: row.assigneeUnitId,
      routedUnitId: r.leadUnitId ?? r.communityUnits.find((u) => u.role === 'lead')?.unitId ?? null,
      deadline: row.deadline,
      assignedAt: row.assignedAt,
      fixedAt: row.fixedAt,
      suspendedAt: row.suspendedAt,
      pendingRequest: row.pendingRequest,
      cycle: row.cycle,
      reworkCount: row.reworkCount,
      relapseCount: row.relapseCount,
      returnCount: row.returnCount,
      extensionCount: row.extensionCount,
    };
  }

  function reporterOf(p: PlannedProblem, r: RouteBack): Actor {
    if (p.source === 'patrol') {
      // the replay's order (problems-seed.ts reporterOf): members by person id, then the leader
      const members = [...r.members].sort((a, b) => a.personId - b.personId);
      const staff = [...members, ...(r.leader ? [r.leader] : [])];
      const who = staff[p.index % Math.max(1, r.members.length)] ?? staff[0];
      const a = who && people.get(who.personId);
      if (a) return a;
    }
    if (p.source === 'inspection' || p.source === 'undercover') return supervisor(r.streetId);
    return commander;
  }

  /** The account and the input of a step, as the demo seed chooses them (first candidate). */
  function inputOf(
    p: PlannedProblem,
    s: PlanStep,
    r: RouteBack,
    row: Row,
    returnedBy: number | null,
  ): { actor: Actor; input: ActionInput } {
    const input: ActionInput = { comment: s.comment ?? null, reason: s.reason ?? null };
    const command =
      (['citizen', 'camera', 'higher_level'].includes(p.source) &&
        ['verify', 'reject', 'mark_duplicate', 'assign'].includes(s.action)) ||
      ['approve_extension', 'deny_extension', 'approve_suspension', 'deny_suspension', 'resume'].includes(s.action);
    const reviewer = command ? commander : supervisor(r.streetId);
    const leader = r.leader ? people.get(r.leader.personId) : undefined;
    const member = r.members[0] ? people.get(r.members[0].personId) : undefined;
    const unit = row.assigneeUnitId ? liaison(row.assigneeUnitId) : undefined;
    let actor: Actor;
    if (s.by === 'grid')
      actor =
        (s.action === 'revisit' ? (leader?.role === 'grid_leader' ? leader : reviewer) : (leader ?? member ?? unit)) ??
        reviewer;
    else if (s.by === 'unit') actor = unit ?? leader ?? reviewer;
    else actor = reviewer;
    switch (s.action) {
      case 'mark_duplicate':
        input.duplicateOf = idOf.get(s.duplicateOf!) ?? null;
        break;
      case 'assign':
        input.unitId = chooseAssignee(r, s, returnedBy, () =>
          handlerUnit(categories.get(p.categoryCode)?.handler ?? null, units),
        );
        break;
      case 'request_extension':
        input.deadline = new Date((row.deadline?.getTime() ?? s.at) + (s.extendHours ?? 24) * HOUR);
        break;
      case 'fix':
        input.photoCount = 1;
        break;
      case 'revisit':
        input.holds = s.holds ?? true;
        input.photoCount = s.holds ? 0 : 1;
        break;
      default:
    }
    return { actor, input };
  }
}
