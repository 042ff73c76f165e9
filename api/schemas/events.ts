import { Type, type Static } from 'typebox';
import { ProblemSourceSchema, ProblemStateSchema } from './problems';

/**
 * The live event stream (GET /api/events, text/event-stream; docs/ARCHITECTURE.md "Live events").
 * Message kinds (the SSE `event:` field):
 * - `problem`: a problem event (report, each step); `id:` is the problem_events id
 * - `notice`: a 督办/问责 notice raised by the overdue sweep (also a problem event, same id space)
 * - `figures`: a hint that figures in the caller's scope changed (no id, no data to trust)
 * - `zones`: a zone draft was written (LiveZoneEvent, no id; docs/ZONES.md "Live updates")
 * - `ready`: sent once the replay is done; its `id:` is where a reconnect resumes from
 * - `reload`: too much was missed to replay (or the id is unknown): reload everything
 * - `end`: the session ended (logout, expiry, deactivation); the stream closes after it
 * Comment lines (`: hb`) every 15 s keep proxies from closing an idle stream.
 */
export const LiveProblemEvent = Type.Object({
  id: Type.Integer(),
  problemId: Type.Integer(),
  /** the problem's version after this event */
  seq: Type.Integer(),
  action: Type.String(),
  fromState: Type.Union([ProblemStateSchema, Type.Null()]),
  toState: ProblemStateSchema,
  at: Type.String({ format: 'date-time' }),
  actorName: Type.Union([Type.String(), Type.Null()]),
  actorRole: Type.Union([Type.String(), Type.Null()]),
  areaCode: Type.Union([Type.String(), Type.Null()]),
  gridName: Type.Union([Type.String(), Type.Null()]),
  communityName: Type.Union([Type.String(), Type.Null()]),
  streetName: Type.Union([Type.String(), Type.Null()]),
  categoryId: Type.Integer(),
  categoryName: Type.String(),
  categoryNameEn: Type.String(),
  source: ProblemSourceSchema,
  urgent: Type.Boolean(),
  /** the problem's state now (may be later than toState when read after further steps) */
  state: ProblemStateSchema,
  /** `notice` events: the notice */
  notice: Type.Union([
    Type.Object({
      id: Type.Integer(),
      number: Type.String(),
      kind: Type.Union([Type.Literal('supervision'), Type.Literal('accountability')]),
      dueAt: Type.String({ format: 'date-time' }),
    }),
    Type.Null(),
  ]),
});
export type LiveProblemEvent = Static<typeof LiveProblemEvent>;

/**
 * A zone draft was created, edited, applied or deleted. Planners and admins get every one, with
 * the draft; any other caller only an applied plan that touched its grids or its unit, without
 * the draft (draftId and version null): a hint to refetch assignments and zone tiles in its scope.
 */
export const LiveZoneEvent = Type.Object({
  action: Type.Union([
    Type.Literal('created'),
    Type.Literal('updated'),
    Type.Literal('applied'),
    Type.Literal('deleted'),
  ]),
  draftId: Type.Union([Type.Integer(), Type.Null()]),
  /** the draft's version after the write (null: deleted, or not a planner) */
  version: Type.Union([Type.Integer(), Type.Null()]),
  /** applied: from when the plan is in force */
  effectiveAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type LiveZoneEvent = Static<typeof LiveZoneEvent>;

export type LiveEventKind = 'problem' | 'notice' | 'figures' | 'zones' | 'ready' | 'reload' | 'end';

/** `ready` / `reload` / `end` data */
export interface LiveControl {
  /** ready: the id a reconnect resumes from; reload: why */
  lastId?: number;
  reason?: 'too-many' | 'too-old' | 'unknown-id' | 'session' | 'shutdown' | 'slow';
}
