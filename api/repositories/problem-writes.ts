import type { Queryable } from '../db/types';
import type { PendingRequest, ProblemState } from '../domain/problem-machine';
import type { ProblemSource, Routing } from '../schemas/problems';
import type { DetailRow, Viewer } from './problems';
import { VISIBLE } from './visibility';
import { OWN_DETAIL_COLS } from './problems-columns';

// The problem loop's writes and the reads they judge by (services/problems.ts): one report or
// one step each, inside the service's transaction. Part of problemsRepository.

/** The row a transition works on, unlocked: the cheap checks before a step's photos are decoded. */
const SQL_PEEK = `
  SELECT p.id AS id, p.version, p.state::text AS state, p.urgent, p.assignee_unit_id AS "assigneeUnitId",
         p.verified_at AS "verifiedAt", p.assigned_at AS "assignedAt", p.deadline, p.fixed_at AS "fixedAt",
         p.closed_at AS "closedAt", p.closed_on_time AS "closedOnTime", p.revisit_due_at AS "revisitDueAt",
         p.revisited_at AS "revisitedAt", p.suspended_at AS "suspendedAt", p.pending_request AS "pendingRequest",
         p.duplicate_of AS "duplicateOf", p.rework_count AS "reworkCount", p.relapse_count AS "relapseCount",
         p.return_count AS "returnCount", p.extension_count AS "extensionCount", p.cycle, p.routing,
         p.lead_unit_id AS "leadUnitId",
         ST_X(p.location) AS lon, ST_Y(p.location) AS lat, p.reported_at AS "reportedAt", -- the site, for a fix's proof
         c.deadline_hours AS "deadlineHours", c.working_days AS "workingDays", c.revisit_days AS "revisitDays"
  FROM problems p JOIN problem_categories c ON c.id = p.category_id
  WHERE p.id = $1 AND ${VISIBLE('$2', '$3', '$4')}`;

/** The row a transition works on, locked until the transaction ends (the second writer waits). */
const SQL_LOCK = `${SQL_PEEK}
  FOR UPDATE OF p`;

/** Writes every column a transition may change, only if nobody else wrote since (version). */
const SQL_UPDATE = `
  UPDATE problems SET state = $2::problem_state, urgent = $3, assignee_unit_id = $4, verified_at = $5, assigned_at = $6,
    deadline = $7, fixed_at = $8, closed_at = $9, closed_on_time = $10, revisit_due_at = $11, revisited_at = $12,
    suspended_at = $13, pending_request = $14::jsonb, duplicate_of = $15, rework_count = $16, relapse_count = $17,
    return_count = $18, extension_count = $19, cycle = $20, version = version + 1, updated_at = $21
  WHERE id = $1 AND version = $22
  RETURNING version`;

/**
 * A report in one statement: the problem and its first event (seq 1, action report), answered
 * with the row as a detail read names it (problems-columns.ts) plus the event's id and the
 * reporter's name, so the report needs no read-back. The event trigger NOTIFYs as for any event.
 */
const SQL_INSERT_REPORT = `
  WITH p AS (
    INSERT INTO problems (id, street_code, category_id, source, description, address, location, reported_by, reported_at,
      grid_id, community_id, street_id, area_code, leader_person_id, lead_unit_id, routing, state, urgent, duplicate_of, updated_at)
    VALUES (problem_new_id($9), $1, $2, $3::problem_source, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326), $8, $9,
      $10, $11, $12, $13, $14, $15, $16::jsonb, $17::problem_state, $18, $19, $9)
    RETURNING *),
  e AS (
    INSERT INTO problem_events (problem_id, seq, action, from_state, to_state, actor_id, actor_name, actor_role, actor_unit_id, at, data)
    SELECT p.id, 1, 'report', NULL, p.state, $8, $20, $21, $22, $9, $23::jsonb FROM p
    RETURNING id::int AS id)
  SELECT ${OWN_DETAIL_COLS}, (SELECT e.id FROM e) AS "eventId",
         (SELECT u.display_name FROM users u WHERE u.id = p.reported_by) AS "reportedByName"
  FROM p`;

const SQL_INSERT_EVENT = `
  INSERT INTO problem_events (problem_id, seq, action, from_state, to_state, actor_id, actor_name, actor_role, actor_unit_id, at, comment, data)
  VALUES ($1, $2, $3, $4::problem_state, $5::problem_state, $6, $7, $8, $9, $10, $11, $12::jsonb)
  RETURNING id::int AS id`;

