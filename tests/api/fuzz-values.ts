import fc from 'fast-check';

/**
 * What the hostile-input fuzz (fuzz.test.ts) sends: the values of the attack on a demo instance
 * (issue 10, finding 6) and fast-check's own, plus a valid sample of any request schema so that
 * one field at a time is hostile and the rest gets past validation.
 */

/** a JSON text inserted as is into a body (1e400 is valid JSON and parses to Infinity) */
export interface Raw {
  raw: string;
}
export const raw = (text: string): Raw => ({ raw: text });
export const isRaw = (v: unknown): v is Raw =>
  !!v && typeof v === 'object' && 'raw' in v && Object.keys(v).length === 1;

const deepArray = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

/** Text values: as a query or path value, or as a string in a body. */
export const HOSTILE_TEXT = [
  '\u0000',
  'a\u0000b',
  '\u202Eevil',
  '县教育局\u200b',
  '\uFEFF',
  '\u2066x\u2069',
  'line\nbreak',
  '\ud800',
  'A'.repeat(100_000),
  '',
  ' ',
  '-Infinity',
  'Infinity',
  '1e400',
  '-1e400',
  'NaN',
  '-0',
  '1.5',
  '-1',
  '0',
  '2147483648',
  '-2147483649',
  '9223372036854775808',
  '99999999999999999999999',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59+08:00',
  '0000-01-01',
  '9999-12-31',
  '2026-02-30',
  '2026-13-01T00:00:00Z',
  '%',
  '%_\\',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  'true',
  'null',
  '[]',
  '{"a":1}',
  '__proto__',
  '😀‍👩',
];
/** Body values beyond text: other JSON types, huge and deep ones, numbers JSON cannot hold in a double. */
export const HOSTILE_JSON: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  [],
  {},
  [[[['x']]]],
  { a: { b: { c: {} } } },
  Array(10_000).fill(0),
  raw('1e400'),
  raw('-1e400'),
  raw('99999999999999999999999'),
  raw('9223372036854775808'),
  raw('-0'),
  raw(deepArray(5_000)),
  raw(deepObject(5_000)),
  { __proto__: null, constructor: { prototype: { x: 1 } } },
];

/** fast-check's share: random text (any code unit), numbers of every kind as text, random JSON. */
export const textArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXT),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.double().map(String),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
  fc
    .date({ min: new Date(-62_000_000_000_000), max: new Date(250_000_000_000_000), noInvalidDate: true })
    .map((d) => d.toISOString()),
);
export const jsonArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: textArb },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_JSON) },
  {
    weight: 1,
    arbitrary: fc.double().map((d) => raw(Number.isFinite(d) ? String(d) : d > 0 ? '1e400' : d < 0 ? '-1e400' : '0')),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A JSON text of a value that may hold Raw pieces. */
export function toJson(v: unknown): string {
  const pieces: string[] = [];
  const text = JSON.stringify(v, (_k, x) => {
    if (isRaw(x)) {
      pieces.push(x.raw);
      return `\u0001RAW${pieces.length - 1}\u0001`;
    }
    return x;
  });
  return (text ?? 'null').replace(/"\\u0001RAW(\d+)\\u0001"/g, (_m, i: string) => pieces[Number(i)]!);
}

type Schema = Record<string, unknown>;
const PATTERN_SAMPLES: Record<string, string> = {
  '^[0-9]{6,15}$': '330822001',
  '^([0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15})$': '330822001',
  '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$': '05',
  '^[a-z0-9_.-]{3,40}$': 'fuzz-user',
  '^[a-z0-9-]{1,40}$': 'fuzz',
  '^[A-Za-z0-9_-]{1,32}$': 'FUZZ1',
  '\\.(xlsx|csv)$': 'fuzz.csv',
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}$': '2026-11-30',
};

/** A value the schema accepts (as far as a request needs to get past validation). */
export function sample(s: Schema | undefined, key = ''): unknown {
  if (!s) return undefined;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  const union = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (union) return sample(union.find((b) => b.type !== 'null') ?? union[0], key);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const out: Record<string, unknown> = {};
      for (const k of (s.required ?? []) as string[]) out[k] = sample(props[k], k);
      return out;
    }
    case 'array': {
      if (Array.isArray(s.prefixItems)) return (s.prefixItems as Schema[]).map((x) => sample(x));
      return Array.from({ length: Number(s.minItems ?? 0) }, () => sample(s.items as Schema));
    }
    case 'integer':
    case 'number': {
      const min = Number(s.minimum ?? s.exclusiveMinimum ?? 1);
      if (key === 'lon') return 118.5;
      if (key === 'lat') return 28.9;
      return Math.max(min + (s.exclusiveMinimum !== undefined ? 1 : 0), type === 'integer' ? 1 : 1);
    }
    case 'boolean':
      return false;
    case 'string': {
      if (s.format === 'date-time') return '2026-12-01T08:00:00+08:00';
      if (s.format === 'date') return '2026-11-30';
      if (typeof s.pattern === 'string' && PATTERN_SAMPLES[s.pattern]) return PATTERN_SAMPLES[s.pattern];
      return 'x'.repeat(Math.max(1, Number(s.minLength ?? 1)));
    }
    default:
      return {};
  }
}
