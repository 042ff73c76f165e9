import { Type, type Static, type TSchema } from 'typebox';
import { Instant, StaffEntry, UnitEntry } from './contracting';
import { BigId, Id, Lat, Lon, Line, Name, Prose } from './common';

/** The problem loop's shapes (docs/PROBLEMS.md). Instants are ISO 8601; ids are integers. */
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableInstant = Type.Union([Instant, Type.Null()]);
const NullableBool = Type.Union([Type.Boolean(), Type.Null()]);

// Literal by literal: a Union built by mapping an array is typed `never` by TypeBox.
export const ProblemStateSchema = Type.Union([
  Type.Literal('reported'),
  Type.Literal('invalid'),
  Type.Literal('duplicate'),
  Type.Literal('verified'),
  Type.Literal('assigned'),
  Type.Literal('suspended'),
  Type.Literal('fixed'),
  Type.Literal('closed'),
]);
export const ProblemSourceSchema = Type.Union([
  Type.Literal('inspection'),
  Type.Literal('undercover'),
  Type.Literal('patrol'),
  Type.Literal('citizen'),
  Type.Literal('camera'),
  Type.Literal('higher_level'),
]);
export type ProblemSource = Static<typeof ProblemSourceSchema>;
export const ProblemActionSchema = Type.Union([
  Type.Literal('verify'),
  Type.Literal('reject'),
  Type.Literal('mark_duplicate'),
  Type.Literal('assign'),
  Type.Literal('return'),
  Type.Literal('fix'),
  Type.Literal('accept'),
  Type.Literal('rework'),
  Type.Literal('request_extension'),
  Type.Literal('approve_extension'),
  Type.Literal('deny_extension'),
  Type.Literal('request_suspension'),
  Type.Literal('approve_suspension'),
  Type.Literal('deny_suspension'),
  Type.Literal('resume'),
  Type.Literal('revisit'),
  Type.Literal('mark_urgent'),
]);

// ---- categories ----
const CategoryFields = {
  id: Type.Integer(),
  code: Type.String(),
  parentId: NullableInt,
  level: Type.Integer({ minimum: 1, maximum: 3 }),
  nameZh: Type.String(),
  nameEn: Type.String(),
  /** leaves only: hours to fix once assigned (working hours when workingDays) */
  deadlineHours: NullableInt,
  workingDays: Type.Boolean(),
  /** 立案标准 */
  filingStandard: NullableString,
  /** 结案标准 */
  closingStandard: NullableString,
  urgent: Type.Boolean(),
  /** the kind of unit that handles it (城管执法, 环卫, 市场监管…) */
  handler: NullableString,
  revisitDays: Type.Integer(),
  active: Type.Boolean(),
  sort: Type.Integer(),
};
export const Category = Type.Object(CategoryFields);
export type Category = Static<typeof Category>;
/** 大类 → 小类 → 细类: three fixed levels, so no recursive schema is needed */
export const CategoryTree = Type.Array(
  Type.Object({
    ...CategoryFields,
    children: Type.Array(Type.Object({ ...CategoryFields, children: Type.Array(Category) })),
  }),
);
export type CategoryTree = Static<typeof CategoryTree>;

export const CategoryCreate = Type.Object({
  /** 2 digits = 大类, 4 = 小类, 6 = 细类; the parent is the code without its last two digits */
  code: Type.String({ pattern: '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$' }),
  nameZh: Name(50),
  nameEn: Name(80),
  deadlineHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 8760 })),
  workingDays: Type.Optional(Type.Boolean()),
  filingStandard: Type.Optional(Nullable(Prose(1000))),
  closingStandard: Type.Optional(Nullable(Prose(1000))),
  urgent: Type.Optional(Type.Boolean()),
  handler: Type.Optional(Nullable(Name(50))),
  revisitDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  sort: Type.Optional(Type.Integer()),
});
export type CategoryCreate = Static<typeof CategoryCreate>;
export const CategoryPatch = Type.Partial(
  Type.Object({
    nameZh: Name(50),
    nameEn: Name(80),
    deadlineHours: Type.Integer({ minimum: 1, maximum: 8760 }),
    workingDays: Type.Boolean(),
    filingStandard: Nullable(Prose(1000)),
    closingStandard: Nullable(Prose(1000)),
    urgent: Type.Boolean(),
    handler: Nullable(Name(50)),
    revisitDays: Type.Integer({ minimum: 1, maximum: 365 }),
    active: Type.Boolean(),
    sort: Type.Integer(),
  }),
);
export type CategoryPatch = Static<typeof CategoryPatch>;

// ---- problems ----
export const PhotoUpload = Type.Object({
  name: Name(200),
  /** the file's bytes, base64 (≤ 8 MB decoded); JPEG, PNG, WebP… re-encoded by the server */
  dataBase64: Type.String({ minLength: 1, maxLength: 11_200_000, contentEncoding: 'base64' }),
});
const Photos = Type.Array(PhotoUpload, { maxItems: 6 });

