import type { Db, Queryable } from '../../api/db/types';
import type { Role } from '../../api/auth/roles';
import { controllableClock, type ControllableClock } from '../../api/domain/clock';
import type { ProblemAction } from '../../api/domain/problem-machine';
import { AppError } from '../../api/errors';
import type { PreparedPhoto } from '../../api/services/photos';
import {
  applyTransition,
  recordProblem,
  sweepOverdue,
  type ActionRequest,
  type ProblemActor,
  type TransitionResult,
} from '../../api/services/problems';
import type { Routing } from '../../api/schemas/problems';
import { demoNow } from './day';
import { demoPhoto } from './photos';
import {
  PLAN_PHOTOS,
  planProblems,
  type PlanCategory,
  type PlanCity,
  type PlanPolygon,
  type PlannedProblem,
  type PlanStep,
  type ProblemPlan,
} from './problems';

/**
 * The demo city's problems written through the services users use: every report is routed and
 * recorded by the code behind POST /api/problems at its own instant, every step goes through
 * the code behind POST /api/problems/:id/actions/:action (state machine, scope, role, version,
 * events, photos) by an account of the right role, and the overdue sweep runs at every
 * simulated hour, so notices come out as they would have in real time. The clock is set to
 * each step's instant before it is taken.
 */

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** The city as the plan generator needs it, read from the database (any city, not only the demo). */
export async function loadPlanCity(q: Queryable): Promise<PlanCity> {
  const polys = (json: string): PlanPolygon[] => {
    const g = JSON.parse(json) as GeoJSON.Polygon | GeoJSON.MultiPolygon;
    return (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as PlanPolygon[];
  };
  const county = (
    await q.query<{ g: string }>(`SELECT ST_AsGeoJSON(geom, 7) AS g FROM areas WHERE level = 'county' ORDER BY code`)
  ).rows.flatMap((r) => polys(r.g));
  const grids = (
    await q.query<{ code: string; g: string }>(
      `SELECT code, ST_AsGeoJSON(geom, 7) AS g FROM areas WHERE level = 'grid' ORDER BY code`,
    )
  ).rows.map((r) => ({ code: r.code, polygons: polys(r.g) }));
  const roads = (
    await q.query<{ name: string | null; g: string }>(
      `SELECT name, ST_AsGeoJSON(geom, 7) AS g FROM basemap_features
     WHERE kind IN ('road_major', 'road_minor') AND GeometryType(geom) = 'LINESTRING' ORDER BY id`,
    )
  ).rows.map((r) => ({
    name: r.name,
    coordinates: (JSON.parse(r.g) as GeoJSON.LineString).coordinates as [number, number][],
  }));
  return { county, grids, roads };
}

/** Active leaf categories (by code: ids differ between databases). */
export async function loadPlanCategories(
  q: Queryable,
): Promise<(PlanCategory & { id: number; handler: string | null })[]> {
  return (
    await q.query<
      PlanCategory & { id: number; handler: string | null; parent: string | null; grandparent: string | null }
    >(
      `SELECT c.id, c.code, c.name_zh AS "nameZh", c.deadline_hours AS "deadlineHours", c.working_days AS "workingDays",
            c.revisit_days AS "revisitDays", c.urgent, c.handler, p.name_zh AS parent, gp.name_zh AS grandparent
     FROM problem_categories c
     LEFT JOIN problem_categories p ON p.id = c.parent_id LEFT JOIN problem_categories gp ON gp.id = p.parent_id
     WHERE c.level = 3 AND c.active ORDER BY c.code`,
    )
  ).rows.map(({ parent, grandparent, ...c }) => ({
    ...c,
    parentNamesZh: [grandparent, parent].filter((n): n is string => !!n),
  }));
}

export interface DemoProblemOptions {
  seed?: number;
  /**
   * "now": the window ends at the start of its Beijing day (demoNow), so any instant of one day
   * plans the same problems; default the system clock
   */
  now?: Date;
  /** days of history before `now`, default 90 */
  days?: number;
  /** default 5,000 */
  count?: number;
  /** called every 1,000 steps with the steps done and the total */
  onProgress?: (done: number, total: number) => void;
}

/** The plan for the city in the database: ~5,000 problems over the 90 days before `now`'s day. */
export async function planDemoProblems(q: Queryable, options: DemoProblemOptions = {}): Promise<ProblemPlan> {
  const now = demoNow(options.now ?? new Date()).getTime();
  const [city, categories] = [await loadPlanCity(q), await loadPlanCategories(q)];
  return planProblems(city, categories, {
    seed: options.seed ?? 20261125,
    from: now - (options.days ?? 90) * DAY,
    to: now,
    count: options.count ?? 5000,
  });
}

export interface DemoProblemsSummary {
  problems: number;
  steps: number;
  sweeps: number;
  notices: { supervision: number; accountability: number };
  states: Record<string, number>;
  /** steps the planned account could not take (out of its scope now) and another one took */
  substitutions: number;
  ms: number;
}

// ---- decisions both writers share ----

export interface PhotoPool {
  before: PreparedPhoto[];
  after: PreparedPhoto[];
  revisit: PreparedPhoto[];
}
const pools = new Map<number, Promise<PhotoPool>>();

/**
 * A handful of photos per seed, rendered and prepared once per process: thousands of reports
 * and fixes share them, and blobs dedupe by hash, so the database stays small.
 */
export function demoPhotoPool(seed: number): Promise<PhotoPool> {
  let pool = pools.get(seed);
  if (!pool) {
    const make = async (kind: 'before' | 'after' | 'revisit', n: number) => {
      const out: PreparedPhoto[] = [];
      for (let i = 0; i < n; i++) out.push(await demoPhoto(`demo-${seed}-${i}`, kind));
      return out;
    };
    pool = (async () => ({
      before: await make('before', PLAN_PHOTOS),
      after: await make('after', PLAN_PHOTOS),
      revisit: await make('revisit', 2),
    }))();
    pools.set(seed, pool);
  }
  return pool;
}

/** The units routed with a problem, as far as assignment cares. */
export interface RoutedUnits {
  leadUnitId: number | null;
  supportUnitIds: number[];
  communityUnits: { unitId: number; role: string }[];
}

/**
 * The unit an assignment names: none (the service's default, the routed lead unit) unless the
 * problem was returned as "not ours" — then another unit of the place — or nobody contracts the
 * place — then the department that handles this kind of problem.
 */
export function chooseAssignee(
  r: RoutedUnits,
  s: Pick<PlanStep, 'otherUnit'>,
  returnedBy: number | null,
  handler: () => number | null,
): number | null {
  const routed = r.leadUnitId ?? r.communityUnits.find((u) => u.role === 'lead')?.unitId ?? null;
  if (s.otherUnit) {
    const others = [
      ...r.supportUnitIds,
      ...r.communityUnits.map((u) => u.unitId),
      ...(r.leadUnitId ? [r.leadUnitId] : []),
    ].filter((id) => id !== returnedBy);
    if (others.length) return others[0]!;
  }
  return routed !== null ? null : handler();
}

// A category's handler (migration 006) → a word of the unit's name in the demo's unit list.
const HANDLER_UNITS: [string, string][] = [
  ['城管', '综合行政执法'],
  ['执法', '综合行政执法'],
  ['环卫', '综合行政执法'],
  ['住建', '住建'],
  ['市场监管', '市场监管'],
  ['生态环境', '生态环境'],
  ['交警', '交通警察'],
  ['公安', '公安'],
  ['交通', '交通运输'],
  ['卫生', '卫生健康'],
  ['爱卫', '卫生健康'],
  ['供电', '供电'],
  ['通信', '电信'],
  ['自然资源', '自然资源'],
  ['农业', '农业农村'],
  ['宣传', '宣传部'],
];

/** The unit that handles a kind of problem where nobody contracts the place (else the first unit). */
export function handlerUnit(handler: string | null, units: { id: number; name: string }[]): number | null {
  for (const [key, word] of HANDLER_UNITS) {
    if (!handler?.includes(key)) continue;
    const u = units.find((x) => x.name.includes(word));
    if (u) return u.id;
  }
  return units[0]?.id ?? null;
}

// ---- accounts ----

interface Known {
  id: number;
  displayName: string;
  role: Role;
  unitId: number | null;
}
const NO_LOGIN = '!demo-actor-no-login'; // not an argon2 hash: verifyPassword never accepts it

/**
 * The accounts the replay acts as: the demo accounts where they fit, and otherwise demo users
 * made on demand (a supervisor per street, a liaison per unit, an account per grid leader or
 * member, linked to their people row). They cannot log in: the password hash is not one.
 */
export class Actors {
  private readonly cache = new Map<string, ProblemActor>();
  private personRole = new Map<number, Role>();
  constructor(private readonly db: Db) {}

  private async actor(u: Known): Promise<ProblemActor> {
    const scope =
      (await this.db.query<{ scope: string[] | null }>('SELECT user_scope_codes($1) AS scope', [u.id])).rows[0]
        ?.scope ?? null;
    return { id: u.id, displayName: u.displayName, role: u.role, scope, unitId: u.unitId };
  }

  private async memo(key: string, make: () => Promise<Known>): Promise<ProblemActor> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const a = await this.actor(await make());
    this.cache.set(key, a);
    return a;
  }

  private async find(sql: string, params: unknown[]): Promise<Known | null> {
    return (
      (
        await this.db.query<Known>(
          `SELECT u.id, u.display_name AS "displayName", u.role::text AS role, u.unit_id AS "unitId" FROM users u WHERE ${sql} ORDER BY u.id LIMIT 1`,
          params,
        )
      ).rows[0] ?? null
    );
  }

  private async create(
    username: string,
    displayName: string,
    role: Role,
    extra: { unitId?: number; scopeAreaId?: number; personId?: number } = {},
  ): Promise<Known> {
    return this.db.transaction(async (tx) => {
      const id = (
        await tx.query<{ id: number }>(
          `INSERT INTO users (username, display_name, role, password_hash, unit_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [username, displayName.slice(0, 60), role, NO_LOGIN, extra.unitId ?? null],
        )
      ).rows[0]!.id;
      if (extra.scopeAreaId)
        await tx.query('INSERT INTO user_scopes (user_id, area_id) VALUES ($1, $2)', [id, extra.scopeAreaId]);
      if (extra.personId)
        await tx.query('UPDATE people SET user_id = $1 WHERE id = $2 AND user_id IS NULL', [id, extra.personId]);
      return { id, displayName, role, unitId: extra.unitId ?? null };
    });
  }

  /** A city-wide account: the demo one by username, else one made for the replay. */
  cityWide(role: 'admin' | 'commander'): Promise<ProblemActor> {
    return this.memo(
      role,
      async () =>
        (await this.find(`u.username = $1 AND u.role = $2 AND u.active`, [role, role])) ??
        (await this.find(`u.role = $1 AND u.active`, [role])) ??
        this.create(`demo.${role}`, role === 'admin' ? '演示 系统管理员' : '演示 指挥中心值班员', role),
    );
  }

  /** The supervisor of a street: one whose scope is exactly that street, else a demo one. */
  supervisor(streetId: number): Promise<ProblemActor> {
    return this.memo(`sup:${streetId}`, async () => {
      const found = await this.find(
        `u.role = 'supervisor' AND u.active AND EXISTS (SELECT 1 FROM user_scopes s WHERE s.user_id = u.id AND s.area_id = $1)
         AND NOT EXISTS (SELECT 1 FROM user_scopes s WHERE s.user_id = u.id AND s.area_id <> $1)`,
        [streetId],
      );
      if (found) return found;
      const street = (
        await this.db.query<{ code: string; name: string }>('SELECT code, name FROM areas WHERE id = $1', [streetId])
      ).rows[0]!;
      return this.create(`demo.sup.${street.code}`, `督查组（${street.name}）`, 'supervisor', {
        scopeAreaId: streetId,
      });
    });
  }

  /** A liaison of a unit: its first unit_staff account, else a demo one. */
  unit(unitId: number): Promise<ProblemActor> {
    return this.memo(`unit:${unitId}`, async () => {
      const found = await this.find(`u.role = 'unit_staff' AND u.active AND u.unit_id = $1`, [unitId]);
      if (found) return found;
      const unit = (
        await this.db.query<{ code: string; name: string }>('SELECT code, name FROM units WHERE id = $1', [unitId])
      ).rows[0]!;
      return this.create(
        `demo.unit.${unit.code.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`.slice(0, 40),
        `${unit.name} 联络员`,
        'unit_staff',
        { unitId },
      );
    });
  }

  /** The account of a grid leader or member (people.user_id), made and linked if none. */
  person(personId: number, name: string): Promise<ProblemActor> {
    return this.memo(`person:${personId}`, async () => {
      const found = await this.find(`u.active AND u.id = (SELECT user_id FROM people WHERE id = $1)`, [personId]);
      if (found) return found;
      if (!this.personRole.size) {
        // a leader anywhere gets grid_leader (who may revisit), the others grid_member
        const rows = (
          await this.db.query<{ id: number; leader: boolean }>(
            `SELECT person_id AS id, bool_or(role = 'leader') AS leader FROM assignments WHERE person_id IS NOT NULL GROUP BY person_id`,
          )
        ).rows;
        this.personRole = new Map(rows.map((r) => [r.id, r.leader ? 'grid_leader' : 'grid_member']));
      }
      const role = this.personRole.get(personId) ?? 'grid_member';
      return this.create(`demo.p${personId}`, `${role === 'grid_leader' ? '网格长' : '网格员'} ${name}`, role, {
        personId,
      });
    });
  }
}

// ---- replay ----

/** What the replay keeps of each problem between its steps (what the services wrote). */
interface Live {
  id: number;
  /** null after a sweep raised a notice on it (a notice bumps the version) */
  version: number | null;
  state: string;
  cycle: number;
  deadline: Date | null;
  assigneeUnitId: number | null;
  routing: Routing;
  streetId: number | null;
  /** the unit that returned it last ("not ours"): the next assignment goes elsewhere */
  returnedBy: number | null;
}

const REVIEW_BY_COMMAND = new Set(['citizen', 'camera', 'higher_level']);

/**
 * Replays a plan through recordProblem / applyTransition / sweepOverdue (what reportProblem and
 * transitionProblem do, less reading the problem back for an answer nobody reads), all in one
 * transaction: a crash leaves no half-seeded history, and the embedded database commits once.
 */
export async function seedDemoProblems(
  db: Db,
  plan: ProblemPlan,
  options: { clock: ControllableClock; onProgress?: (done: number, total: number) => void },
): Promise<DemoProblemsSummary> {
  return db.transaction((tx) =>
    replayIn(
      {
        kind: db.kind,
        query: tx.query.bind(tx),
        exec: tx.exec.bind(tx),
        // the services' own transactions run inside this one
        transaction: (fn) => fn(tx),
        close: async () => {},
        listen: (c, f) => db.listen(c, f),
      },
      plan,
      options,
    ),
  );
}

async function replayIn(
  db: Db,
  plan: ProblemPlan,
  options: { clock: ControllableClock; onProgress?: (done: number, total: number) => void },
): Promise<DemoProblemsSummary> {
  const started = performance.now();
  const { clock } = options;
  const categories = new Map((await loadPlanCategories(db)).map((c) => [c.code, c]));
  const units = (await db.query<{ id: number; name: string }>('SELECT id, name FROM units ORDER BY code')).rows;
  const actors = new Actors(db);
  const streets = new Map(
    (await db.query<{ id: number; code: string }>(`SELECT id, code FROM areas WHERE level = 'street'`)).rows.map(
      (r) => [r.code, r.id],
    ),
  );
  const photos = await demoPhotoPool(plan.seed);

  // Grid staff in force at an instant, for patrol reports (who walks the grid files the report).
  const staffRows = (
    await db.query<{ code: string; personId: number; name: string; role: string; from: Date; to: Date | null }>(
      `SELECT g.code, p.id AS "personId", p.name, a.role::text AS role, a.valid_from AS "from", a.valid_to AS "to"
     FROM assignments a JOIN areas g ON g.id = a.area_id JOIN people p ON p.id = a.person_id
     WHERE g.level = 'grid' ORDER BY g.code, a.role DESC, p.id`,
    )
  ).rows;
  const staffOf = new Map<string, typeof staffRows>();
  for (const r of staffRows) staffOf.set(r.code, [...(staffOf.get(r.code) ?? []), r]);

  const queue: { p: PlannedProblem; s: PlanStep; k: number }[] = [];
  for (const p of plan.problems) p.steps.forEach((s, k) => queue.push({ p, s, k }));
  queue.sort((a, b) => a.s.at - b.s.at || a.p.index - b.p.index || a.k - b.k);

  const live = new Map<number, Live>();
  const summary: DemoProblemsSummary = {
    problems: 0,
    steps: 0,
    sweeps: 0,
    notices: { supervision: 0, accountability: 0 },
    states: {},
    substitutions: 0,
    ms: 0,
  };
  // The sweep runs at every simulated hour, as the server's would every minute. An hour in which
  // it cannot raise anything is skipped, which changes nothing: `due` mirrors, per problem, the
  // instant after which the sweep would act (its deadline, or its supervision notice's due_at).
  const due = new Map<number, number>(); // problem id → instant
  const supervisionDue = new Map<string, number>(); // "id:cycle" → the supervision notice's due_at
  const accountable = new Set<string>(); // "id:cycle" with an accountability notice
  const byId = new Map<number, Live>();
  const track = (l: Live) => {
    const key = `${l.id}:${l.cycle}`;
    const sup = supervisionDue.get(key);
    if (l.state !== 'assigned' || !l.deadline || accountable.has(key)) due.delete(l.id);
    else due.set(l.id, sup === undefined ? l.deadline.getTime() : Math.max(l.deadline.getTime(), sup));
  };
  const sweep = async (at: number) => {
    clock.set(new Date(at));
    const r = await sweepOverdue(db, clock.now());
    summary.sweeps++;
    summary.notices.supervision += r.supervision;
    summary.notices.accountability += r.accountability;
    if (r.supervision + r.accountability === 0) return;
    const raised = (
      await db.query<{ id: number; kind: string; cycle: number; dueAt: Date }>(
        `SELECT problem_id::int AS id, kind::text AS kind, cycle, due_at AS "dueAt" FROM problem_notices WHERE issued_at = $1`,
        [clock.now()],
      )
    ).rows;
    for (const n of raised) {
      if (n.kind === 'supervision') supervisionDue.set(`${n.id}:${n.cycle}`, n.dueAt.getTime());
      else accountable.add(`${n.id}:${n.cycle}`);
      const l = byId.get(n.id);
      if (!l) continue;
      l.version = null; // a notice is an event and bumps the version: read it before the next step
      track(l);
    }
  };
  let nextSweep = Math.ceil((queue[0]?.s.at ?? plan.to) / HOUR) * HOUR;
  const sweepsUpTo = async (until: number) => {
    for (;;) {
      let soonest = Infinity;
      for (const t of due.values()) if (t < soonest) soonest = t;
      // the next hour in which something falls due (the sweep acts on what is due strictly before it)
      const h = Math.max(nextSweep, Math.floor(soonest / HOUR) * HOUR + HOUR);
      if (!(h <= until)) return;
      await sweep(h);
      nextSweep = h + HOUR;
    }
  };

  for (const [n, { p, s }] of queue.entries()) {
    await sweepsUpTo(s.at);
    // every hour up to this instant is swept (or had nothing due): the next sweep comes after it
    nextSweep = Math.max(nextSweep, Math.floor(s.at / HOUR) * HOUR + HOUR);
    clock.set(new Date(s.at));
    if (s.action === 'report') {
      const l = await report(p);
      live.set(p.index, l);
      byId.set(l.id, l);
    } else await step(p, s);
    track(live.get(p.index)!);
    summary.steps++;
    if (options.onProgress && n % 1000 === 999) options.onProgress(n + 1, queue.length);
  }
  await sweepsUpTo(plan.to);
  await sweep(plan.to);

  summary.problems = live.size;
  for (const r of (
    await db.query<{ state: string; n: number }>(
      `SELECT state::text AS state, count(*)::int AS n FROM problems WHERE id = ANY($1::bigint[]) GROUP BY state ORDER BY state`,
      [[...live.values()].map((l) => l.id)],
    )
  ).rows)
    summary.states[r.state] = r.n;
  summary.ms = Math.round(performance.now() - started);
  return summary;

  async function reporterOf(p: PlannedProblem, at: number): Promise<ProblemActor> {
    if (p.source === 'patrol' && p.gridCode) {
      const staff = (staffOf.get(p.gridCode) ?? []).filter(
        (r) => r.from.getTime() <= at && (!r.to || r.to.getTime() > at),
      );
      // the grid member on patrol, else the leader (members sort first: role DESC)
      const who = staff[p.index % Math.max(1, staff.filter((r) => r.role === 'member').length)] ?? staff[0];
      if (who) return actors.person(who.personId, who.name);
    }
    const street = p.gridCode ? streets.get(p.gridCode.slice(0, 9)) : undefined; // 数字城管 codes: the street is the first 9 digits
    if ((p.source === 'inspection' || p.source === 'undercover') && street) return actors.supervisor(street);
    return actors.cityWide('commander');
  }

  async function report(p: PlannedProblem): Promise<Live> {
    const cat = categories.get(p.categoryCode);
    if (!cat) throw new Error(`demo problems: category ${p.categoryCode} is not an active leaf`);
    const actor = await reporterOf(p, p.steps[0]!.at);
    // most reports come with a photo of the scene; citizens' hotline calls do not
    const before =
      p.source === 'citizen' || p.source === 'higher_level' ? [] : [photos.before[p.index % photos.before.length]!];
    const r = await recordProblem(
      db,
      clock,
      actor,
      {
        lon: p.lon,
        lat: p.lat,
        categoryId: cat.id,
        source: p.source,
        description: p.description,
        address: p.address,
        urgent: p.urgent,
      },
      { prepared: before },
    );
    return {
      id: r.id,
      version: 1,
      state: 'reported',
      cycle: 0,
      deadline: null,
      assigneeUnitId: null,
      routing: r.routing,
      streetId: r.streetId,
      returnedBy: null,
    };
  }

  /**
   * Who may take a step, best first: the planned kind of account, then stand-ins with the right
   * role. Lazy: an account is looked up (or made) only when the one before it could not act.
   */
  function candidates(p: PlannedProblem, s: PlanStep, l: Live): (() => Promise<ProblemActor | null>)[] {
    const command =
      (REVIEW_BY_COMMAND.has(p.source) && ['verify', 'reject', 'mark_duplicate', 'assign'].includes(s.action)) ||
      ['approve_extension', 'deny_extension', 'approve_suspension', 'deny_suspension', 'resume'].includes(s.action);
    const supervisor = async () => (l.streetId && !command ? actors.supervisor(l.streetId) : null);
    const commander = () => actors.cityWide('commander');
    const admin = () => actors.cityWide('admin');
    const leader = async () =>
      l.routing.leader ? actors.person(l.routing.leader.personId, l.routing.leader.name) : null;
    const member = async () =>
      l.routing.members[0] ? actors.person(l.routing.members[0].personId, l.routing.members[0].name) : null;
    const unit = async () => (l.assigneeUnitId ? actors.unit(l.assigneeUnitId) : null);
    // only a grid leader revisits among grid staff
    const revisitingLeader = async () => {
      const a = await leader();
      return a?.role === 'grid_leader' ? a : null;
    };
    switch (s.by) {
      case 'grid':
        return s.action === 'revisit'
          ? [revisitingLeader, supervisor, commander, admin]
          : [leader, member, unit, admin];
      case 'unit':
        return [unit, leader, admin];
      default:
        return [supervisor, commander, admin];
    }
  }

  async function step(p: PlannedProblem, s: PlanStep) {
    const l = live.get(p.index);
    if (!l) throw new Error(`demo problems: step ${s.action} of problem ${p.index} before its report`);
    if (l.version === null)
      l.version = (
        await db.query<{ version: number }>('SELECT version FROM problems WHERE id = $1', [l.id])
      ).rows[0]!.version;
    const input: ActionRequest = { version: l.version, comment: s.comment ?? null, reason: s.reason ?? null };
    let prepared: PreparedPhoto[] | undefined;
    switch (s.action) {
      case 'mark_duplicate': {
        const target = live.get(s.duplicateOf!);
        if (!target) throw new Error(`demo problems: ${p.index} duplicates ${s.duplicateOf}, not reported yet`);
        input.duplicateOf = target.id;
        break;
      }
      case 'assign': {
        const r = l.routing;
        input.unitId = chooseAssignee(
          {
            leadUnitId: r.leadUnit?.unitId ?? null,
            supportUnitIds: r.supportUnits.map((u) => u.unitId),
            communityUnits: r.communityUnits,
          },
          s,
          l.returnedBy,
          () => handlerUnit(categories.get(p.categoryCode)?.handler ?? null, units),
        );
        break;
      }
      case 'request_extension':
        input.deadline = new Date((l.deadline ?? clock.now()).getTime() + (s.extendHours ?? 24) * HOUR);
        break;
      case 'fix':
        prepared = [photos.after[s.photo ?? 0]!];
        break;
      case 'revisit':
        input.holds = s.holds ?? true;
        if (!s.holds) prepared = [photos.revisit[p.index % photos.revisit.length]!];
        break;
      default:
    }
    if (s.action === 'return') l.returnedBy = l.assigneeUnitId;
    const list = candidates(p, s, l);
    for (const [i, next] of list.entries()) {
      const actor = await next();
      if (!actor) continue;
      let done: TransitionResult | null;
      try {
        done = await applyTransition(
          db,
          clock,
          actor,
          l.id,
          s.action as ProblemAction,
          input,
          prepared ? { prepared } : {},
        );
      } catch (err) {
        // a unit's or grid's account may act only on what is theirs: a stand-in takes it
        if (err instanceof AppError && err.status === 403 && i < list.length - 1) {
          summary.substitutions++;
          continue;
        }
        throw new Error(
          `demo problems: ${s.action} on problem #${l.id} (plan ${p.index}) by ${actor.role} failed: ${(err as Error).message}`,
        );
      }
      if (!done) {
        if (i < list.length - 1) summary.substitutions++;
        continue;
      } // out of this account's scope now
      Object.assign(l, {
        version: done.version,
        state: done.state,
        cycle: done.cycle,
        deadline: done.deadline,
        assigneeUnitId: done.assigneeUnitId,
      });
      return;
    }
    throw new Error(`demo problems: nobody could ${s.action} problem #${l.id} (plan ${p.index})`);
  }
}

/** First start or the CLI: the plan for the city in the database, replayed through the services. */
export async function seedDemoProblemsFor(db: Db, options: DemoProblemOptions = {}): Promise<DemoProblemsSummary> {
  const now = options.now ?? new Date();
  const plan = await planDemoProblems(db, { ...options, now });
  // the services' clock stands at each step's instant; it is the seed's own, not the app's
  return seedDemoProblems(db, plan, {
    clock: controllableClock(new Date(plan.from)),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
