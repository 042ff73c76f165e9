import type { PlanSource } from './types';

/**
 * How often things happen in a plan: each source's share of the reports and the hours of the day
 * (Beijing) at which it reports, and the shares of the side paths of a problem's life (outside
 * every grid, duplicate, invalid, neglected, urgent, returned, extended, suspended, late, stuck,
 * fixed by the grid's own staff, reworked, relapsed, fixed far from the site). Numbers only; the planner draws against them.
 */

export const SOURCE_SHARE: [PlanSource, number][] = [
  ['patrol', 0.5],
  ['inspection', 0.15],
  ['citizen', 0.13],
  ['camera', 0.1],
  ['undercover', 0.08],
  ['higher_level', 0.04],
];
export const SOURCE_CUMULATIVE = Float64Array.from(
  SOURCE_SHARE.map((_, k) => SOURCE_SHARE.slice(0, k + 1).reduce((s, x) => s + x[1], 0)),
);
// Hours of the day (Beijing) at which each source reports.
export const SOURCE_HOURS: Record<PlanSource, [number, number]> = {
  patrol: [7.5, 18],
  inspection: [8.5, 17.5],
  citizen: [7, 22.5],
  camera: [0, 24],
  undercover: [9, 17],
  higher_level: [8.5, 17.5],
};

// Shares of the side paths (per problem, or per assignment cycle).
export const P = {
  outside: 0.004,
  duplicate: 0.03,
  invalid: 0.04,
  neglected: 0.004,
  urgentAtReport: 0.025,
  urgentLater: 0.01,
  ret: 0.06,
  extension: 0.05,
  extensionDenied: 0.2,
  suspension: 0.02,
  suspensionDenied: 0.15,
  late: 0.13,
  stuck: 0.02,
  gridFixes: 0.3,
  rework: 0.08,
  relapse: 0.08,
  /** of fixes: made far from the site (flagged 存疑, api/domain/fix-proof.ts) */
  fixFar: 0.03,
};
