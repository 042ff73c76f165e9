/**
 * The shape of a problem plan (data/demo/problems.ts): the sources, states, actions and actors a
 * planned life uses, one planned step and one planned problem, the city and the categories the
 * planner reads, its options, and a whole plan. Types only, plus the two constants the writers
 * share with the planner (the list of sources and the size of the photo pool).
 */

export const PLAN_SOURCES = ['patrol', 'inspection', 'citizen', 'camera', 'undercover', 'higher_level'] as const;
export type PlanSource = (typeof PLAN_SOURCES)[number];
export type PlanState =
  'reported' | 'invalid' | 'duplicate' | 'verified' | 'assigned' | 'suspended' | 'fixed' | 'closed';
export type PlanAction =
  | 'report'
  | 'verify'
  | 'reject'
  | 'mark_duplicate'
  | 'mark_urgent'
  | 'assign'
  | 'return'
  | 'fix'
  | 'accept'
  | 'rework'
  | 'request_extension'
  | 'approve_extension'
  | 'deny_extension'
  | 'request_suspension'
  | 'approve_suspension'
  | 'deny_suspension'
  | 'resume'
  | 'revisit';
/**
 * Who takes a step: the reporter (by source), a reviewer (督查组/指挥中心), the assigned unit's
 * staff, or the grid's own staff. The writers turn these into accounts.
 */
export type PlanActor = 'reporter' | 'reviewer' | 'unit' | 'grid';

export interface PlanStep {
  action: PlanAction;
  /** epoch ms */
  at: number;
  by: PlanActor;
  comment?: string;
  /** reject, return, rework, extension and suspension requests */
  reason?: string;
  /** request_extension: hours added to the deadline in force */
  extendHours?: number;
  /** revisit */
  holds?: boolean;
  /** mark_duplicate: the index of the problem this one repeats (reported earlier, still open then) */
  duplicateOf?: number;
  /** assign after a return: to another unit than the one that returned it */
  otherUnit?: boolean;
  /** fix / revisit: which of the demo photos (an index into a small pool) */
  photo?: number;
  /** fix: where the device was (at the step's instant), as the field app sends it */
  position?: { lon: number; lat: number; accuracyM: number };
}

export interface PlannedProblem {
  index: number;
  lon: number;
  lat: number;
  /** the grid the generator placed it in; null = deliberately outside every grid */
  gridCode: string | null;
  categoryCode: string;
  source: PlanSource;
  description: string;
  address: string | null;
  urgent: boolean;
  /** steps[0] is the report; all at increasing instants ≤ the window's end */
  steps: PlanStep[];
  /** the state after the last step (the sweep's notices change no state) */
  state: PlanState;
}

export type PlanPolygon = [number, number][][]; // outer ring, then holes (lon/lat)
export interface PlanCity {
  county: PlanPolygon[];
  grids: { code: string; polygons: PlanPolygon[] }[];
  /** road centre lines (lon/lat) with their names, for density and addresses */
  roads: { name: string | null; coordinates: [number, number][] }[];
}
export interface PlanCategory {
  code: string;
  nameZh: string;
  /** names of the 大类 and 小类 above the leaf */
  parentNamesZh: string[];
  deadlineHours: number;
  /** the deadline counts Beijing working days (api/domain/deadlines.ts) */
  workingDays: boolean;
  revisitDays: number;
  urgent: boolean;
}
export interface PlanOptions {
  seed: number;
  /** the window's start and end (epoch ms or Date); the end is "now": later steps are not taken yet */
  from: Date | number;
  to: Date | number;
}

/** how many after-photos the writers keep: blobs dedupe by hash, so the database stays small */
export const PLAN_PHOTOS = 8;

/** A whole plan: its window and the problems, in index order (not in time order). */
export interface ProblemPlan {
  seed: number;
  from: number;
  to: number;
  problems: PlannedProblem[];
}
