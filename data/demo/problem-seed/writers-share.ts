import type { PreparedPhoto } from '../../../api/services/photos';
import { demoPhoto } from '../photos';
import { PLAN_PHOTOS, type PlanStep } from '../problems';

/**
 * Decisions both writers (the service replay and the bulk writer) share, so they write the same
 * rows: the pool of demo photos per seed, the unit an assignment names (the routed one, another
 * one after a "not ours" return, or the department that handles the kind of problem), and that
 * handling department by a word of its name.
 */

export interface PhotoPool {
  before: PreparedPhoto[];
  after: PreparedPhoto[];
  revisit: PreparedPhoto[];
}
const pools = new Map<number, Promise<PhotoPool>>();

/**
 * A handful of photos per seed, rendered and prepared once per process: thousands of reports
 * and fixes share them, and blobs dedupe by hash, so the database stays small.
 */
export function demoPhotoPool(seed: number): Promise<PhotoPool> {
  let pool = pools.get(seed);
  if (!pool) {
    const make = async (kind: 'before' | 'after' | 'revisit', n: number) => {
      const out: PreparedPhoto[] = [];
      for (let i = 0; i < n; i++) out.push(await demoPhoto(`demo-${seed}-${i}`, kind));
      return out;
    };
    pool = (async () => ({
      before: await make('before', PLAN_PHOTOS),
      after: await make('after', PLAN_PHOTOS),
      revisit: await make('revisit', 2),
    }))();
    pools.set(seed, pool);
  }
  return pool;
}

/** The units routed with a problem, as far as assignment cares. */
export interface RoutedUnits {
  leadUnitId: number | null;
  supportUnitIds: number[];
  communityUnits: { unitId: number; role: string }[];
}

/**
 * The unit an assignment names: none (the service's default, the routed lead unit) unless the
 * problem was returned as "not ours" — then another unit of the place — or nobody contracts the
 * place — then the department that handles this kind of problem.
 */
export function chooseAssignee(
  r: RoutedUnits,
  s: Pick<PlanStep, 'otherUnit'>,
  returnedBy: number | null,
  handler: () => number | null,
): number | null {
  const routed = r.leadUnitId ?? r.communityUnits.find((u) => u.role === 'lead')?.unitId ?? null;
  if (s.otherUnit) {
    const others = [
      ...r.supportUnitIds,
      ...r.communityUnits.map((u) => u.unitId),
      ...(r.leadUnitId ? [r.leadUnitId] : []),
    ].filter((id) => id !== returnedBy);
    if (others.length) return others[0]!;
  }
  return routed !== null ? null : handler();
}

// A category's handler (migration 006) → a word of the unit's name in the demo's unit list.
const HANDLER_UNITS: [string, string][] = [
  ['城管', '综合行政执法'],
  ['执法', '综合行政执法'],
  ['环卫', '综合行政执法'],
  ['住建', '住建'],
  ['市场监管', '市场监管'],
  ['生态环境', '生态环境'],
  ['交警', '交通警察'],
  ['公安', '公安'],
  ['交通', '交通运输'],
  ['卫生', '卫生健康'],
  ['爱卫', '卫生健康'],
  ['供电', '供电'],
  ['通信', '电信'],
  ['自然资源', '自然资源'],
  ['农业', '农业农村'],
  ['宣传', '宣传部'],
];

/** The unit that handles a kind of problem where nobody contracts the place (else the first unit). */
export function handlerUnit(handler: string | null, units: { id: number; name: string }[]): number | null {
  for (const [key, word] of HANDLER_UNITS) {
    if (!handler?.includes(key)) continue;
    const u = units.find((x) => x.name.includes(word));
    if (u) return u.id;
  }
  return units[0]?.id ?? null;
}
