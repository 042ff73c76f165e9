import type { Queryable } from '../db/types';
import type { Role } from '../auth/roles';
import type { Scope } from '../domain/scope';
import type { PendingRequest, ProblemState } from '../domain/problem-machine';
import { problemWrites } from './problem-writes';
import { VISIBLE } from './visibility';
import { OWN_LIST_COLS, OWN_MORE_COLS } from './problems-columns';
import type { NearbyProblem, ProblemListItem, ProblemSource, Routing } from '../schemas/problems';

// Problems, their events, photos and notices. SQL as named constants with $n parameters; every
// read applies the caller's scope and the undercover rule in SQL (problem_visible), so a problem
// out of reach does not exist for the caller. Instants come back as Date (serialised to ISO by
// the response schemas); ids are cast to int (int4 is plenty below 2·10⁹ problems).

export interface Viewer {
  scope: Scope;
  role: Role;
  /** unit staff: their unit, which sees what is assigned to it even outside its grids */
  unitId: number | null;
}

const LIST_FROM = `
  FROM problems p
  JOIN problem_categories c ON c.id = p.category_id
  LEFT JOIN areas g ON g.id = p.grid_id
  LEFT JOIN areas cm ON cm.id = p.community_id
  LEFT JOIN areas s ON s.id = p.street_id
  LEFT JOIN units au ON au.id = p.assignee_unit_id`;

const LIST_COLS = `${OWN_LIST_COLS},
  c.code AS "categoryCode", c.name_zh AS "categoryName", c.name_en AS "categoryNameEn",
  g.name AS "gridName", cm.name AS "communityName", s.name AS "streetName", au.name AS "assigneeUnitName"`;

const DETAIL_COLS = `${LIST_COLS},${OWN_MORE_COLS},
  ru.display_name AS "reportedByName", g.code AS "gridCode", lu.name AS "leadUnitName", p.routing,
  c.deadline_hours AS "deadlineHours", c.working_days AS "workingDays", c.revisit_days AS "revisitDays"`;

// The visibility rule lives in ./visibility (also used by problem-writes.ts and notices.ts).
export { VISIBLE } from './visibility';

const SQL_DETAIL = `
  SELECT ${DETAIL_COLS} ${LIST_FROM}
  LEFT JOIN units lu ON lu.id = p.lead_unit_id
  LEFT JOIN users ru ON ru.id = p.reported_by
  WHERE p.id = $1 AND ${VISIBLE('$2', '$3', '$4')}`;

const SQL_TIMELINE = `
  SELECT e.id::int AS id, e.seq, e.action, e.from_state::text AS "fromState", e.to_state::text AS "toState",
         e.actor_id AS "actorId", e.actor_name AS "actorName", e.actor_role AS "actorRole", e.actor_unit_id AS "actorUnitId",
         e.at, e.comment, e.data
  FROM problem_events e WHERE e.problem_id = $1 ORDER BY e.seq`;
const SQL_PHOTOS = `SELECT id::int AS id, event_id::int AS "eventId", kind FROM problem_photos WHERE problem_id = $1 ORDER BY id`;
const SQL_EXISTS = `SELECT 1 FROM problems WHERE id = $1`;

/** List filters; the last three are the queue's own. */
export interface ProblemFilter {
  states?: ProblemState[] | null;
  categoryId?: number | null;
  categoryCode?: string | null;
  sources?: ProblemSource[] | null;
  from?: Date | null;
  to?: Date | null;
  areaCode?: string | null;
  overdue?: boolean | null;
  urgent?: boolean | null;
  q?: string | null;
  pendingRequest?: boolean | null;
  assigneeUnitId?: number | null;
  /** closed, not revisited, revisit due by then */
  revisitDueBy?: Date | null;
}
export type ProblemSortKey =
  | 'reported_desc'
  | 'reported_asc'
  | 'deadline'
  | 'updated_desc'
  | 'overdue_first'
  | 'queue'
  | 'attention'
  | 'open_deadline';

// open before closed (closed, invalid, duplicate: OPEN_STATES in domain/problem-machine.ts)
const CLOSED_LAST = `p.state IN ('closed', 'invalid', 'duplicate')`;
// overdue as the list's `overdue` filter says ($12: the app clock's now)
const IS_OVERDUE = `(p.state = 'assigned' AND p.deadline < $12::timestamptz)`;

