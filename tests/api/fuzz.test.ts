import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Db } from '../../api/db/types';
import { controllableClock } from '../../api/domain/clock';
import type { AreaDetail } from '../../api/schemas/areas';
import { appOn, backends } from './harness';
import { adminSession, createUser, login, type Session } from './accounts';
import { loadMiniCity } from './load-mini-city';
import { problemApi, leafIds } from './problem-fixture';
import { HOSTILE_TEXT, jsonArb, raw, sample, textArb, toJson } from './fuzz-values';

// Hostile input on every route (issue 10, finding 6 and "bounded work on every route"): the
// routes come from the app's own OpenAPI document, so a new route is fuzzed without a case
// here. As an admin with the CSRF token, each parameter, query field and body field in turn
// gets NUL, RLO, huge text, ±Infinity, 1e400, 2^31, 2^63, year 0000/9999, wrong types and
// fast-check's random values (fixed seed); each body also gets broken JSON, an empty body,
// deep nesting. No answer may be ≥ 500, every refusal is { error, message } with a Chinese
// message free of Ajv's English, and /api/health keeps answering within 2 s meanwhile.

const SEED = 20261205;
const RANDOM_RUNS_PER_FIELD = 2;
/** each field gets these first (as fast-check examples), by the type it expects, then random ones */
const CORE_NUMBER = [
  '-Infinity',
  'Infinity',
  '1e400',
  'NaN',
  '2147483648',
  '9223372036854775808',
  '99999999999999999999999',
  'x',
];
const CORE_TEXT = [
  '\u0000',
  '\u202Eevil',
  '县教育局\u200b',
  'A'.repeat(100_000),
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59+08:00',
  '-Infinity',
  '%_\\',
];
const CORE_BODY_NUMBER = [
  raw('1e400'),
  raw('-1e400'),
  raw('99999999999999999999999'),
  2 ** 31,
  2 ** 63,
  -0.5,
  'NaN',
  null,
];
const CORE_BODY_OTHER = [{}, [], null, raw('[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]'), 2 ** 63];
const isNumeric = (s: Schema | undefined) => s?.type === 'integer' || s?.type === 'number';
/** routes that end or change the caller's own session run as a throwaway admin */
const OWN_SESSION = new Set(['POST /api/auth/logout', 'POST /api/auth/password', 'POST /api/auth/login']);
const RAW_ENGLISH =
  /must |must NOT|should |equal to constant|Body is not valid|not a valid url|Unsupported Media|Request body|violates|invalid input syntax|out of range for/;
const CJK = /[\u4e00-\u9fff]/;

type Schema = Record<string, unknown>;
interface Param {
  name: string;
  in: 'path' | 'query';
  required?: boolean;
  schema: Schema;
}
interface Op {
  key: string;
  method: string;
  path: string;
  params: Param[];
  body?: Schema;
}
type Field = { part: 'path' | 'query'; name: string } | { part: 'body'; path: (string | number)[] };

/** Every operation of the OpenAPI document. */
function operations(app: FastifyInstance): Op[] {
  const doc = app.swagger() as {
    paths: Record<
      string,
      Record<string, { parameters?: Param[]; requestBody?: { content: Record<string, { schema: Schema }> } }>
    >;
  };
  const ops: Op[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      ops.push({
        key: `${method.toUpperCase()} ${url}`,
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content['application/json']?.schema,
      });
    }
  }
  return ops;
}

/** body fields: each property, into arrays (item 0) and objects, three levels down */
function bodyFields(s: Schema | undefined, at: (string | number)[] = [], depth = 0): (string | number)[][] {
  if (!s || depth > 3) return [];
  const union = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (union)
    return bodyFields(
      union.find((b) => b.type !== 'null'),
      at,
      depth,
    );
  if (s.type === 'object' && s.properties) {
    return Object.entries(s.properties as Record<string, Schema>).flatMap(([k, v]) => [
      [...at, k],
      ...bodyFields(v, [...at, k], depth + 1),
    ]);
  }
  if (s.type === 'array' && s.items && !Array.isArray(s.items))
    return bodyFields(s.items as Schema, [...at, 0], depth + 1);
  return [];
}

function schemaAt(s: Schema | undefined, path: (string | number)[]): Schema | undefined {
  for (const k of path) {
    const union = (s?.anyOf ?? s?.oneOf) as Schema[] | undefined;
    if (union) s = union.find((b) => b.type !== 'null');
    s = typeof k === 'number' ? (s?.items as Schema | undefined) : ((s?.properties ?? {}) as Record<string, Schema>)[k];
  }
  return s;
}

