import { INT4_MAX, INT4_MIN, TEXT_KEYWORD, YEARS, type TextKind } from './common';

/**
 * Request validation hardened once for every route (issue 10, finding 6). Before a request
 * schema (params, query, body, headers) is compiled, a copy of it gets the rules a hostile
 * caller would otherwise slip past into PostgreSQL, where each one was a 500:
 * - every integer is bounded to int4 unless the schema names its own bounds (ids of bigint
 *   columns say so explicitly, up to 2^53 − 1): `99999999999999999999999` is a 400, not 22003;
 * - every number and integer must be finite: Ajv coerces the query text "Infinity" or "1e400"
 *   to ±Infinity *after* its own finiteness check and then skips minimum/maximum;
 * - every string refuses NUL and the invisible controls (zero-width, bidi overrides, BOM):
 *   NUL is error 22021 in PostgreSQL, and `县教育局\u200b` would sit beside `县教育局`;
 * - every date-time and date must lie in the years 1900–2200 (year 0000 is error 22008);
 * - a union of constants becomes one `enum`, so a wrong value is told the allowed list once
 *   instead of "must be equal to constant" per member.
 * The original TypeBox objects are never changed (they also serve responses and types).
 */

/** C0 controls other than tab/LF/CR, DEL, zero-width (except ZWJ), bidi marks and overrides, BOM */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const NEVER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B\u200C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;
/** names and one-line values also refuse line breaks, tab and the zero-width joiner */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const NOT_IN_LINE = /[\u0000-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;
const RULE: Record<TextKind, RegExp> = { text: NEVER, line: NOT_IN_LINE };

/** The first character a string of this kind may not hold, or null. */
export function forbiddenChar(s: string, kind: TextKind = 'text'): string | null {
  const m = RULE[kind].exec(s);
  return m ? m[0] : null;
}

const yearOf = (s: string) => {
  const m = /^(\d{4,})-/.exec(s);
  return m ? Number(m[1]) : null;
};

// Keys whose values are data (defaults, examples, allowed values), not subschemas.
const DATA_KEYS = new Set(['default', 'const', 'enum', 'examples', 'required', TEXT_KEYWORD, 'x-years']);
const isConstBranch = (s: unknown): s is { const: unknown; type?: string } =>
  !!s &&
  typeof s === 'object' &&
  'const' in s &&
  Object.keys(s).every((k) => k === 'const' || k === 'type' || k === 'description');

type Node = Record<string, unknown>;
const hasType = (n: Node, t: string) => n.type === t || (Array.isArray(n.type) && n.type.includes(t));

function hardenNode(node: Node): Node {
  const out: Node = {};
  for (const [k, v] of Object.entries(node)) out[k] = DATA_KEYS.has(k) ? v : harden(v);
  const branches = out.anyOf;
  if (Array.isArray(branches) && branches.length > 0 && branches.every(isConstBranch)) {
    const { anyOf: _, ...rest } = out;
    const types = new Set(branches.map((b) => b.type));
    return {
      ...rest,
      ...(types.size === 1 && [...types][0] ? { type: [...types][0] } : {}),
      enum: branches.map((b) => b.const),
    };
  }
  if (hasType(out, 'integer')) {
    if (out.minimum === undefined && out.exclusiveMinimum === undefined) out.minimum = INT4_MIN;
    if (out.maximum === undefined && out.exclusiveMaximum === undefined) out.maximum = INT4_MAX;
  }
  if (hasType(out, 'integer') || hasType(out, 'number')) out['x-finite'] = true;
  if (hasType(out, 'string')) {
    out[TEXT_KEYWORD] ??= 'text';
    if ((out.format === 'date-time' || out.format === 'date') && out['x-years'] === undefined)
      out['x-years'] = [...YEARS];
  }
  return out;
}

const done = new WeakMap<object, unknown>();
/** A hardened copy of a request schema (memoised, so Ajv's own cache still works). */
export function harden(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(harden);
  if (!schema || typeof schema !== 'object') return schema;
  const hit = done.get(schema);
  if (hit) return hit;
  const out = hardenNode(schema as Node);
  done.set(schema, out);
  return out;
}

/** The part of Ajv this plugin uses (ajv itself is Fastify's, not a dependency of ours). */
interface AjvLike {
  addKeyword(def: {
    keyword: string;
    schemaType: string | string[];
    errors?: boolean;
    validate: (schema: never, data: unknown) => boolean;
  }): unknown;
  compile(schema: object, meta?: boolean): unknown;
}

/** Fastify `ajv.plugins` entry: the keywords, and hardening of every schema it compiles. */
export function hardenAjv<A>(instance: A): A {
  const ajv = instance as AjvLike;
  ajv.addKeyword({
    keyword: TEXT_KEYWORD,
    schemaType: 'string',
    errors: false,
    validate: (kind: TextKind, data: unknown) => typeof data !== 'string' || forbiddenChar(data, kind) === null,
  });
  ajv.addKeyword({
    keyword: 'x-finite',
    schemaType: 'boolean',
    errors: false,
    validate: (_: boolean, data: unknown) => typeof data !== 'number' || Number.isFinite(data),
  });
  ajv.addKeyword({
    keyword: 'x-years',
    schemaType: 'array',
    errors: false,
    validate: ([min, max]: [number, number], data: unknown) => {
      const y = typeof data === 'string' ? yearOf(data) : null;
      return y === null || (y >= min && y <= max);
    },
  });
  // Fastify's compiler calls ajv.compile once per route part; responses use another compiler.
  const compile = ajv.compile.bind(ajv);
  ajv.compile = (schema: object, meta?: boolean) => compile(harden(schema) as object, meta);
  return instance;
}

/**
 * Fastify's `ajv` option (api/app.ts). verbose: each error carries its schema and value, so a
 * refusal can name the allowed range or values (api/plugins/validation-messages.ts).
 */
export const REQUEST_AJV = {
  customOptions: { allErrors: true, coerceTypes: 'array' as const, removeAdditional: true, verbose: true },
  plugins: [hardenAjv],
};
