import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { communities, county, grids, streets } from '../fixtures/mini-city';
import type { Session } from './accounts';

/** Imports the mini city through the public API as an admin, asserting each level is accepted. */
export async function loadMiniCity(app: FastifyInstance, admin: Session) {
  for (const [level, collection] of [
    ['county', county],
    ['street', streets],
    ['community', communities],
    ['grid', grids],
  ] as const) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/areas/import',
      payload: { level, collection },
      headers: admin.headers,
    });
    expect(res.statusCode, res.body).toBe(201);
  }
}
