import type { Queryable } from '../db/types';
import type { AreaDetail, AreaLevel, AreaSearchHit, AreaSummary } from '../schemas/areas';

// SQL lives here as named constants with $n parameters; no request text is ever pasted in.
const SUMMARY_COLS = 'a.id, a.level::text AS level, a.code, a.name, a.parent_id AS "parentId"';

const SQL_DETAIL = `
  SELECT ${SUMMARY_COLS}, a.area_m2 AS "areaM2",
         ARRAY[ST_XMin(a.geom::box3d), ST_YMin(a.geom::box3d), ST_XMax(a.geom::box3d), ST_YMax(a.geom::box3d)] AS bbox,
         ARRAY[ST_X(a.label_point), ST_Y(a.label_point)] AS "labelPoint",
         (SELECT count(*)::int FROM areas c WHERE c.parent_id = a.id AND area_visible(c.code, $2::text[])) AS "childCount"
  FROM areas a WHERE %WHERE% AND area_visible(a.code, $2::text[])`;
const SQL_DETAIL_BY_ID = SQL_DETAIL.replace('%WHERE%', 'a.id = $1');
const SQL_DETAIL_BY_CODE = SQL_DETAIL.replace('%WHERE%', 'a.code = $1');

// The code encodes the chain: ancestors are the areas whose code is a shorter prefix.
const SQL_CHAIN = `
  SELECT ${SUMMARY_COLS} FROM areas a
  WHERE a.code = ANY ($1::text[]) ORDER BY length(a.code)`;

const SQL_CHILDREN = `SELECT ${SUMMARY_COLS} FROM areas a WHERE a.parent_id = $1 AND area_visible(a.code, $2::text[]) ORDER BY a.code`;

const SQL_BY_CODES = `SELECT a.id, a.code, a.name, a.level::text AS level FROM areas a WHERE a.code = ANY ($1::text[]) ORDER BY a.code`;

const SQL_TREE = `
  SELECT ${SUMMARY_COLS}, count(c.id)::int AS "childCount"
  FROM areas a LEFT JOIN areas c ON c.parent_id = a.id AND area_visible(c.code, $1::text[])
  WHERE a.level <> 'grid' AND area_visible(a.code, $1::text[])
  GROUP BY a.id ORDER BY a.code`;

const SQL_SEARCH = `
  SELECT ${SUMMARY_COLS},
         (SELECT string_agg(p.name, ' › ' ORDER BY length(p.code)) FROM areas p
           WHERE p.code IN (left(a.code, 6), left(a.code, 9), left(a.code, 12), a.code)) AS path
  FROM areas a
  WHERE (a.name ILIKE '%' || $1 || '%' ESCAPE '\\' OR a.code LIKE $1 || '%' ESCAPE '\\')
    AND area_visible(a.code, $4::text[])
  ORDER BY a.level, (a.name = $2) DESC, a.code
  LIMIT $3`;

const SQL_AT_POINT = `SELECT id, level::text AS level, code, name, parent_id AS "parentId" FROM areas_at_point($1, $2) WHERE area_visible(code, $3::text[])`;

const SQL_COUNTS = `SELECT level::text AS level, count(*)::int AS n FROM areas GROUP BY level`;

import type { AreaRow } from '../domain/area-tree';
export type { AreaRow };

function ancestorCodes(code: string): string[] {
  return [6, 9, 12].filter((n) => n < code.length).map((n) => code.slice(0, n));
}

import type { Scope } from '../domain/scope';
export type { Scope };

/** Every read takes the caller's scope and applies it in SQL: rows out of scope do not exist. */
export function areasRepository(db: Queryable) {
  async function withChain(row: Omit<AreaDetail, 'chain'> | undefined): Promise<AreaDetail | null> {
    if (!row) return null;
    const { rows } = await db.query<AreaSummary>(SQL_CHAIN, [ancestorCodes(row.code)]);
    return { ...row, chain: rows };
  }
  return {
    async byId(id: number, scope: Scope) {
      const { rows } = await db.query<Omit<AreaDetail, 'chain'>>(SQL_DETAIL_BY_ID, [id, scope]);
      return withChain(rows[0]);
    },
    async byCode(code: string, scope: Scope) {
      const { rows } = await db.query<Omit<AreaDetail, 'chain'>>(SQL_DETAIL_BY_CODE, [code, scope]);
      return withChain(rows[0]);
    },
    async children(id: number, scope: Scope) {
      return (await db.query<AreaSummary>(SQL_CHILDREN, [id, scope])).rows;
    },
    async treeRows(scope: Scope) {
      return (await db.query<AreaRow>(SQL_TREE, [scope])).rows;
    },
    async search(q: string, limit: number, scope: Scope) {
      const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
      return (await db.query<AreaSearchHit>(SQL_SEARCH, [escaped, q, limit, scope])).rows;
    },
    async atPoint(lon: number, lat: number, scope: Scope) {
      return (await db.query<AreaSummary>(SQL_AT_POINT, [lon, lat, scope])).rows;
    },
    /** Does an area with this id or code exist at all (to audit out-of-scope requests)? */
    async exists(ref: { id?: number; code?: string }) {
      const { rows } = await db.query('SELECT 1 FROM areas WHERE id = $1 OR code = $2', [
        ref.id ?? null,
        ref.code ?? null,
      ]);
      return rows.length > 0;
    },
    async summariesByCode(codes: string[]) {
      return (await db.query<{ id: number; code: string; name: string; level: AreaLevel }>(SQL_BY_CODES, [codes])).rows;
    },
    async countsByLevel(): Promise<Record<AreaLevel, number>> {
      const counts: Record<AreaLevel, number> = { county: 0, street: 0, community: 0, grid: 0 };
      for (const r of (await db.query<{ level: AreaLevel; n: number }>(SQL_COUNTS)).rows) counts[r.level] = r.n;
      return counts;
    },
  };
}
export type AreasRepository = ReturnType<typeof areasRepository>;
