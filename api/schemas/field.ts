import { Type, type Static } from 'typebox';
import { Instant } from './contracting';

/** The field workspace's shapes (issue 14, docs/FIELD.md). */
export const GridPatrolCoverage = Type.Object({
  gridId: Type.Integer(),
  gridCode: Type.String(),
  gridName: Type.String(),
  /** patrols started in the period */
  visits: Type.Integer(),
  /** their tracks' total length, metres */
  lengthM: Type.Number(),
  lastAt: Type.Union([Instant, Type.Null()]),
  /** share (0..1) of the grid's area within reachM of a track (sql/functions/patrol_coverage.sql) */
  coverage: Type.Number(),
});
export type GridPatrolCoverage = Static<typeof GridPatrolCoverage>;

export const PatrolCoverage = Type.Object({
  from: Instant,
  to: Instant,
  reachM: Type.Number(),
  grids: Type.Array(GridPatrolCoverage),
});
export type PatrolCoverage = Static<typeof PatrolCoverage>;

export const PatrolCoverageQuery = Type.Object({
  /** default: this week (Monday 00:00 Beijing time) up to now */
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
});
