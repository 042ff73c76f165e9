import type { Queryable } from '../db/types';
import type { Adjacent, GridStats } from '../domain/zone-balance';
import type { ZoneChange, ZoneDraftSummary, ZoneLocks, ZoneWeights } from '../schemas/zones';
import type { Scope } from './areas';
import { COHORT_SQL, SET_SQL } from './figure-sets';

// Zone drafts (issue 13) and the figures of the zone editor's balance table. Writes to
// assignments go through repositories/assignments.ts (services/assignments.ts), never here.

const SUMMARY = `
  d.id, d.name, d.notes, d.author_id AS "authorId", au.display_name AS "authorName", iso_utc(d.base_at) AS "baseAt",
  d.status, d.version, d.reverts_id AS "revertsId", iso_utc(d.applied_at) AS "appliedAt", d.applied_by AS "appliedById",
  ap.display_name AS "appliedByName", iso_utc(d.effective_at) AS "effectiveAt",
  jsonb_array_length(d.changes)::int AS "changeCount", iso_utc(d.created_at) AS "createdAt", iso_utc(d.updated_at) AS "updatedAt"`;
const FROM = `FROM zone_drafts d LEFT JOIN users au ON au.id = d.author_id LEFT JOIN users ap ON ap.id = d.applied_by`;
const SQL_LIST = `SELECT ${SUMMARY} ${FROM} ORDER BY d.updated_at DESC, d.id DESC LIMIT 500`;
const SQL_BY_ID = `SELECT ${SUMMARY}, d.changes, d.locks, d.weights, d.previous ${FROM} WHERE d.id = $1`;
const SQL_LOCK = `SELECT id, status, version FROM zone_drafts WHERE id = $1 FOR UPDATE`;
const SQL_INSERT = `
  INSERT INTO zone_drafts (name, notes, author_id, base_at, changes, locks, weights, reverts_id, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9, $9) RETURNING id`;
const SQL_UPDATE = `
  UPDATE zone_drafts SET name = $2, notes = $3, changes = $4::jsonb, locks = $5::jsonb, weights = $6::jsonb,
         version = version + 1, updated_at = $7
  WHERE id = $1`;
const SQL_APPLIED = `
  UPDATE zone_drafts SET status = 'applied', applied_at = $2, applied_by = $3, effective_at = $4, previous = $5::jsonb,
         version = version + 1, updated_at = $2
  WHERE id = $1`;
const SQL_DELETE = `DELETE FROM zone_drafts WHERE id = $1`;

const SQL_AREAS = `SELECT id, code, name, level::text AS level FROM areas WHERE id = ANY($1::int[]) ORDER BY code`;
// Apply locks the areas it touches (in id order: no deadlock between two applies): a second,
// overlapping apply waits here and then sees the first one's assignments.
const SQL_LOCK_AREAS = `SELECT id FROM areas WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE`;
const SQL_UNITS = `SELECT id, name FROM units WHERE id = ANY($1::int[])`;
const SQL_PEOPLE = `SELECT id, name FROM people WHERE id = ANY($1::int[])`;

// The holders in force at an instant on some areas (lead, support, leader), with the row ids
// the apply ends or reassigns.
const SQL_STATE = `
  SELECT a.id, a.area_id AS "areaId", a.role::text AS role, coalesce(a.unit_id, a.person_id) AS holder,
         coalesce(u.name, p.name) AS name
  FROM assignments a LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN people p ON p.id = a.person_id
  WHERE a.area_id = ANY($1::int[]) AND a.role IN ('lead', 'support', 'leader')
    AND assignment_in_force(a.valid_from, a.valid_to, $2::timestamptz)
  ORDER BY a.area_id, a.role, a.id`;
// Rows on those areas that start after the instant (planned changes an open-ended write would overlap).
const SQL_LATER = `
  SELECT DISTINCT a.area_id AS "areaId" FROM assignments a
  WHERE a.area_id = ANY($1::int[]) AND a.role IN ('lead', 'support', 'leader') AND a.valid_from > $2::timestamptz`;