export const ProblemReport = Type.Object({
  lon: Lon,
  lat: Lat,
  categoryId: Id(),
  source: ProblemSourceSchema,
  description: Prose(2000, { minLength: 1 }),
  address: Type.Optional(Line(200)),
  photos: Type.Optional(Photos),
  urgent: Type.Optional(Type.Boolean()),
  /** the reporter links it to an open problem seen nearby: stored as a duplicate of it */
  duplicateOf: Type.Optional(BigId()),
});
export type ProblemReport = Static<typeof ProblemReport>;

/** Where a phone was: GPS (or a pin placed by hand: manual), its accuracy and when. */
export const DevicePosition = Type.Object({
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  accuracyM: Type.Number({ minimum: 0, maximum: 100000 }),
  at: Instant,
  manual: Type.Optional(Type.Boolean()),
});
export type DevicePosition = Static<typeof DevicePosition>;

export const ProblemActionBody = Type.Object({
  /** the version the caller saw: a stale one answers 409 StaleVersion */
  version: Type.Integer({ minimum: 1 }),
  comment: Type.Optional(Prose(2000)),
  reason: Type.Optional(Prose(500)),
  duplicateOf: Type.Optional(BigId()),
  unitId: Type.Optional(Id()),
  deadline: Type.Optional(Instant),
  holds: Type.Optional(Type.Boolean()),
  photos: Type.Optional(Photos),
  /** the device's position at a fix (整改): compared with the site, flags the fix (docs/FIELD.md) */
  position: Type.Optional(DevicePosition),
});
export type ProblemActionBody = Static<typeof ProblemActionBody>;

export const PendingRequestSchema = Type.Object({
  kind: Type.Union([Type.Literal('extension'), Type.Literal('suspension')]),
  byUserId: NullableInt,
  byName: Type.String(),
  at: Instant,
  reason: Type.String(),
  deadline: Type.Optional(Instant),
});

/** One problem as lists show it. */
const ListFields = {
  id: Type.Integer(),
  version: Type.Integer(),
  state: ProblemStateSchema,
  urgent: Type.Boolean(),
  overdue: Type.Boolean(),
  source: ProblemSourceSchema,
  categoryId: Type.Integer(),
  categoryCode: Type.String(),
  categoryName: Type.String(),
  categoryNameEn: Type.String(),
  description: Type.String(),
  address: NullableString,
  lon: Type.Number(),
  lat: Type.Number(),
  reportedAt: Instant,
  deadline: NullableInstant,
  areaCode: NullableString,
  outsideGrid: Type.Boolean(),
  gridName: NullableString,
  communityName: NullableString,
  streetName: NullableString,
  assigneeUnitId: NullableInt,
  assigneeUnitName: NullableString,
  pendingRequest: Nullable(PendingRequestSchema),
};
export const ProblemListItem = Type.Object(ListFields);
export type ProblemListItem = Static<typeof ProblemListItem>;

export const Problem = Type.Object({
  ...ListFields,
  reportedBy: NullableInt,
  reportedByName: NullableString,
  gridId: NullableInt,
  gridCode: NullableString,
  communityId: NullableInt,
  streetId: NullableInt,
  streetCode: NullableString,
  leaderPersonId: NullableInt,
  leadUnitId: NullableInt,
  leadUnitName: NullableString,
  verifiedAt: NullableInstant,
  assignedAt: NullableInstant,
  fixedAt: NullableInstant,
  closedAt: NullableInstant,
  closedOnTime: NullableBool,
  revisitDueAt: NullableInstant,
  revisitedAt: NullableInstant,
  suspendedAt: NullableInstant,
  duplicateOf: NullableInt,
  reworkCount: Type.Integer(),
  relapseCount: Type.Integer(),
  returnCount: Type.Integer(),
  extensionCount: Type.Integer(),
  supervisionCount: Type.Integer(),
  accountabilityCount: Type.Integer(),
  cycle: Type.Integer(),
  updatedAt: Instant,
});
export type Problem = Static<typeof Problem>;

const AreaRef = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });
/** who was responsible when it was reported (responsibility_at then), as stored with it */
export const Routing = Type.Object({
  at: Instant,
  grid: Nullable(AreaRef),
  community: Nullable(AreaRef),
  street: Nullable(AreaRef),
  leader: Nullable(StaffEntry),
  members: Type.Array(StaffEntry),
  leadUnit: Nullable(UnitEntry),
  supportUnits: Type.Array(UnitEntry),
  communityUnits: Type.Array(UnitEntry),
});
export type Routing = Static<typeof Routing>;

