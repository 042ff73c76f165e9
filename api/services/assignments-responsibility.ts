import type { Db } from '../db/types';
import type { Scope } from '../domain/scope';
import type { Responsibility } from '../schemas/contracting';
import { assignmentsRepository } from '../repositories/assignments';
import type { SessionCache } from './session-cache';

export interface ResponsibilityCacheOptions {
  /** grids at most; the oldest entry goes first */
  max: number;
}

interface Entry {
  answer: Responsibility;
  /** the instants it holds for: [since, until), null = unbounded (responsibility_window) */
  since: number;
  until: number;
}

/**
 * Who is responsible for a point (GET /api/responsibility, issue 15): the point's grid by one
 * GiST probe (grid_at, with the caller's scope), then that grid's answer from a per-process map.
 * Building the answer (responsibility_at: staff and unit JSON) was the cost of every lookup; it is
 * built once per grid and kept for the interval of instants it holds for unchanged
 * (responsibility_window: between the nearest start or end of an assignment before and after),
 * so a lookup at another instant within it is a hit and one outside it a miss, never a stale
 * answer as time passes. Every change that could alter an answer drops the whole map: the
 * session cache's listener (one LISTEN per process) hears migration 020/022's NOTIFY `*` on any
 * write of assignments, people, units or areas, and in this process a write of those routes
 * drops it before its answer goes out (plugins/session-cache.ts). With the session cache off
 * (no listener) nothing is cached.
 */
export function responsibilityCache(
  db: Db,
  sessions: Pick<SessionCache, 'follow'>,
  options: ResponsibilityCacheOptions = { max: 100_000 },
) {
  const entries = new Map<number, Entry>();
  // bumped by every invalidation: a miss that began before one must not store what it read
  let generation = 0;
  const stats = { hits: 0, misses: 0, invalidations: 0 };
  const stop = sessions.follow(() => {
    generation++;
    stats.invalidations++;
    entries.clear();
  });
  const repo = assignmentsRepository(db);

  return {
    stats,
    close() {
      stop?.();
      entries.clear();
    },
    /** The responsibility at a point and instant as the caller's scope may read it; null: no grid in reach. */
    async at(lon: number, lat: number, at: Date, scope: Scope): Promise<Responsibility | null> {
      if (!stop) return repo.responsibility(lon, lat, at, scope);
      const grid = await repo.gridAt(lon, lat, scope);
      if (!grid || !grid.visible) return null;
      const t = at.getTime();
      const hit = entries.get(grid.id);
      if (hit && hit.since <= t && t < hit.until) {
        stats.hits++;
        return { ...hit.answer, at: at.toISOString() };
      }
      stats.misses++;
      const began = generation;
      const found = await repo.gridResponsibility(grid.id, at);
      // the grid's label point lies in another grid (on a shared edge): ask at the point itself
      if (!found) return repo.responsibility(lon, lat, at, scope);
      if (generation === began) {
        entries.delete(grid.id);
        if (entries.size >= options.max) entries.delete(entries.keys().next().value!);
        entries.set(grid.id, {
          answer: found.answer,
          since: found.since?.getTime() ?? -Infinity,
          until: found.until?.getTime() ?? Infinity,
        });
      }
      return found.answer;
    },
  };
}
export type ResponsibilityCache = ReturnType<typeof responsibilityCache>;
