import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Db } from '../../api/db/types';
import type { Role } from '../../api/auth/roles';
import { hashPassword } from '../../api/auth/passwords';
import { setScope } from '../../api/services/users';

export interface Session {
  cookie: string;
  csrf: string;
  /** headers for a request as this user (writes carry the CSRF token) */
  headers: Record<string, string>;
}

export const passwordOf = (username: string) => `test-${username}-2026`;

export async function createUser(db: Db, username: string, role: Role, scopeCodes: string[] = []) {
  const hash = await hashPassword(passwordOf(username));
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $1, $2, $3) RETURNING id`,
      [username, role, hash],
    );
    await setScope(tx, rows[0]!.id, role, scopeCodes);
    return rows[0]!.id;
  });
}

export function cookieFrom(setCookie: string | string[] | undefined): string {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const c = all.find((h) => h.startsWith('wangge_session='));
  if (!c) throw new Error(`no session cookie in ${JSON.stringify(all)}`);
  return c.split(';')[0]!;
}

export async function login(
  app: FastifyInstance,
  username: string,
  password = passwordOf(username),
  cookie?: string,
): Promise<Session> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    headers: cookie ? { cookie } : {},
  });
  expect(res.statusCode, res.body).toBe(200);
  const session = {
    cookie: cookieFrom(res.headers['set-cookie']),
    csrf: (res.json() as { csrfToken: string }).csrfToken,
  };
  return { ...session, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } };
}

/** An admin for tests that only need to be allowed (creates the account on first use). */
export async function adminSession(app: FastifyInstance, db: Db): Promise<Session> {
  const { rows } = await db.query(`SELECT 1 FROM users WHERE username = 'test-admin'`);
  if (!rows.length) await createUser(db, 'test-admin', 'admin');
  return login(app, 'test-admin');
}
