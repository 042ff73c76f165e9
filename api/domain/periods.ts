/**
 * Overlap of half-open periods [from, to), to = null meaning open. Pure, for the rows of one
 * upload (the database refuses overlaps with stored rows itself, see 003-contracting.sql).
 */
export interface Period {
  from: Date;
  to: Date | null;
}

export const overlaps = (a: Period, b: Period) =>
  (a.to === null || a.to.getTime() > b.from.getTime()) && (b.to === null || b.to.getTime() > a.from.getTime());

/**
 * For items grouped by key (e.g. "grid 12 lead"), each item that overlaps an earlier one of its
 * group, with the one it overlaps. Sorting by start makes it one pass per group: an item overlaps
 * some earlier one exactly when it starts before the latest end seen so far.
 */
export function findOverlaps<T extends Period>(items: T[], keyOf: (t: T) => string | null): { item: T; other: T }[] {
  const groups = new Map<string, T[]>();
  for (const it of items) {
    const k = keyOf(it);
    if (k === null) continue;
    const g = groups.get(k);
    if (g) g.push(it);
    else groups.set(k, [it]);
  }
  const out: { item: T; other: T }[] = [];
  for (const g of groups.values()) {
    g.sort((a, b) => a.from.getTime() - b.from.getTime());
    let reach: T | null = null;
    for (const it of g) {
      if (reach && overlaps(reach, it)) out.push({ item: it, other: reach });
      if (!reach || (reach.to !== null && (it.to === null || it.to.getTime() > reach.to.getTime()))) reach = it;
    }
  }
  return out;
}