export const PhotoRef = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('before'), Type.Literal('after'), Type.Literal('revisit')]),
  url: Type.String(),
  thumbUrl: Type.String(),
});
export const TimelineEvent = Type.Object({
  id: Type.Integer(),
  seq: Type.Integer(),
  /** report, a ProblemAction, supervision_notice or accountability_notice */
  action: Type.String(),
  fromState: Nullable(ProblemStateSchema),
  toState: ProblemStateSchema,
  /** null = the system (overdue sweep) */
  actorId: NullableInt,
  actorName: NullableString,
  actorRole: NullableString,
  actorUnitId: NullableInt,
  at: Instant,
  comment: NullableString,
  reason: NullableString,
  data: Type.Record(Type.String(), Type.Unknown()),
  photos: Type.Array(PhotoRef),
});
export type TimelineEvent = Static<typeof TimelineEvent>;

export const NoticeKindSchema = Type.Union([Type.Literal('supervision'), Type.Literal('accountability')]);
export const Notice = Type.Object({
  id: Type.Integer(),
  kind: NoticeKindSchema,
  /** 督办〔2026〕第0001号 / 问责〔2026〕第0002号 */
  number: Type.String(),
  problemId: Type.Integer(),
  cycle: Type.Integer(),
  issuedAt: Instant,
  dueAt: Instant,
  resolvedAt: NullableInstant,
  unitId: NullableInt,
  unitName: NullableString,
  gridId: NullableInt,
  gridName: NullableString,
  areaCode: NullableString,
  problemState: ProblemStateSchema,
  problemDeadline: NullableInstant,
  categoryName: Type.String(),
  description: Type.String(),
  address: NullableString,
});
export type Notice = Static<typeof Notice>;

export const ProblemDetail = Type.Object({
  ...Problem.properties,
  routing: Routing,
  timeline: Type.Array(TimelineEvent),
  /** every photo of the problem, oldest first (each also under its event in the timeline) */
  photos: Type.Array(PhotoRef),
  notices: Type.Array(Notice),
  /** what the caller may do now (POST /api/problems/:id/actions/:action) */
  allowedActions: Type.Array(ProblemActionSchema),
  /** the server clock when it answered (tests and the e2e run move it) */
  now: Instant,
});
export type ProblemDetail = Static<typeof ProblemDetail>;

export const ProblemSort = Type.Union([
  Type.Literal('reported_desc'),
  Type.Literal('reported_asc'),
  Type.Literal('deadline'),
  Type.Literal('updated_desc'),
  /** what a commander acts on first: open before closed, overdue (longest first), then newest report */
  Type.Literal('attention'),
  /** open before closed, then by deadline (none yet: last), then newest report */
  Type.Literal('open_deadline'),
]);
export const ProblemListQuery = Type.Object({
  state: Type.Optional(Type.Array(ProblemStateSchema)),
  categoryId: Type.Optional(Id()),
  /** category code prefix: '05' = every 环境卫生 problem */
  category: Type.Optional(Type.String({ pattern: '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$' })),
  source: Type.Optional(Type.Array(ProblemSourceSchema)),
  /** reported at or after */
  from: Type.Optional(Instant),
  /** reported before */
  to: Type.Optional(Instant),
  /** area code prefix (street, community or grid code) */
  area: Type.Optional(Type.String({ pattern: '^[0-9]{6,15}$' })),
  overdue: Type.Optional(Type.Boolean()),
  urgent: Type.Optional(Type.Boolean()),
  /** words in the description or address, or a problem number */
  q: Type.Optional(Line(100, { minLength: 1 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  sort: Type.Optional(ProblemSort),
});
export type ProblemListQuery = Static<typeof ProblemListQuery>;
export const ProblemList = Type.Object({
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  items: Type.Array(ProblemListItem),
});
export type ProblemList = Static<typeof ProblemList>;

export const NearbyProblem = Type.Object({ ...ListFields, distanceM: Type.Number() });
export type NearbyProblem = Static<typeof NearbyProblem>;

const QueueSection = Type.Object({
  /** verify 待立案, assign 待交办, accept 待验收, requests 待审批, revisit 待回头看, todo 待整改 */
  key: Type.Union([
    Type.Literal('verify'),
    Type.Literal('assign'),
    Type.Literal('accept'),
    Type.Literal('requests'),
    Type.Literal('revisit'),
    Type.Literal('todo'),
  ]),
  total: Type.Integer(),
  items: Type.Array(ProblemListItem),
});
export const Queue = Type.Object({
  at: Instant,
  sections: Type.Array(QueueSection),
  /** assigned and past the deadline, in the caller's reach, most overdue first */
  overdue: Type.Object({ total: Type.Integer(), items: Type.Array(ProblemListItem) }),
});
export type Queue = Static<typeof Queue>;
export type QueueKey = Static<typeof QueueSection>['key'];

export const NoticeListQuery = Type.Object({
  kind: Type.Optional(NoticeKindSchema),
  open: Type.Optional(Type.Boolean()),
  problemId: Type.Optional(BigId()),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
});
export const NoticeList = Type.Object({ total: Type.Integer(), items: Type.Array(Notice) });

export const DevClock = Type.Object({
  now: Instant,
  /** notices the sweep raised after the move */
  raised: Type.Optional(Type.Object({ supervision: Type.Integer(), accountability: Type.Integer() })),
});