/** the fixed hostile values of a field, by the type it expects */
function coreValues(op: Op, f: Field): unknown[] {
  if (f.part === 'body') {
    const s = schemaAt(op.body, f.path);
    if (isNumeric(s)) return CORE_BODY_NUMBER;
    if (s?.type === 'string') return [...CORE_TEXT, 12];
    return CORE_BODY_OTHER;
  }
  const p = op.params.find((x) => x.in === f.part && x.name === f.name);
  return isNumeric(p?.schema) ? CORE_NUMBER : CORE_TEXT;
}

function setAt(base: unknown, schema: Schema | undefined, path: (string | number)[], value: unknown): unknown {
  if (!path.length) return value;
  const [head, ...rest] = path;
  let sub = schema;
  const union = (sub?.anyOf ?? sub?.oneOf) as Schema[] | undefined;
  if (union) sub = union.find((b) => b.type !== 'null');
  if (typeof head === 'number') {
    const items = sub?.items as Schema | undefined;
    const arr = Array.isArray(base) && base.length ? [...base] : [sample(items)];
    arr[0] = setAt(arr[0], items, rest, value);
    return arr;
  }
  const props = (sub?.properties ?? {}) as Record<string, Schema>;
  const obj = { ...(base && typeof base === 'object' ? base : {}) } as Record<string, unknown>;
  obj[head!] = setAt(obj[head!] ?? sample(props[head!], head), props[head!], rest, value);
  return obj;
}

