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

export const LonLat = Type.Tuple([Type.Number(), Type.Number()]);
/** [west, south, east, north] in degrees, EPSG:4326 */
export const BBox = Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number()]);
