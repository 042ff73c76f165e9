import type { Queryable } from '../db/types';

/** What the server runs on (GET /api/health). */
export function systemRepository(db: Queryable) {
  return {
    async postgisVersion() {
      return (await db.query<{ v: string }>('SELECT postgis_lib_version() AS v')).rows[0]?.v ?? 'unknown';
    },
  };
}
export type SystemRepository = ReturnType<typeof systemRepository>;