const SQL_LEADS = `
  SELECT a.area_id AS grid, a.unit_id AS unit FROM assignments a JOIN areas g ON g.id = a.area_id
  WHERE a.role = 'lead' AND a.area_level = 'grid' AND assignment_in_force(a.valid_from, a.valid_to, $1::timestamptz)
    AND area_visible(g.code, $2::text[])`;

// Per grid, what it carries as of $3 (figure-sets' placeholders: $1 from, $2 to, $3 asOf);
// $4 is the start of the last 90 days. The problem sets are the KPI library's, not restated.
const SQL_GRID_FIGURES = `
  WITH pr AS (
    SELECT p.grid_id,
           count(*) FILTER (WHERE ${SET_SQL.open})::int AS open,
           count(*) FILTER (WHERE p.reported_at >= $4::timestamptz)::int AS recent,
           count(*) FILTER (WHERE p.reported_at >= $4::timestamptz AND p.source = 'undercover')::int AS undercover,
           count(*) FILTER (WHERE ${SET_SQL.overdue})::int AS overdue
    FROM problems p WHERE ${COHORT_SQL} AND p.grid_id IS NOT NULL GROUP BY p.grid_id),
  pv AS (
    SELECT grid_id, count(*)::int AS n FROM patrol_visits
    WHERE started_at >= $4::timestamptz AND started_at < $3::timestamptz GROUP BY grid_id)
  SELECT g.id, coalesce(pr.open, 0) AS open, coalesce(pr.recent, 0) AS recent, coalesce(pr.undercover, 0) AS undercover,
         coalesce(pr.overdue, 0) AS overdue, coalesce(pv.n, 0) AS patrols
  FROM areas g LEFT JOIN pr ON pr.grid_id = g.id LEFT JOIN pv ON pv.grid_id = g.id
  WHERE g.level = 'grid' AND area_visible(g.code, $5::text[])`;
const SQL_AREAS_VERSION = `SELECT version::text AS v FROM areas_version`;
const SQL_GRID_SHAPES = `
  SELECT id, area_m2 / 1e6 AS "areaKm2", ST_Perimeter(geom::geography) / 1000 AS "perimeterKm",
         ST_X(label_point) AS x, ST_Y(label_point) AS y
  FROM areas WHERE level = 'grid'`;
const SQL_ADJACENCY = `SELECT a, b, shared_m / 1000 AS "sharedKm" FROM zone_grid_adjacency()`;
// Live zone events (services/zone-events.ts): the drafts written, and which of them touched an
// area a scope sees (area_visible, the one rule).
const SQL_LIVE = `
  SELECT id, status, version, iso_utc(effective_at) AS "effectiveAt", changes, previous
  FROM zone_drafts WHERE id = ANY($1::int[])`;
const SQL_LIVE_VISIBLE = `
  SELECT DISTINCT d.id FROM zone_drafts d CROSS JOIN LATERAL jsonb_array_elements(d.changes) c
  JOIN areas a ON a.id = (c->>'areaId')::int
  WHERE d.id = ANY($1::int[]) AND area_visible(a.code, $2::text[])`;

export interface DraftRow extends ZoneDraftSummary {
  changes: ZoneChange[];
  locks: ZoneLocks;
  weights: ZoneWeights;
  previous: Record<string, StateEntry[]> | null;
}
export interface StateEntry {
  id: number;
  areaId: number;
  role: 'lead' | 'support' | 'leader';
  holder: number;
  name: string;
}
export interface GridShape {
  id: number;
  areaKm2: number;
  perimeterKm: number;
  x: number;
  y: number;
}
export type GridLoad = Omit<GridStats, 'areaKm2' | 'perimeterKm'>;

