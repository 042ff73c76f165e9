import type { Db, Queryable } from '../db/types';
import { notFound } from '../errors';
import {
  balanceTable,
  neighbourMap,
  type BalanceMemo,
  type GridStats,
  type Neighbours,
  type Weights,
} from '../domain/zone-balance';
import type { Scope } from '../repositories/areas';
import { zoneDraftsRepository, type GridShape } from '../repositories/zone-drafts';
import type { ZoneBalance, ZoneChange } from '../schemas/zones';
import { DRAFT } from './zone-draft-rules';

// The balance table of a draft (issue 13, docs/ZONES.md "Balance"): per unit before → after,
// the balance index, compactness and contiguity, from the grid figures and the cached geometry.

interface Geometry {
  version: string;
  shapes: Map<number, GridShape>;
  nb: Neighbours;
}
const geometryCache = new WeakMap<Queryable, Geometry>();

/** Grid shapes and adjacency, cached per database until the areas change (areas_version). */
export async function gridGeometry(db: Queryable): Promise<Geometry> {
  const repo = zoneDraftsRepository(db);
  const version = await repo.areasVersion();
  const cached = geometryCache.get(db);
  if (cached?.version === version) return cached;
  const shapes = new Map((await repo.gridShapes()).map((s) => [s.id, s]));
  const g = { version, shapes, nb: neighbourMap(await repo.adjacency()) };
  geometryCache.set(db, g);
  return g;
}

/** Per grid: shape and load as of `now`, in the caller's scope (auto-balance: uncached). */
export async function gridStats(db: Queryable, now: Date, scope: Scope) {
  const geo = await gridGeometry(db);
  const loads = await zoneDraftsRepository(db).gridLoads(now, scope);
  const stats: GridStats[] = [];
  for (const l of loads) {
    const s = geo.shapes.get(l.id);
    if (s) stats.push({ ...l, areaKm2: s.areaKm2, perimeterKm: s.perimeterKm });
  }
  return { geo, stats };
}

interface StatsEntry {
  key: string;
  stats: GridStats[];
  /** per weights: what balanceTable keeps between the edits of a draft */
  memos: Map<string, BalanceMemo>;
}
const STATS_KEPT = 16;
const statsCache = new WeakMap<Queryable, StatsEntry[]>();

/**
 * gridStats as of a draft's base time, kept per database (the last 16 of areas version, scope,
 * instant): the figures of a past instant do not change with edits, so the balance table after
 * each edit reads them once. A write dated before that instant (a back-dated import) is not seen
 * until the areas change or the entry falls out.
 */
export async function gridStatsAt(db: Queryable, asOf: Date, scope: Scope) {
  const geo = await gridGeometry(db);
  const key = JSON.stringify([geo.version, scope, asOf.toISOString()]);
  const kept = statsCache.get(db) ?? [];
  statsCache.set(db, kept);
  const hit = kept.find((e) => e.key === key);
  if (hit) return { geo, ...hit };
  const { stats } = await gridStats(db, asOf, scope);
  const entry = { key, stats, memos: new Map<string, BalanceMemo>() };
  kept.unshift(entry);
  kept.length = Math.min(kept.length, STATS_KEPT);
  return { geo, ...entry };
}

/** grid → lead unit after the draft's changes, from its base. */
export const leadsAfter = (before: Map<number, number>, changes: ZoneChange[]) => {
  const after = new Map(before);
  for (const c of changes) {
    if (c.lead === null) after.delete(c.areaId);
    else if (c.lead !== undefined) after.set(c.areaId, c.lead);
  }
  return after;
};

/**
 * The balance table of a draft: the grid figures as of its base time (or now, for a draft based
 * later: a revert of a planned plan), the leads at its base and after its changes.
 */
export async function draftBalance(db: Db, id: number, now: Date, scope: Scope): Promise<ZoneBalance> {
  const d = await zoneDraftsRepository(db).byId(id);
  if (!d) throw notFound(DRAFT);
  const baseAt = new Date(d.baseAt);
  const asOf = baseAt < now ? baseAt : now;
  const [{ geo, stats, memos }, before] = await Promise.all([
    gridStatsAt(db, asOf, scope),
    zoneDraftsRepository(db).leads(baseAt, scope),
  ]);
  const gridIds = new Set(stats.map((s) => s.id));
  const after = leadsAfter(
    before,
    d.changes.filter((c) => gridIds.has(c.areaId)),
  );
  const weightsKey = JSON.stringify(d.weights);
  let memo = memos.get(weightsKey);
  if (!memo) {
    if (memos.size >= 8) memos.clear();
    memos.set(weightsKey, (memo = {}));
  }
  const t = balanceTable(stats, geo.nb, before, after, d.weights as Weights, memo);
  const names = await zoneDraftsRepository(db).units(t.units.map((u) => u.unitId));
  const touched = new Set<number>();
  for (const c of d.changes) {
    if (!gridIds.has(c.areaId) || c.lead === undefined) continue;
    const b = before.get(c.areaId);
    if (b !== undefined) touched.add(b);
    if (c.lead !== null) touched.add(c.lead);
  }
  return {
    at: asOf.toISOString(),
    weights: d.weights,
    index: t.index,
    units: t.units.map((u) => ({ ...u, name: names.get(u.unitId) ?? `#${u.unitId}`, touched: touched.has(u.unitId) })),
  };
}
