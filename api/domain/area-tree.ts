import type { AreaSummary, AreaTree, AreaTreeNode } from '../schemas/areas';

/** An area as the tree needs it: its summary and how many children it has. */
export interface AreaRow extends AreaSummary {
  childCount: number;
}

/** Nests county → street → community rows (ordered by code) by parent id. */
export function buildAreaTree(rows: AreaRow[]): AreaTree {
  const nodes = new Map<number, AreaTreeNode>();
  const roots: AreaTreeNode[] = [];
  for (const r of rows) {
    nodes.set(r.id, { id: r.id, level: r.level, code: r.code, name: r.name, childCount: r.childCount, children: [] });
  }
  for (const r of rows) {
    const node = nodes.get(r.id)!;
    const parent = r.parentId === null ? undefined : nodes.get(r.parentId);
    if (parent) (parent.children as AreaTreeNode[]).push(node);
    else if (r.level === 'county') roots.push(node);
  }
  return { roots } as AreaTree;
}