export function zoneDraftsRepository(db: Queryable) {
  return {
    async list() {
      return (await db.query<ZoneDraftSummary>(SQL_LIST)).rows;
    },
    async byId(id: number): Promise<DraftRow | null> {
      return (await db.query<DraftRow>(SQL_BY_ID, [id])).rows[0] ?? null;
    },
    /** The draft row locked for the rest of the transaction. */
    async lock(id: number) {
      return (await db.query<{ id: number; status: string; version: number }>(SQL_LOCK, [id])).rows[0] ?? null;
    },
    async insert(d: {
      name: string;
      notes: string;
      authorId: number;
      baseAt: Date;
      changes: ZoneChange[];
      locks: ZoneLocks;
      weights: ZoneWeights;
      revertsId: number | null;
      now: Date;
    }): Promise<number> {
      const { rows } = await db.query<{ id: number }>(SQL_INSERT, [
        d.name,
        d.notes,
        d.authorId,
        d.baseAt,
        JSON.stringify(d.changes),
        JSON.stringify(d.locks),
        JSON.stringify(d.weights),
        d.revertsId,
        d.now,
      ]);
      return rows[0]!.id;
    },
    async update(
      id: number,
      d: { name: string; notes: string; changes: ZoneChange[]; locks: ZoneLocks; weights: ZoneWeights },
      now: Date,
    ) {
      await db.query(SQL_UPDATE, [
        id,
        d.name,
        d.notes,
        JSON.stringify(d.changes),
        JSON.stringify(d.locks),
        JSON.stringify(d.weights),
        now,
      ]);
    },
    async markApplied(id: number, now: Date, by: number, effectiveAt: Date, previous: Record<string, StateEntry[]>) {
      await db.query(SQL_APPLIED, [id, now, by, effectiveAt, JSON.stringify(previous)]);
    },
    async remove(id: number) {
      await db.query(SQL_DELETE, [id]);
    },
    async areas(ids: number[]) {
      return (await db.query<{ id: number; code: string; name: string; level: string }>(SQL_AREAS, [ids])).rows;
    },
    async lockAreas(ids: number[]) {
      return (await db.query<{ id: number }>(SQL_LOCK_AREAS, [ids])).rows.map((r) => r.id);
    },
    async units(ids: number[]) {
      return new Map((await db.query<{ id: number; name: string }>(SQL_UNITS, [ids])).rows.map((r) => [r.id, r.name]));
    },
    async people(ids: number[]) {
      return new Map((await db.query<{ id: number; name: string }>(SQL_PEOPLE, [ids])).rows.map((r) => [r.id, r.name]));
    },
    /** lead/support/leader rows in force at `at` on the areas */
    async stateAt(areaIds: number[], at: Date) {
      return (await db.query<StateEntry>(SQL_STATE, [areaIds, at])).rows;
    },
    /** areas with a lead/support/leader row starting after `at` */
    async laterRows(areaIds: number[], at: Date) {
      return new Set((await db.query<{ areaId: number }>(SQL_LATER, [areaIds, at])).rows.map((r) => r.areaId));
    },
    /** grid → lead unit in force at `at` */
    async leads(at: Date, scope: Scope) {
      const { rows } = await db.query<{ grid: number; unit: number }>(SQL_LEADS, [at, scope]);
      return new Map(rows.map((r) => [r.grid, r.unit]));
    },
    async gridLoads(asOf: Date, scope: Scope): Promise<GridLoad[]> {
      const since = new Date(asOf.getTime() - 90 * 86_400_000);
      return (await db.query<GridLoad>(SQL_GRID_FIGURES, [new Date('1900-01-01T00:00:00Z'), asOf, asOf, since, scope]))
        .rows;
    },
    async areasVersion(): Promise<string> {
      return (await db.query<{ v: string }>(SQL_AREAS_VERSION)).rows[0]?.v ?? '0';
    },
    async gridShapes() {
      return (await db.query<GridShape>(SQL_GRID_SHAPES)).rows;
    },
    async adjacency() {
      return (await db.query<Adjacent>(SQL_ADJACENCY)).rows;
    },
    async live(ids: number[]) {
      return (
        await db.query<Pick<DraftRow, 'id' | 'status' | 'version' | 'effectiveAt' | 'changes' | 'previous'>>(SQL_LIVE, [
          ids,
        ])
      ).rows;
    },
    /** of these drafts, the ones that change an area the scope sees */
    async touchingScope(ids: number[], scope: Scope) {
      return new Set((await db.query<{ id: number }>(SQL_LIVE_VISIBLE, [ids, scope])).rows.map((r) => r.id));
    },
  };
}
export type ZoneDraftsRepository = ReturnType<typeof zoneDraftsRepository>;
