import { Type, type Static } from 'typebox';
import { Id, Instant, Name, Prose } from './common';

/**
 * The zone editor (issue 13): drafts (调整方案) of target states per grid or community, their
 * balance table, apply and revert. docs/ZONES.md.
 */
const Ids = (max = 10_000) => Type.Array(Id(), { maxItems: max, uniqueItems: true });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** The target of one grid or community: each field present is a change, absent ones stay. */
export const ZoneChange = Type.Object(
  {
    areaId: Id({ description: 'a grid, or a community for community-level 挂联' }),
    lead: Type.Optional(
      Nullable(Id({ description: 'the lead unit (牵头单位) from the effective time; null ends it' })),
    ),
    supportAdd: Type.Optional(Ids(50)),
    supportRemove: Type.Optional(Ids(50)),
    leader: Type.Optional(Nullable(Id({ description: 'the grid leader (网格长, a person); grids only' }))),
  },
  { additionalProperties: false },
);
export type ZoneChange = Static<typeof ZoneChange>;

export const ZoneLocks = Type.Object(
  { grids: Ids(), units: Ids(2_000) },
  { additionalProperties: false, description: 'grids and units that neither the editor nor the balancer may change' },
);
export type ZoneLocks = Static<typeof ZoneLocks>;

const Weight = Type.Number({ minimum: 0, maximum: 100 });
export const ZoneWeights = Type.Object(
  {
    grids: Type.Optional(Weight),
    areaKm2: Type.Optional(Weight),
    open: Type.Optional(Weight),
    recent: Type.Optional(Weight),
    undercover: Type.Optional(Weight),
    overdue: Type.Optional(Weight),
    patrols: Type.Optional(Weight),
  },
  { additionalProperties: false, description: 'weights of the balance variable (each variable over its mean)' },
);
export type ZoneWeights = Static<typeof ZoneWeights>;

export const ZoneDraftCreate = Type.Object(
  {
    name: Name(100),
    notes: Type.Optional(Prose(4000)),
    changes: Type.Optional(Type.Array(ZoneChange, { maxItems: 10_000 })),
    locks: Type.Optional(ZoneLocks),
    weights: Type.Optional(ZoneWeights),
  },
  { additionalProperties: false },
);
export type ZoneDraftCreate = Static<typeof ZoneDraftCreate>;

export const ZoneDraftUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'the version the edit is based on (409 if stale)' }),
    name: Type.Optional(Name(100)),
    notes: Type.Optional(Prose(4000)),
    changes: Type.Optional(Type.Array(ZoneChange, { maxItems: 10_000 })),
    locks: Type.Optional(ZoneLocks),
    weights: Type.Optional(ZoneWeights),
  },
  { additionalProperties: false },
);
export type ZoneDraftUpdate = Static<typeof ZoneDraftUpdate>;

/** One edit of a selection: the same target for every area selected (click, shift-click, lasso). */
export const ZoneDraftEdit = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    areaIds: Type.Array(Id(), { minItems: 1, maxItems: 10_000, uniqueItems: true, description: 'the selection' }),
    lead: Type.Optional(Nullable(Id())),
    supportAdd: Type.Optional(Ids(50)),
    supportRemove: Type.Optional(Ids(50)),
    leader: Type.Optional(Nullable(Id())),
    /** drop these areas' changes from the draft instead (back to the base state) */
    reset: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ZoneDraftEdit = Static<typeof ZoneDraftEdit>;

export const ZoneApply = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    effectiveAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

const Holder = Type.Object({ id: Type.Integer(), name: Type.String() });
const AreaState = Type.Object({
  lead: Nullable(Holder),
  support: Type.Array(Holder),
  leader: Nullable(Holder),
});
export type AreaState = Static<typeof AreaState>;

/** One line of the diff: an area, its state at the base time and the draft's target. */
export const ZoneDiffRow = Type.Object({
  areaId: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  before: AreaState,
  after: AreaState,
});
export type ZoneDiffRow = Static<typeof ZoneDiffRow>;

export const ZoneDraftSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  notes: Type.String(),
  authorId: Nullable(Type.Integer()),
  authorName: Nullable(Type.String()),
  baseAt: Type.String(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('applied')]),
  version: Type.Integer(),
  revertsId: Nullable(Type.Integer()),
  appliedAt: Nullable(Type.String()),
  appliedById: Nullable(Type.Integer()),
  appliedByName: Nullable(Type.String()),
  effectiveAt: Nullable(Type.String()),
  changeCount: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type ZoneDraftSummary = Static<typeof ZoneDraftSummary>;

export const ZoneDraft = Type.Intersect([
  ZoneDraftSummary,
  Type.Object({
    changes: Type.Array(ZoneChange),
    locks: ZoneLocks,
    weights: ZoneWeights,
    diff: Type.Array(ZoneDiffRow),
  }),
]);
export type ZoneDraft = Static<typeof ZoneDraft>;

const Figures = Type.Object({
  grids: Type.Integer(),
  areaKm2: Type.Number(),
  open: Type.Integer(),
  recent: Type.Integer(),
  undercover: Type.Integer(),
  overdue: Type.Integer(),
  overdueShare: Type.Number(),
  patrols: Type.Integer(),
  load: Type.Number(),
  compactness: Nullable(Type.Number()),
  parts: Type.Integer(),
});
export const ZoneBalance = Type.Object({
  at: Type.String(),
  weights: ZoneWeights,
  index: Type.Object({ before: Type.Number(), after: Type.Number() }),
  units: Type.Array(
    Type.Object({
      unitId: Type.Integer(),
      name: Type.String(),
      touched: Type.Boolean({ description: 'the draft changes this unit’s zone' }),
      before: Figures,
      after: Figures,
    }),
  ),
});
export type ZoneBalance = Static<typeof ZoneBalance>;

export const ZoneAutoBalance = Type.Object(
  {
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
    unitIds: Type.Optional(Type.Array(Id(), { minItems: 2, maxItems: 2_000, uniqueItems: true })),
    passes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000 })),
  },
  { additionalProperties: false },
);
export type ZoneAutoBalance = Static<typeof ZoneAutoBalance>;
