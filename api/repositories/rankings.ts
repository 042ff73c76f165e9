import type { Queryable } from '../db/types';
import type { RankEntry } from '../domain/ranking';
import type { RankKind } from './figures';
import type { RankingScheme } from '../schemas/figures';

// Ranking schemes (versioned rules as jsonb) and the kept results of finished weeks.
const SCHEME_COLS = `id, code, version, name_zh AS "nameZh", name_en AS "nameEn", rules, created_at AS "createdAt"`;
const SQL_LATEST = `SELECT ${SCHEME_COLS} FROM ranking_schemes WHERE code = $1 ORDER BY version DESC LIMIT 1`;
const SQL_ALL = `SELECT ${SCHEME_COLS} FROM ranking_schemes ORDER BY code, version DESC`;
const SQL_NEW_VERSION = `
    INSERT INTO ranking_schemes (code, version, name_zh, name_en, rules, created_by)
    SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4::jsonb, $5 FROM ranking_schemes WHERE code = $1
    RETURNING ${SCHEME_COLS}`;
const SQL_SNAPSHOT = `SELECT entries, computed_at AS "computedAt" FROM ranking_snapshots WHERE scheme_id = $1 AND entity_kind = $2 AND week_start = $3::date`;
// Concurrent first readers both compute; the first insert wins and everyone reads it back.
const SQL_KEEP = `INSERT INTO ranking_snapshots (scheme_id, entity_kind, week_start, computed_at, entries) VALUES ($1, $2, $3::date, $4, $5::jsonb)
    ON CONFLICT (scheme_id, entity_kind, week_start) DO NOTHING`;

export interface Snapshot {
  entries: RankEntry[];
  computedAt: Date;
}
export interface SnapshotKey {
  schemeId: number;
  kind: RankKind;
  weekStart: string;
}

export function rankingsRepository(db: Queryable) {
  return {
    async latestScheme(code: string): Promise<RankingScheme | null> {
      return (await db.query<RankingScheme>(SQL_LATEST, [code])).rows[0] ?? null;
    },
    async schemes(): Promise<RankingScheme[]> {
      return (await db.query<RankingScheme>(SQL_ALL)).rows;
    },
    /** The next version of a scheme's code (the first: 1). */
    async insertSchemeVersion(s: {
      code: string;
      nameZh: string;
      nameEn: string;
      rules: unknown;
      createdBy: number | null;
    }): Promise<RankingScheme> {
      return (
        await db.query<RankingScheme>(SQL_NEW_VERSION, [
          s.code,
          s.nameZh,
          s.nameEn,
          JSON.stringify(s.rules),
          s.createdBy,
        ])
      ).rows[0]!;
    },
    async snapshot(k: SnapshotKey): Promise<Snapshot | null> {
      return (await db.query<Snapshot>(SQL_SNAPSHOT, [k.schemeId, k.kind, k.weekStart])).rows[0] ?? null;
    },
    /** Keeps a week's result unless one is kept already (then that one stays). */
    async keepSnapshot(k: SnapshotKey, computedAt: Date, entries: RankEntry[]) {
      await db.query(SQL_KEEP, [k.schemeId, k.kind, k.weekStart, computedAt, JSON.stringify(entries)]);
    },
  };
}
export type RankingsRepository = ReturnType<typeof rankingsRepository>;
