/**
 * A kind of problem in the text tables: the keywords that pick it for a category, its weight
 * (how common it is), the report texts (`what`) and the fix notes (`fix`); `G` builds one, and
 * DEFAULT_GROUP is the kind of a category that no keyword matches. The kinds themselves are in
 * texts-street-order.ts and texts-environment.ts.
 */

/**
 * Kinds of problem by keyword on the leaf's name (then its 小类, 大类): how common each is in a
 * 创文 campaign (exposed garbage and clutter everywhere, illegal buildings and dry toilets rare)
 * and what reports and fix notes say. Keys follow the seeded taxonomy (migration 006); a leaf an
 * admin adds later falls into its parent's kind or the default. A kind's weight is shared among
 * the leaves that fall into it.
 */
export interface Group {
  keys: string[];
  weight: number;
  what: string[];
  fix: string[];
}
export const G = (keys: string[], weight: number, what: string[], fix: string[]): Group => ({
  keys,
  weight,
  what,
  fix,
});
export const DEFAULT_GROUP: Group = G(
  [],
  1,
  ['{road}{num}号附近发现{cat}问题，影响市容环境', '{place}存在{cat}问题，请尽快处置'],
  ['已按结案标准整改到位', '问题已处理，现场已恢复'],
);