/** A problem leaving `assigned` settles its open notices. */
const SQL_RESOLVE_NOTICES = `UPDATE problem_notices SET resolved_at = $2 WHERE problem_id = $1 AND resolved_at IS NULL`;

/** Every area containing the point, county first (the fallback routing outside every grid). */
const SQL_AREAS_AT = `SELECT id, level::text AS level, code, name FROM areas_at_point($1, $2)`;

/** Units contracting an area at an instant, shaped like responsibility_at's units. */
const SQL_AREA_UNITS = `
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'assignmentId', a.id, 'role', a.role, 'areaLevel', a.area_level, 'unitId', u.id, 'code', u.code,
           'name', u.name, 'type', u.type, 'leaderName', u.leader_name, 'contactName', u.contact_name,
           'contactPhone', u.contact_phone, 'validFrom', iso_utc(a.valid_from), 'validTo', iso_utc(a.valid_to))
         ORDER BY a.role, u.code), '[]'::jsonb) AS units
  FROM assignments a JOIN units u ON u.id = a.unit_id
  WHERE a.area_id = $1 AND assignment_in_force(a.valid_from, a.valid_to, $2::timestamptz)`;

/** The category a report names, with what its answer shows and the clock rules of its steps. */
const SQL_REPORT_CATEGORY = `
  SELECT level, active, code AS "categoryCode", name_zh AS "categoryName", name_en AS "categoryNameEn",
         deadline_hours AS "deadlineHours", working_days AS "workingDays", revisit_days AS "revisitDays"
  FROM problem_categories WHERE id = $1`;

/** Is this problem one a duplicate may point at (exists, visible to the caller, open)? */
const SQL_DUPLICATE_TARGET = `
  SELECT p.id AS id, p.state::text AS state FROM problems p WHERE p.id = $1 AND ${VISIBLE('$2', '$3', '$4')}`;

/** A report as it is stored: the place routed at `reportedAt` (DESIGN.md "routing once"). */
export interface NewProblem {
  categoryId: number;
  source: ProblemSource;
  description: string;
  address: string | null;
  lon: number;
  lat: number;
  reportedBy: number;
  reportedAt: Date;
  state: ProblemState;
  urgent: boolean;
  duplicateOf: number | null;
  gridId: number | null;
  communityId: number | null;
  streetId: number | null;
  areaCode: string | null;
  streetCode: string | null;
  leaderPersonId: number | null;
  leadUnitId: number | null;
  routing: Routing;
}

/** Every column a transition may change: the locked row with the machine's patch over it. */
export interface ProblemStepWrite {
  state: ProblemState;
  urgent: boolean;
  assigneeUnitId: number | null;
  verifiedAt: Date | null;
  assignedAt: Date | null;
  deadline: Date | null;
  fixedAt: Date | null;
  closedAt: Date | null;
  closedOnTime: boolean | null;
  revisitDueAt: Date | null;
  revisitedAt: Date | null;
  suspendedAt: Date | null;
  pendingRequest: PendingRequest | null;
  duplicateOf: number | null;
  reworkCount: number;
  relapseCount: number;
  returnCount: number;
  extensionCount: number;
  cycle: number;
}

/** One line of a problem's timeline; `seq` is the problem's version after the step. */
export interface NewEvent {
  problemId: number;
  seq: number;
  action: string;
  fromState: ProblemState | null;
  toState: ProblemState;
  actor: { id: number | null; name: string | null; role: string | null; unitId: number | null };
  at: Date;
  comment: string | null;
  data: object;
}

/** The category of a report: a leaf (level 3) in use is required. */
export interface ReportCategory {
  level: number;
  active: boolean;
  categoryCode: string;
  categoryName: string;
  categoryNameEn: string;
  deadlineHours: number;
  workingDays: boolean;
  revisitDays: number;
}

/** What a report wrote: the row without its joined names (but the reporter's) and routing. */
export type WrittenReport = Omit<
  DetailRow,
  | 'categoryCode'
  | 'categoryName'
  | 'categoryNameEn'
  | 'gridName'
  | 'communityName'
  | 'streetName'
  | 'assigneeUnitName'
  | 'gridCode'
  | 'leadUnitName'
  | 'routing'
  | 'deadlineHours'
  | 'workingDays'
  | 'revisitDays'
> & { eventId: number };