describe.each(backends())('hostile input on every route on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let admin: Session;
  let ops: Op[];
  const registered: string[] = [];
  /** ids of rows that exist, so hostile values reach the handlers and the database */
  const ids: Record<string, number | string> = {};
  let own: Session;
  const health: number[] = [];

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, {
      clock: controllableClock(new Date('2026-12-05T21:30:00+08:00')),
      onRoute: (r) => registered.push(r.key),
    });
    admin = await adminSession(app, db);
    await loadMiniCity(app, admin);
    ops = operations(app);
    const api = problemApi(app, admin);
    const grid = await api.get<AreaDetail>('/api/areas/by-code/330822001001001');
    const cat = (await leafIds(app, admin))['010101']!;
    const p = await api.report({
      lon: grid.labelPoint[0],
      lat: grid.labelPoint[1],
      categoryId: cat,
      source: 'patrol',
      description: '模糊测试',
    });
    const unit = (
      await api.send('POST', '/api/units', { code: 'FUZZ-U', name: '模糊单位', type: 'county' })
    ).json() as { id: number };
    const person = (await api.send('POST', '/api/people', { name: '模糊人员', phone: '13900000009' })).json() as {
      id: number;
    };
    const target = await createUser(db, 'fuzz-target', 'commander');
    await createUser(db, 'fuzz-own', 'admin');
    own = await login(app, 'fuzz-own');
    Object.assign(ids, {
      area: grid.id,
      problem: p.id,
      category: cat,
      unit: unit.id,
      person: person.id,
      user: target,
      code: grid.code,
    });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const pathValue = (op: Op, name: string): string => {
    if (name === 'code') return String(ids.code);
    if (name === 'action') return 'verify';
    if (name === 'z') return '14';
    if (name === 'x') return '13586';
    if (name === 'y') return '6797';
    if (name === 'layer' || name === 'tileset') return 'areas';
    const prefix = op.path.split('/')[2] ?? '';
    const byPrefix: Record<string, string> = {
      users: 'user',
      areas: 'area',
      units: 'unit',
      people: 'person',
      problems: 'problem',
      categories: 'category',
      grids: 'area',
    };
    return String(ids[byPrefix[prefix] ?? ''] ?? 1);
  };

  async function send(
    op: Op,
    field: Field | null,
    value: unknown,
    rawBody?: { payload: string; type: string },
  ): Promise<LightMyRequestResponse> {
    let url = op.path;
    for (const p of op.params.filter((x) => x.in === 'path')) {
      const v = field?.part === 'path' && field.name === p.name ? String(value) : pathValue(op, p.name);
      url = url.replace(`{${p.name}}`, encodeURIComponent(v));
    }
    const q = new URLSearchParams();
    for (const p of op.params.filter((x) => x.in === 'query')) {
      if (field?.part === 'query' && field.name === p.name) q.append(p.name, String(value));
      else if (p.required) q.append(p.name, String(sample(p.schema, p.name)));
    }
    const qs = q.toString();
    const session = OWN_SESSION.has(op.key) ? own : admin;
    const headers: Record<string, string> = { ...session.headers };
    let payload: string | undefined;
    if (rawBody) {
      payload = rawBody.payload;
      headers['content-type'] = rawBody.type;
    } else if (op.body) {
      const base = sample(op.body);
      payload = toJson(field?.part === 'body' ? setAt(base, op.body, field.path, value) : base);
      headers['content-type'] = 'application/json';
    }
    return app.inject({
      method: op.method as 'GET',
      url: qs ? `${url}?${qs}` : url,
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
  }

  /** the request and, every few, a health check beside it: the server must keep answering */
  let count = 0;
  async function check(op: Op, what: string, res: Promise<LightMyRequestResponse>) {
    const probe =
      count++ % 4 === 0
        ? (async () => {
            const t = performance.now();
            const h = await app.inject({ url: '/api/health' });
            health.push(performance.now() - t);
            expect(h.statusCode).toBe(200);
          })()
        : Promise.resolve();
    const [r] = await Promise.all([res, probe]);
    const where = `${op.key} ${what} → ${r.statusCode} ${r.body.slice(0, 300)}`;
    expect(r.statusCode, where).toBeLessThan(500);
    if (r.statusCode >= 400) {
      const b = r.json() as { error?: unknown; message?: unknown };
      expect(typeof b.error, where).toBe('string');
      expect(typeof b.message, where).toBe('string');
      expect(b.message as string, where).toMatch(CJK);
      expect(b.message as string, where).not.toMatch(RAW_ENGLISH);
    }
  }

  it('fuzzes every route of the OpenAPI document', { timeout: 600_000 }, async () => {
    // the document holds every guarded route (the auth plugin reports each one it registers)
    const documented = new Set(ops.map((o) => o.key));
    expect(registered.filter((k) => !documented.has(k))).toEqual([]);
    expect(ops.length).toBeGreaterThan(50);
    const started = performance.now();
    for (const op of ops) {
      const fields: Field[] = [
        ...op.params.map((p): Field => ({ part: p.in, name: p.name })),
        ...bodyFields(op.body).map((path): Field => ({ part: 'body', path })),
      ];
      if (!fields.length) {
        await check(op, 'as is', send(op, null, null));
        continue;
      }
      const arb = fc
        .constantFrom(...fields)
        .chain((f) => (f.part === 'body' ? jsonArb : textArb).map((v) => [f, v] as [Field, unknown]));
      const examples = fields.flatMap((f) => coreValues(op, f).map((v) => [[f, v]] as [[Field, unknown]]));
      await fc.assert(
        fc.asyncProperty(arb, async ([f, v]) =>
          check(op, `${JSON.stringify(f)} = ${toJson(v).slice(0, 80)}`, send(op, f, v)),
        ),
        // examples count among the runs: each of them, then the random ones
        { seed: SEED, numRuns: examples.length + RANDOM_RUNS_PER_FIELD * fields.length, examples, endOnFailure: true },
      );
    }
    console.info(
      `fuzz: ${count} requests on ${ops.length} routes in ${Math.round(performance.now() - started)} ms; slowest health ${Math.round(Math.max(...health))} ms`,
    );
    expect(Math.max(...health)).toBeLessThan(2_000);
  });

  it('answers broken bodies on every route that takes one in the same format', { timeout: 300_000 }, async () => {
    const bodies = [
      { payload: '{"a":', type: 'application/json' },
      { payload: '', type: 'application/json' },
      { payload: 'null', type: 'application/json' },
      { payload: '[]', type: 'application/json' },
      { payload: '"text"', type: 'application/json' },
      { payload: '{"__proto__":{"admin":true}}', type: 'application/json' },
      { payload: `${'['.repeat(10_000)}${']'.repeat(10_000)}`, type: 'application/json' },
      { payload: `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`, type: 'application/json' },
      { payload: 'a=1&b=2', type: 'application/x-www-form-urlencoded' },
      { payload: '<a/>', type: 'text/xml' },
      { payload: 'hello', type: 'text/plain' },
    ];
    for (const op of ops.filter((o) => o.method !== 'GET')) {
      for (const b of bodies) await check(op, `body ${b.type} ${b.payload.slice(0, 30)}`, send(op, null, null, b));
    }
    // a bad %-encoding anywhere in the address
    for (const op of ops.filter((o) => o.params.some((p) => p.in === 'path'))) {
      await check(
        op,
        'bad %-encoding',
        app.inject({ method: op.method as 'GET', url: op.path.replace(/\{\w+\}/, '%E0%A4%A'), headers: admin.headers }),
      );
    }
    expect(HOSTILE_TEXT.length).toBeGreaterThan(30);
  });
});
