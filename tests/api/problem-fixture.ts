import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { Db } from '../../api/db/types';
import type { Role } from '../../api/auth/roles';
import { hashPassword } from '../../api/auth/passwords';
import type { CategoryTree, ProblemDetail } from '../../api/schemas/problems';
import { login, passwordOf, type Session } from './accounts';

/** Helpers of the problem-loop tests: they go through the public API as a given user. */
export function problemApi(app: FastifyInstance, session: Session) {
  const send = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });
  const ok = async <T>(
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload: object | undefined,
    status: number,
  ): Promise<T> => {
    const res = await send(method, url, payload);
    expect(res.statusCode, `${method} ${url} → ${res.body.slice(0, 400)}`).toBe(status);
    return res.json() as T;
  };
  return {
    send,
    get: <T>(url: string) => ok<T>('GET', url, undefined, 200),
    problem: (id: number) => ok<ProblemDetail>('GET', `/api/problems/${id}`, undefined, 200),
    report: (body: object) => ok<ProblemDetail>('POST', '/api/problems', body, 201),
    /** POST an action with the version given, or the one the caller sees now */
    actRaw: async (id: number, action: string, body: Record<string, unknown> & { version?: number } = {}) => {
      const version = body.version ?? ((await send('GET', `/api/problems/${id}`)).json() as ProblemDetail).version;
      return send('POST', `/api/problems/${id}/actions/${action}`, { ...body, version });
    },
    act: async (id: number, action: string, body: Record<string, unknown> & { version?: number } = {}) => {
      const version = body.version ?? ((await send('GET', `/api/problems/${id}`)).json() as ProblemDetail).version;
      return ok<ProblemDetail>('POST', `/api/problems/${id}/actions/${action}`, { ...body, version }, 200);
    },
  };
}
export type ProblemApi = ReturnType<typeof problemApi>;

/** Leaf category ids by code, from the seeded taxonomy. */
export async function leafIds(app: FastifyInstance, session: Session): Promise<Record<string, number>> {
  const res = await app.inject({ url: '/api/categories', headers: session.headers });
  expect(res.statusCode).toBe(200);
  const ids: Record<string, number> = {};
  for (const top of res.json() as CategoryTree) {
    ids[top.code] = top.id;
    for (const mid of top.children) {
      ids[mid.code] = mid.id;
      for (const leaf of mid.children) ids[leaf.code] = leaf.id;
    }
  }
  return ids;
}

/** An account of any role, with a unit for unit staff (their scope then follows its contracts). */
export async function userWithUnit(
  app: FastifyInstance,
  db: Db,
  username: string,
  role: Role,
  unitId: number | null = null,
): Promise<{ id: number; session: Session }> {
  const hash = await hashPassword(passwordOf(username));
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO users (username, display_name, role, password_hash, unit_id) VALUES ($1, $1, $2, $3, $4) RETURNING id',
    [username, role, hash, unitId],
  );
  return { id: rows[0]!.id, session: await login(app, username) };
}

let shade = 0;
/** A small real JPEG, a different one each call (photos are stored once per content hash). */
export async function jpegPhoto(name = 'photo.jpg') {
  shade = (shade + 37) % 256;
  const bytes = await sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: shade, g: 120, b: 200 - (shade % 100) } },
  })
    .jpeg()
    .toBuffer();
  return { name, dataBase64: bytes.toString('base64') };
}

/** Row counts of every table a report or a transition writes. */
export async function writtenRows(db: Db) {
  const { rows } = await db.query<Record<string, number>>(`SELECT
    (SELECT count(*)::int FROM problems) AS problems, (SELECT count(*)::int FROM problem_events) AS events,
    (SELECT count(*)::int FROM problem_photos) AS photos, (SELECT count(*)::int FROM photo_blobs) AS blobs,
    (SELECT count(*)::int FROM problem_notices) AS notices`);
  return rows[0]!;
}
