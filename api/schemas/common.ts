import { Type, type Static } from 'typebox';

/** The one error shape every route answers with (STYLE.md habit 3). */
export const ErrorDetail = Type.Object({
  /** index of the offending feature/row in the request, when the error is about one */
  index: Type.Optional(Type.Integer()),
  /** the sheet (or CSV file) of an uploaded table the problem is in */
  sheet: Type.Optional(Type.String()),
  /** the row number as the user sees it in that sheet (1-based, title and header rows counted) */
  row: Type.Optional(Type.Integer()),
  /** code or name of the offending feature, when known */
  feature: Type.Optional(Type.String()),
  /** the field or JSON path at fault */
  field: Type.Optional(Type.String()),
  /** why, in the user's language */
  reason: Type.String(),
});
export type ErrorDetail = Static<typeof ErrorDetail>;

export const ErrorBody = Type.Object({
  error: Type.String({ description: 'machine-readable error code' }),
  message: Type.String({ description: "human-readable, in the request's language (zh-CN default, en)" }),
  details: Type.Optional(Type.Array(ErrorDetail)),
});
export type ErrorBody = Static<typeof ErrorBody>;

// ---- Safe request types (issue 10, finding 6). api/schemas/hardening.ts applies the same rules
// to every request schema by default; these name them where a field needs a stricter kind. ----
export const INT4_MAX = 2_147_483_647;
export const INT4_MIN = -2_147_483_648;
/** instants and days outside these years are refused (year 0000 is no PostgreSQL date) */
export const YEARS = [1900, 2200] as const;
/** the keyword that says which characters a string may hold (checked by hardening.ts) */
export const TEXT_KEYWORD = 'x-text';
/** line: names and one-line values (no line breaks, no zero-width joiner); text: prose */
export type TextKind = 'line' | 'text';

/** something besides white space (the tables check btrim(name) <> '') */
export const NOT_BLANK = '\\S';
/** A name or other one-line value: 1…max characters, not blank, no control or invisible characters. */
export const Name = (maxLength: number, o: { description?: string } = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: NOT_BLANK, ...o, [TEXT_KEYWORD]: 'line' });
/** A one-line value that may be empty (an address, a search text): no line breaks or controls. */
export const Line = (maxLength: number, o: { minLength?: number; description?: string } = {}) =>
  Type.String({ maxLength, ...o, [TEXT_KEYWORD]: 'line' });
/** Free text (descriptions, comments): line breaks allowed, NUL and invisible controls not. */
export const Prose = (maxLength: number, o: { minLength?: number; description?: string } = {}) =>
  Type.String({ maxLength, ...o, [TEXT_KEYWORD]: 'text' });
/** A row id of an int4 column. */
export const Id = (o: { description?: string } = {}) => Type.Integer({ minimum: 1, maximum: INT4_MAX, ...o });
/** A row id of a bigint column (problems, events, audit): as far as a JS number stays exact. */
export const BigId = (o: { description?: string } = {}) =>
  Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, ...o });
/** An explicit instant with its zone, e.g. 2026-03-01T08:00:00+08:00, in the years above */
export const Instant = Type.String({ format: 'date-time' });
export const Lon = Type.Number({ minimum: -180, maximum: 180 });
export const Lat = Type.Number({ minimum: -90, maximum: 90 });

export const LonLat = Type.Tuple([Type.Number(), Type.Number()]);
/** [west, south, east, north] in degrees, EPSG:4326 */
export const BBox = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]);
