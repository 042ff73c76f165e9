import type { Queryable } from '../db/types';
import type { Category, CategoryCreate, CategoryPatch, CategoryTree } from '../schemas/problems';

// The problem taxonomy (大类/小类/细类). SQL constants with $n parameters.
const COLS = `id, code, parent_id AS "parentId", level, name_zh AS "nameZh", name_en AS "nameEn",
  deadline_hours AS "deadlineHours", working_days AS "workingDays", filing_standard AS "filingStandard",
  closing_standard AS "closingStandard", urgent, handler, revisit_days AS "revisitDays", active, sort`;

const SQL_ALL = `SELECT ${COLS} FROM problem_categories WHERE $1::boolean OR active ORDER BY level, sort, code`;
const SQL_BY_ID = `SELECT ${COLS} FROM problem_categories WHERE id = $1`;
const SQL_BY_CODE = `SELECT ${COLS} FROM problem_categories WHERE code = $1`;
const SQL_INSERT = `
  INSERT INTO problem_categories (code, parent_id, level, name_zh, name_en, deadline_hours, working_days, filing_standard,
    closing_standard, urgent, handler, revisit_days, sort)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
  RETURNING ${COLS}`;
// COALESCE keeps what the patch does not name; the standards and handler may be set to NULL,
// so they carry an explicit "was it given" flag.
const SQL_PATCH = `
  UPDATE problem_categories SET
    name_zh = coalesce($2, name_zh), name_en = coalesce($3, name_en), deadline_hours = coalesce($4, deadline_hours),
    working_days = coalesce($5, working_days),
    filing_standard = CASE WHEN $6::boolean THEN $7 ELSE filing_standard END,
    closing_standard = CASE WHEN $8::boolean THEN $9 ELSE closing_standard END,
    urgent = coalesce($10, urgent), handler = CASE WHEN $11::boolean THEN $12 ELSE handler END,
    revisit_days = coalesce($13, revisit_days), active = coalesce($14, active), sort = coalesce($15, sort),
    updated_at = now()
  WHERE id = $1
  RETURNING ${COLS}`;

/** Three fixed levels, so the tree is two passes over rows sorted by level. */
export function buildCategoryTree(rows: Category[]): CategoryTree {
  const tops = rows
    .filter((r) => r.level === 1)
    .map((r) => ({ ...r, children: [] as (Category & { children: Category[] })[] }));
  const mids = new Map<number, Category & { children: Category[] }>();
  for (const r of rows.filter((x) => x.level === 2)) {
    const node = { ...r, children: [] as Category[] };
    const parent = tops.find((t) => t.id === r.parentId);
    if (parent) {
      parent.children.push(node);
      mids.set(r.id, node);
    }
  }
  for (const r of rows.filter((x) => x.level === 3)) mids.get(r.parentId!)?.children.push(r);
  return tops;
}

export function categoriesRepository(db: Queryable) {
  return {
    async all(includeInactive: boolean) {
      return (await db.query<Category>(SQL_ALL, [includeInactive])).rows;
    },
    async byId(id: number) {
      return (await db.query<Category>(SQL_BY_ID, [id])).rows[0] ?? null;
    },
    async byCode(code: string) {
      return (await db.query<Category>(SQL_BY_CODE, [code])).rows[0] ?? null;
    },
    async insert(c: CategoryCreate, parentId: number | null) {
      const level = c.code.length / 2;
      const leaf = level === 3;
      return (
        await db.query<Category>(SQL_INSERT, [
          c.code,
          parentId,
          level,
          c.nameZh.trim(),
          c.nameEn.trim(),
          leaf ? (c.deadlineHours ?? 24) : null,
          c.workingDays ?? false,
          c.filingStandard ?? null,
          c.closingStandard ?? null,
          c.urgent ?? false,
          c.handler ?? null,
          c.revisitDays ?? 7,
          c.sort ?? 0,
        ])
      ).rows[0]!;
    },
    async patch(id: number, p: CategoryPatch) {
      const given = (k: keyof CategoryPatch) => Object.prototype.hasOwnProperty.call(p, k);
      return (
        (
          await db.query<Category>(SQL_PATCH, [
            id,
            p.nameZh?.trim() ?? null,
            p.nameEn?.trim() ?? null,
            p.deadlineHours ?? null,
            p.workingDays ?? null,
            given('filingStandard'),
            p.filingStandard ?? null,
            given('closingStandard'),
            p.closingStandard ?? null,
            p.urgent ?? null,
            given('handler'),
            p.handler ?? null,
            p.revisitDays ?? null,
            p.active ?? null,
            p.sort ?? null,
          ])
        ).rows[0] ?? null
      );
    },
  };
}
export type CategoriesRepository = ReturnType<typeof categoriesRepository>;