// ORDER BY from an allow-list, never from request text.
const ORDER: Record<ProblemSortKey, string> = {
  reported_desc: 'p.reported_at DESC, p.id DESC',
  reported_asc: 'p.reported_at, p.id',
  deadline: 'p.deadline NULLS LAST, p.reported_at, p.id',
  updated_desc: 'p.updated_at DESC, p.id DESC',
  overdue_first: 'p.deadline, p.id',
  // by deadline; what has none yet (to verify, to assign) by how long it has waited
  queue: 'coalesce(p.deadline, p.revisit_due_at, p.reported_at), p.id',
  attention: `${CLOSED_LAST}, ${IS_OVERDUE} DESC, CASE WHEN ${IS_OVERDUE} THEN p.deadline END, p.reported_at DESC, p.id DESC`,
  open_deadline: `${CLOSED_LAST}, p.deadline NULLS LAST, p.reported_at DESC, p.id DESC`,
};

const FILTER = `
  WHERE ${VISIBLE('$1', '$2', '$3')}
    AND ($4::text[] IS NULL OR p.state::text = ANY ($4::text[]))
    AND ($5::int IS NULL OR p.category_id = $5::int)
    AND ($6::text IS NULL OR c.code LIKE $6::text || '%')
    AND ($7::text[] IS NULL OR p.source::text = ANY ($7::text[]))
    AND ($8::timestamptz IS NULL OR p.reported_at >= $8::timestamptz)
    AND ($9::timestamptz IS NULL OR p.reported_at < $9::timestamptz)
    AND ($10::text IS NULL OR p.area_code LIKE $10::text || '%')
    AND ($11::boolean IS NULL OR (p.state = 'assigned' AND p.deadline < $12::timestamptz) = $11::boolean)
    AND ($13::boolean IS NULL OR p.urgent = $13::boolean)
    AND ($14::text IS NULL OR p.description ILIKE '%' || $14::text || '%' ESCAPE '\\' OR p.address ILIKE '%' || $14::text || '%' ESCAPE '\\'
         OR p.id::text = $15::text)
    AND ($16::boolean IS NULL OR (p.pending_request IS NOT NULL) = $16::boolean)
    AND ($17::int IS NULL OR p.assignee_unit_id = $17::int)
    AND ($18::timestamptz IS NULL OR (p.revisit_due_at <= $18::timestamptz AND p.revisited_at IS NULL))`;
const SQL_COUNT = `SELECT count(*)::int AS n ${LIST_FROM} ${FILTER}`;
const SQL_PAGE = (order: ProblemSortKey) =>
  `SELECT ${LIST_COLS} ${LIST_FROM} ${FILTER} ORDER BY ${ORDER[order]} LIMIT $19 OFFSET $20`;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

