import type { Role } from '../../../api/auth/roles';
import type { ProblemStepWrite } from '../../../api/repositories/problem-writes';
import type { PhotoPool } from '../problem-seed/writers-share';
import type { loadPlanCategories } from '../problem-seed/load-city';

/**
 * What the bulk writer's parts share: a problem's routing as read back from SQL, an account as
 * events name it, the problem columns built up step by step (Row), a notice before it has its id
 * and number, and the context of a replay (the window's end, the categories and units, the plan
 * index → problem id map, the photos and the accounts made before the chunks).
 */

export interface RouteBack {
  k: number;
  gridId: number | null;
  streetId: number | null;
  leadUnitId: number | null;
  leader: { personId: number; name: string } | null;
  members: { personId: number; name: string }[];
  supportUnitIds: number[];
  communityUnits: { unitId: number; role: string }[];
}
export interface Actor {
  id: number;
  name: string;
  role: Role;
  unitId: number | null;
}

/** Problem columns as the service leaves them, built up step by step: what a step writes, plus the counters and version. */
export interface Row extends ProblemStepWrite {
  supervisionCount: number;
  accountabilityCount: number;
  version: number;
  updatedAt: Date;
}

export interface NoticeDraft {
  id: number;
  number: string;
  p: number;
  kind: 'supervision' | 'accountability';
  cycle: number;
  issuedAt: number;
  dueAt: number;
  unitId: number | null;
  resolvedAt: number | null;
  event: object;
}

/** What replaying a chunk's problems reads: made once, before the chunks. */
export interface ReplayContext {
  /** the window's end: the last sweep runs there */
  to: number;
  categories: Map<string, Awaited<ReturnType<typeof loadPlanCategories>>[number]>;
  units: { id: number; name: string }[];
  /** plan index → problem id (duplicates point back a few dozen indices) */
  idOf: Map<number, number>;
  photos: PhotoPool;
  /** person id → the account of a grid leader or member */
  people: Map<number, Actor>;
  commander: Actor;
  supervisor: (streetId: number | null) => Actor;
  liaison: (unitId: number) => Actor;
}
