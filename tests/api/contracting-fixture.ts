import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Session } from './accounts';
import type { Assignment, Person, Unit } from '../../api/schemas/contracting';
import type { AreaDetail } from '../../api/schemas/areas';

/** Small helpers that go through the public API as a given user, asserting success. */
export function contractingApi(app: FastifyInstance, session: Session) {
  const send = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });
  const ok = async <T>(
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload: object | undefined,
    status: number,
  ): Promise<T> => {
    const res = await send(method, url, payload);
    expect(res.statusCode, `${method} ${url} → ${res.body}`).toBe(status);
    return res.json() as T;
  };
  let seq = 0;
  return {
    send,
    area: (code: string) => ok<AreaDetail>('GET', `/api/areas/by-code/${code}`, undefined, 200),
    unit: (name: string, extra: Partial<Unit> = {}) =>
      ok<Unit>(
        'POST',
        '/api/units',
        { code: `T${String(++seq).padStart(3, '0')}`, name, type: 'county', ...extra },
        201,
      ),
    person: (name: string, phone: string) => ok<Person>('POST', '/api/people', { name, phone }, 201),
    assign: (body: {
      areaId: number;
      role: string;
      unitId?: number;
      personId?: number;
      validFrom: string;
      validTo?: string | null;
    }) => ok<Assignment>('POST', '/api/assignments', body, 201),
    reassign: (id: number, at: string, holder: { unitId?: number; personId?: number }) =>
      ok<{ closed: Assignment; opened: Assignment }>('POST', `/api/assignments/${id}/reassign`, { at, ...holder }, 200),
  };
}

/** An ISO instant in Beijing time, as the office would say it. */
export const bj = (local: string) => new Date(`${local}+08:00`).toISOString();