export interface AreaAtPoint {
  id: number;
  level: string;
  code: string;
  name: string;
}

export function problemWrites(db: Queryable) {
  const judged = async (sql: string, id: number, v: Viewer) =>
    (await db.query<DetailRow>(sql, [id, v.scope, v.role, v.unitId])).rows[0] ?? null;
  return {
    /** The row a step works on, unlocked (cheap checks before photos are decoded); null: not the viewer's. */
    peek: (id: number, v: Viewer) => judged(SQL_PEEK, id, v),
    /** The same row, locked until the transaction ends (the second writer waits). */
    lock: (id: number, v: Viewer) => judged(SQL_LOCK, id, v),
    /** The category a report names: a leaf (level 3) in use is required. */
    async reportCategory(categoryId: number): Promise<ReportCategory | null> {
      return (
        (await db.query<ReportCategory>(SQL_REPORT_CATEGORY, [categoryId], { name: 'wangge_report_category' }))
          .rows[0] ?? null
      );
    },
    /** Every area containing the point, county first (the fallback routing outside every grid). */
    async areasAt(lon: number, lat: number) {
      return (await db.query<AreaAtPoint>(SQL_AREAS_AT, [lon, lat])).rows;
    },
    /** Units contracting an area at an instant, shaped like responsibility_at's units. */
    async areaUnits(areaId: number, at: Date): Promise<Routing['communityUnits']> {
      return (await db.query<{ units: Routing['communityUnits'] }>(SQL_AREA_UNITS, [areaId, at])).rows[0]?.units ?? [];
    },
    /** The problem a duplicate would point at, if the viewer may see it. */
    async duplicateTarget(id: number, v: Viewer) {
      return (
        (await db.query<{ id: number; state: ProblemState }>(SQL_DUPLICATE_TARGET, [id, v.scope, v.role, v.unitId]))
          .rows[0] ?? null
      );
    },
    /** A report and its first event, in one statement (the actor names the event's author). */
    async insertReport(p: NewProblem, actor: NewEvent['actor'], data: object): Promise<WrittenReport> {
      return (
        await db.query<WrittenReport>(
          SQL_INSERT_REPORT,
          [
            p.streetCode,
            p.categoryId,
            p.source,
            p.description,
            p.address,
            p.lon,
            p.lat,
            p.reportedBy,
            p.reportedAt,
            p.gridId,
            p.communityId,
            p.streetId,
            p.areaCode,
            p.leaderPersonId,
            p.leadUnitId,
            JSON.stringify(p.routing),
            p.state,
            p.urgent,
            p.duplicateOf,
            actor.name,
            actor.role,
            actor.unitId,
            JSON.stringify(data),
          ],
          { name: 'wangge_report_insert' },
        )
      ).rows[0]!;
    },
    /** Writes a step if nobody wrote since `version`; the new version, or null when someone did. */
    async update(id: number, version: number, w: ProblemStepWrite, at: Date): Promise<number | null> {
      return (
        (
          await db.query<{ version: number }>(SQL_UPDATE, [
            id,
            w.state,
            w.urgent,
            w.assigneeUnitId,
            w.verifiedAt,
            w.assignedAt,
            w.deadline,
            w.fixedAt,
            w.closedAt,
            w.closedOnTime,
            w.revisitDueAt,
            w.revisitedAt,
            w.suspendedAt,
            w.pendingRequest ? JSON.stringify(w.pendingRequest) : null,
            w.duplicateOf,
            w.reworkCount,
            w.relapseCount,
            w.returnCount,
            w.extensionCount,
            w.cycle,
            at,
            version,
          ])
        ).rows[0]?.version ?? null
      );
    },
    async appendEvent(e: NewEvent): Promise<number> {
      return (
        await db.query<{ id: number }>(
          SQL_INSERT_EVENT,
          [
            e.problemId,
            e.seq,
            e.action,
            e.fromState,
            e.toState,
            e.actor.id,
            e.actor.name,
            e.actor.role,
            e.actor.unitId,
            e.at,
            e.comment,
            JSON.stringify(e.data),
          ],
          { name: 'wangge_event_insert' },
        )
      ).rows[0]!.id;
    },
    /** A problem leaving `assigned` settles its open notices. */
    async resolveNotices(problemId: number, at: Date) {
      await db.query(SQL_RESOLVE_NOTICES, [problemId, at]);
    },
  };
}
