import type { InjectOptions } from 'fastify';
import type { Db } from '../../api/db/types';
import { zoneDraftsRepository } from '../../api/repositories/zone-drafts';

/**
 * The authorization-matrix cases of issue 13's routes (the zone editor's drafts): planners and
 * admins only. One draft is seeded; every write case is refused by a rule past the access check
 * (a stale version → 409, unknown units → 422, an unapplied draft cannot be reverted → 409), so
 * no role's case changes what a later one sees.
 */
type Req = InjectOptions & { url: string };
interface Case {
  in: () => Req;
}

let draftId = 0;

export async function seedZones(db: Db) {
  const now = new Date('2026-03-04T02:00:00Z');
  draftId = await zoneDraftsRepository(db).insert({
    name: '矩阵方案',
    notes: '',
    authorId: (await db.query<{ id: number }>(`SELECT id FROM users ORDER BY id LIMIT 1`)).rows[0]!.id,
    baseAt: now,
    changes: [],
    locks: { grids: [], units: [] },
    weights: { grids: 1 },
    revertsId: null,
    now,
  });
}

const url = (tail = '') => `/api/zone-drafts/${draftId}${tail}`;
const STALE = { version: 999 };

export const ZONE_CASES: Record<string, Case> = {
  'GET /api/zone-drafts': { in: () => ({ method: 'GET', url: '/api/zone-drafts' }) },
  'POST /api/zone-drafts': { in: () => ({ method: 'POST', url: '/api/zone-drafts', payload: { name: '' } }) },
  'GET /api/zone-drafts/:id': { in: () => ({ method: 'GET', url: url() }) },
  'PUT /api/zone-drafts/:id': { in: () => ({ method: 'PUT', url: url(), payload: STALE }) },
  'DELETE /api/zone-drafts/:id': { in: () => ({ method: 'DELETE', url: url('?version=999') }) },
  'POST /api/zone-drafts/:id/edits': {
    in: () => ({ method: 'POST', url: url('/edits'), payload: { ...STALE, areaIds: [1], lead: 1 } }),
  },
  'GET /api/zone-drafts/:id/balance': { in: () => ({ method: 'GET', url: url('/balance') }) },
  'POST /api/zone-drafts/:id/apply': { in: () => ({ method: 'POST', url: url('/apply'), payload: STALE }) },
  'POST /api/zone-drafts/:id/revert': { in: () => ({ method: 'POST', url: url('/revert') }) },
  'GET /api/zone-drafts/:id/export.xlsx': { in: () => ({ method: 'GET', url: url('/export.xlsx') }) },
  'POST /api/zone-drafts/:id/auto-balance': {
    in: () => ({ method: 'POST', url: url('/auto-balance'), payload: { unitIds: [999_998, 999_999] } }),
  },
};
