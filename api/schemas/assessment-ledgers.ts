import { Type, type Static } from 'typebox';
import { Id, Name, Prose } from './common';

/** Ledgers, satisfaction, visits and the weekly index (docs/ASSESSMENT.md). */
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Day = Type.String({ format: 'date' });

export const LedgerCreate = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', minLength: 1, maxLength: 40 }),
    name: Name(200),
    requirement: Type.Optional(Nullable(Prose(2000))),
    schemeId: Type.Optional(Nullable(Id())),
    unitId: Id(),
    areaId: Id(),
    dueOn: Day,
  },
  { additionalProperties: false },
);
export type LedgerCreate = Static<typeof LedgerCreate>;

export const LedgerFileInput = Type.Object(
  { name: Name(200), dataBase64: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
export const LedgerSubmit = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    note: Type.Optional(Nullable(Prose(1000))),
    files: Type.Array(LedgerFileInput, { minItems: 1, maxItems: 10 }),
  },
  { additionalProperties: false },
);
export type LedgerSubmit = Static<typeof LedgerSubmit>;
export const LedgerReview = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    decision: Type.Union([Type.Literal('passed'), Type.Literal('returned')]),
    reason: Type.Optional(Nullable(Prose(1000))),
  },
  { additionalProperties: false },
);
export type LedgerReview = Static<typeof LedgerReview>;

export const LedgerFile = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  size: Type.Integer(),
});
export const LedgerSubmission = Type.Object({
  id: Type.Integer(),
  seq: Type.Integer(),
  note: Nullable(Type.String()),
  submittedBy: Nullable(Type.String()),
  submittedAt: Type.String(),
  decision: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  reviewedBy: Nullable(Type.String()),
  reviewedAt: Nullable(Type.String()),
  files: Type.Array(LedgerFile),
});
export const LedgerItem = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  requirement: Nullable(Type.String()),
  schemeId: Nullable(Type.Integer()),
  unitId: Type.Integer(),
  unitName: Type.String(),
  areaId: Type.Integer(),
  areaCode: Type.String(),
  areaName: Type.String(),
  dueOn: Type.String(),
  state: Type.String(),
  submissions: Type.Integer(),
  version: Type.Integer(),
  overdue: Type.Boolean(),
  noticeNumber: Nullable(Type.String()),
});
export type LedgerItem = Static<typeof LedgerItem>;
export const LedgerDetail = Type.Intersect([LedgerItem, Type.Object({ history: Type.Array(LedgerSubmission) })]);
export type LedgerDetail = Static<typeof LedgerDetail>;
export const LedgerListQuery = Type.Object({
  state: Type.Optional(
    Type.Union([Type.Literal('pending'), Type.Literal('submitted'), Type.Literal('passed'), Type.Literal('returned')]),
  ),
  unitId: Type.Optional(Id()),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
const Rate = Type.Object({
  items: Type.Integer(),
  due: Type.Integer(),
  passed: Type.Integer(),
  overdue: Type.Integer(),
  passRate: Nullable(Type.Number()),
});
export const LedgerRates = Type.Object({
  asOf: Type.String(),
  overall: Rate,
  units: Type.Array(Type.Intersect([Type.Object({ unitId: Type.Integer(), unitName: Type.String() }), Rate])),
});

export const SurveyCreate = Type.Object(
  {
    communityId: Id(),
    surveyedOn: Day,
    respondents: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    satisfied: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    note: Type.Optional(Nullable(Prose(1000))),
  },
  { additionalProperties: false },
);
export type SurveyCreate = Static<typeof SurveyCreate>;
export const Survey = Type.Object({
  id: Type.Integer(),
  communityId: Type.Integer(),
  communityName: Type.String(),
  areaCode: Type.String(),
  surveyedOn: Type.String(),
  respondents: Type.Integer(),
  satisfied: Type.Integer(),
  rate: Type.Number(),
  note: Nullable(Type.String()),
});
export const VisitCreate = Type.Object(
  {
    communityId: Id(),
    visitedOn: Day,
    households: Type.Integer({ minimum: 1, maximum: 100_000 }),
    note: Type.Optional(Nullable(Prose(1000))),
  },
  { additionalProperties: false },
);
export type VisitCreate = Static<typeof VisitCreate>;
export const HouseholdVisit = Type.Object({
  id: Type.Integer(),
  communityId: Type.Integer(),
  communityName: Type.String(),
  areaCode: Type.String(),
  visitedOn: Type.String(),
  households: Type.Integer(),
  note: Nullable(Type.String()),
});
export const SatisfactionRow = Type.Object({
  communityId: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  respondents: Type.Integer(),
  satisfied: Type.Integer(),
  rate: Nullable(Type.Number()),
  meetsTarget: Nullable(Type.Boolean()),
  households: Type.Integer(),
});
export const SatisfactionSummary = Type.Object({
  from: Type.String(),
  to: Type.String(),
  target: Type.Number(),
  rows: Type.Array(SatisfactionRow),
});
export const UnitVisitRow = Type.Object({
  unitId: Type.Integer(),
  unitName: Type.String(),
  gridId: Type.Integer(),
  gridCode: Type.String(),
  gridName: Type.String(),
  visits: Type.Integer(),
  visitedThisWeek: Type.Boolean(),
});
export const UnitVisits = Type.Object({ weekStart: Type.String(), rows: Type.Array(UnitVisitRow) });
export const WeekQuery = Type.Object({ week: Type.Optional(Day) });

const ComponentsT = Type.Object({
  problems: Nullable(Type.Number()),
  points: Nullable(Type.Number()),
  ledgers: Nullable(Type.Number()),
  satisfaction: Nullable(Type.Number()),
});
export const IndexRowT = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  components: ComponentsT,
  index: Nullable(Type.Number()),
  band: Nullable(Type.String()),
  rank: Nullable(Type.Integer()),
  flags: Type.Array(Type.String()),
});
export const IndexLevel = Type.Union([Type.Literal('community'), Type.Literal('street'), Type.Literal('unit')]);
export const IndexWeek = Type.Object({
  weekStart: Type.String(),
  weekEnd: Type.String(),
  level: Type.String(),
  published: Type.Boolean(),
  issue: Nullable(Type.Integer()),
  number: Nullable(Type.String()),
  publishedAt: Nullable(Type.String()),
  formula: Type.Object({ id: Type.Integer(), code: Type.String(), version: Type.Integer(), rules: Type.Unknown() }),
  rows: Type.Array(IndexRowT),
});
export type IndexWeek = Static<typeof IndexWeek>;
export const IndexQuery = Type.Object({
  week: Type.Optional(Day),
  level: Type.Optional(IndexLevel),
});
export const PublishedWeek = Type.Object({
  weekStart: Type.String(),
  issue: Type.Integer(),
  number: Type.String(),
  publishedAt: Type.String(),
});