function filterParams(v: Viewer, f: ProblemFilter, now: Date) {
  const q = f.q?.trim() || null;
  return [
    v.scope,
    v.role,
    v.unitId,
    f.states?.length ? f.states : null,
    f.categoryId ?? null,
    f.categoryCode ?? null,
    f.sources?.length ? f.sources : null,
    f.from ?? null,
    f.to ?? null,
    f.areaCode ?? null,
    f.overdue ?? null,
    now,
    f.urgent ?? null,
    q ? escapeLike(q) : null,
    q?.replace(/^#/, '') ?? null,
    f.pendingRequest ?? null,
    f.assigneeUnitId ?? null,
    f.revisitDueBy ?? null,
  ];
}

const SQL_NEARBY = `
  SELECT ${LIST_COLS}, ST_Distance(p.location::geography, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography) AS "distanceM"
  ${LIST_FROM}
  WHERE ${VISIBLE('$1', '$2', '$3')}
    AND p.location && ST_Expand(ST_SetSRID(ST_MakePoint($4, $5), 4326), $8, $9)
    AND ST_DWithin(p.location::geography, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography, $7)
    AND p.state IN ('reported', 'verified', 'assigned', 'suspended', 'fixed')
    AND ($6::int IS NULL OR p.category_id = $6::int)
  ORDER BY "distanceM", p.id
  LIMIT 20`;

/** A list row as it comes from SQL (instants as Date; `overdue` is added from the clock). */
export interface ListRow {
  id: number;
  version: number;
  state: ProblemState;
  urgent: boolean;
  source: ProblemSource;
  categoryId: number;
  categoryCode: string;
  categoryName: string;
  categoryNameEn: string;
  description: string;
  address: string | null;
  lon: number;
  lat: number;
  reportedAt: Date;
  deadline: Date | null;
  areaCode: string | null;
  outsideGrid: boolean;
  gridName: string | null;
  communityName: string | null;
  streetName: string | null;
  assigneeUnitId: number | null;
  assigneeUnitName: string | null;
  pendingRequest: PendingRequest | null;
}
export interface DetailRow extends ListRow {
  reportedBy: number | null;
  reportedByName: string | null;
  gridId: number | null;
  gridCode: string | null;
  communityId: number | null;
  streetId: number | null;
  streetCode: string | null;
  leaderPersonId: number | null;
  leadUnitId: number | null;
  leadUnitName: string | null;
  verifiedAt: Date | null;
  assignedAt: Date | null;
  fixedAt: Date | null;
  closedAt: Date | null;
  closedOnTime: boolean | null;
  revisitDueAt: Date | null;
  revisitedAt: Date | null;
  suspendedAt: Date | null;
  duplicateOf: number | null;
  reworkCount: number;
  relapseCount: number;
  returnCount: number;
  extensionCount: number;
  supervisionCount: number;
  accountabilityCount: number;
  cycle: number;
  updatedAt: Date;
  routing: Routing;
  deadlineHours: number;
  workingDays: boolean;
  revisitDays: number;
}
export interface EventRow {
  id: number;
  seq: number;
  action: string;
  fromState: ProblemState | null;
  toState: ProblemState;
  actorId: number | null;
  actorName: string | null;
  actorRole: string | null;
  actorUnitId: number | null;
  at: Date;
  comment: string | null;
  data: Record<string, unknown>;
}
export interface PhotoRow {
  id: number;
  eventId: number;
  kind: 'before' | 'after' | 'revisit';
}

// Instants stay Date up to the response schema, which writes them as ISO strings: hence the casts.
const withOverdue = <T extends ListRow>(r: T, now: Date) => ({
  ...r,
  overdue: r.state === 'assigned' && r.deadline !== null && r.deadline < now,
});
const asItem = (r: ListRow, now: Date) => withOverdue(r, now) as unknown as ProblemListItem;

export function problemsRepository(db: Queryable) {
  return {
    ...problemWrites(db),
    async detailRow(id: number, v: Viewer): Promise<DetailRow | null> {
      return (
        (await db.query<DetailRow>(SQL_DETAIL, [id, v.scope, v.role, v.unitId], { name: 'wangge_problem_detail' }))
          .rows[0] ?? null
      );
    },
    async timeline(id: number) {
      const [events, photos] = [
        (await db.query<EventRow>(SQL_TIMELINE, [id])).rows,
        (await db.query<PhotoRow>(SQL_PHOTOS, [id])).rows,
      ];
      return { events, photos };
    },
    async exists(id: number) {
      return (await db.query(SQL_EXISTS, [id])).rows.length > 0;
    },
    async list(v: Viewer, f: ProblemFilter, page: { limit: number; offset: number; sort: ProblemSortKey }, now: Date) {
      const params = filterParams(v, f, now);
      const total = (await db.query<{ n: number }>(SQL_COUNT, params)).rows[0]?.n ?? 0;
      const rows =
        total > page.offset
          ? (await db.query<ListRow>(SQL_PAGE(page.sort), [...params, page.limit, page.offset])).rows
          : [];
      return { total, items: rows.map((r) => asItem(r, now)) };
    },
    async nearby(v: Viewer, lon: number, lat: number, categoryId: number | null, radiusM: number, now: Date) {
      // a box a little larger than the circle, in degrees, so the GiST index answers first
      const dy = (radiusM / 110_574) * 1.01;
      const dx = (radiusM / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)))) * 1.01;
      const rows = (
        await db.query<ListRow & { distanceM: number }>(SQL_NEARBY, [
          v.scope,
          v.role,
          v.unitId,
          lon,
          lat,
          categoryId,
          radiusM,
          dx,
          dy,
        ])
      ).rows;
      return rows.map((r) => withOverdue(r, now) as unknown as NearbyProblem);
    },
  };
}
export type ProblemsRepository = ReturnType<typeof problemsRepository>;
