import type { FastifyInstance, InjectOptions } from 'fastify';
import { expect } from 'vitest';
import type { Session } from './accounts';

/**
 * The authorization-matrix cases of the wall's routes (issue 12): display tokens (admin only)
 * and the wall's exchange of a token for a display session (public; a bad token is 401). The
 * revoke case aims at a token revoked in the seed (revoking again changes nothing), so no case
 * ends anything a later role's case depends on. The read-only rule of display sessions has its
 * own test (tests/api/display-tokens.test.ts).
 */
type Req = InjectOptions & { url: string };
interface Case {
  in: () => Req;
}

let revokedId = 0;

export async function seedWall(app: FastifyInstance, admin: Session) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/display-tokens',
    headers: admin.headers,
    payload: { name: '矩阵大屏', cityWide: true, scopeCodes: [] },
  });
  expect(res.statusCode, res.body).toBe(201);
  revokedId = (res.json() as { id: number }).id;
  const revoke = await app.inject({
    method: 'POST',
    url: `/api/display-tokens/${revokedId}/revoke`,
    headers: admin.headers,
  });
  expect(revoke.statusCode, revoke.body).toBe(200);
}

export const WALL_CASES: Record<string, Case> = {
  'GET /api/display-tokens': { in: () => ({ method: 'GET', url: '/api/display-tokens' }) },
  'POST /api/display-tokens': {
    in: () => ({
      method: 'POST',
      url: '/api/display-tokens',
      payload: { name: '矩阵新大屏', cityWide: false, scopeCodes: ['330822001'] },
    }),
  },
  'POST /api/display-tokens/:id/revoke': {
    in: () => ({ method: 'POST', url: `/api/display-tokens/${revokedId}/revoke` }),
  },
  'POST /api/display/session': {
    in: () => ({ method: 'POST', url: '/api/display/session', payload: { token: 'wd_matrix-not-a-token' } }),
  },
};
