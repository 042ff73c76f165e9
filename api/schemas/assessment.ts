import { Type, type Static } from 'typebox';
import { BigId, Id, Line, Name, Prose } from './common';

/** Inspection points, schemes and rounds (docs/ASSESSMENT.md). */
const Coord = Type.Number({ minimum: -180, maximum: 180 });
const Position = Type.Array(Coord, { minItems: 2, maxItems: 3 });
export const PointGeometry = Type.Union(
  [
    Type.Object({ type: Type.Literal('Point'), coordinates: Position }, { additionalProperties: false }),
    Type.Object(
      {
        type: Type.Literal('Polygon'),
        coordinates: Type.Array(Type.Array(Position, { maxItems: 2000 }), { minItems: 1, maxItems: 20 }),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'GeoJSON Point or Polygon, EPSG:4326' },
);
export type PointGeometry = Static<typeof PointGeometry>;

const PointCode = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', minLength: 1, maxLength: 40 });
const TypeCode = Type.String({ pattern: '^[a-z0-9_]{1,40}$', minLength: 1, maxLength: 40 });

export const PointType = Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String() });
export const PointCreate = Type.Object(
  {
    code: PointCode,
    name: Name(100),
    typeCode: TypeCode,
    address: Type.Optional(Type.Union([Line(200), Type.Null()])),
    geometry: PointGeometry,
  },
  { additionalProperties: false },
);
export type PointCreate = Static<typeof PointCreate>;
export const PointPatch = Type.Partial(PointCreate, { additionalProperties: false });
export type PointPatch = Static<typeof PointPatch>;

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const InspectionPoint = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  typeCode: Type.String(),
  typeName: Type.String(),
  address: Nullable(Type.String()),
  geometry: Type.Unknown(),
  anchor: Type.Tuple([Type.Number(), Type.Number()]),
  gridId: Nullable(Type.Integer()),
  communityId: Nullable(Type.Integer()),
  streetId: Nullable(Type.Integer()),
  areaCode: Type.String(),
  leadUnitId: Nullable(Type.Integer()),
  routedAt: Type.String(),
  latestScore: Nullable(Type.Number()),
  latestRoundId: Nullable(Type.Integer()),
});
export type InspectionPoint = Static<typeof InspectionPoint>;

export const Finding = Type.Object({
  id: Type.Integer(),
  roundId: Type.Integer(),
  heldOn: Type.String(),
  itemCode: Type.String(),
  itemName: Type.String(),
  deduction: Type.Number(),
  note: Type.String(),
  problemId: Nullable(Type.Integer()),
  problemState: Nullable(Type.String()),
});
export const PointDetail = Type.Intersect([
  InspectionPoint,
  Type.Object({
    rounds: Type.Array(
      Type.Object({
        roundId: Type.Integer(),
        name: Type.String(),
        heldOn: Type.String(),
        score: Nullable(Type.Number()),
      }),
    ),
    findings: Type.Array(Finding),
  }),
]);
export type PointDetail = Static<typeof PointDetail>;

export const PointListQuery = Type.Object({
  typeCode: Type.Optional(TypeCode),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});

const Score = Type.Number({ minimum: 0, maximum: 1000 });
export const SchemeItemInput = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,20}$', minLength: 1, maxLength: 20 }),
    nameZh: Name(200),
    nameEn: Name(200),
    maxScore: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
    perFinding: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
    deductionCap: Type.Optional(Nullable(Type.Number({ exclusiveMinimum: 0, maximum: 1000 }))),
    pointTypes: Type.Array(TypeCode, { maxItems: 50, default: [] }),
  },
  { additionalProperties: false },
);
export type SchemeItemInput = Static<typeof SchemeItemInput>;
export const SchemeInput = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9-]{1,40}$', minLength: 1, maxLength: 40 }),
    nameZh: Name(100),
    nameEn: Name(100),
    sourceNote: Type.Optional(Nullable(Prose(1000))),
    items: Type.Array(SchemeItemInput, { minItems: 1, maxItems: 200 }),
  },
  { additionalProperties: false },
);
export type SchemeInput = Static<typeof SchemeInput>;

export const SchemeItem = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  maxScore: Type.Number(),
  perFinding: Type.Number(),
  deductionCap: Nullable(Type.Number()),
  pointTypes: Type.Array(Type.String()),
});
export type SchemeItem = Static<typeof SchemeItem>;
export const Scheme = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  version: Type.Integer(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  sourceNote: Nullable(Type.String()),
  retiredAt: Nullable(Type.String()),
  usedByRounds: Type.Integer(),
  items: Type.Array(SchemeItem),
});
export type Scheme = Static<typeof Scheme>;

export const RoundCreate = Type.Object(
  {
    schemeId: Id(),
    name: Name(100),
    kind: Type.Union([Type.Literal('inspection'), Type.Literal('undercover')]),
    heldOn: Type.String({ format: 'date' }),
    campaignId: Type.Optional(Nullable(Id())),
    pointIds: Type.Array(Id(), { minItems: 1, maxItems: 2000 }),
  },
  { additionalProperties: false },
);
export type RoundCreate = Static<typeof RoundCreate>;

export const ScoreInput = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          itemId: Id(),
          score: Type.Optional(Nullable(Score)),
          note: Type.Optional(Nullable(Prose(500))),
          findings: Type.Array(
            Type.Object(
              {
                note: Name(500),
                deduction: Type.Optional(Nullable(Score)),
                problem: Type.Optional(
                  Nullable(
                    Type.Object(
                      { categoryId: Id(), description: Type.Optional(Prose(1000)) },
                      { additionalProperties: false },
                    ),
                  ),
                ),
              },
              { additionalProperties: false },
            ),
            { maxItems: 50, default: [] },
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
  },
  { additionalProperties: false },
);
export type ScoreInput = Static<typeof ScoreInput>;

const Versus = Type.Object({
  score: Nullable(Type.Number()),
  status: Type.String(),
  gap: Nullable(Type.Number()),
  current: Nullable(Type.Object({ dueOn: Type.String(), minScore: Type.Number(), label: Nullable(Type.String()) })),
  next: Nullable(Type.Object({ dueOn: Type.String(), minScore: Type.Number(), label: Nullable(Type.String()) })),
});
const Mean = Type.Object({ score: Type.Number(), points: Type.Integer() });
export const RoundDetail = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  heldOn: Type.String(),
  schemeId: Type.Integer(),
  campaignId: Nullable(Type.Integer()),
  points: Type.Array(
    Type.Object({
      pointId: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      typeCode: Type.String(),
      score: Nullable(Type.Number()),
      itemsScored: Type.Integer(),
      itemsApplicable: Type.Integer(),
      findings: Type.Integer(),
      problemIds: Type.Array(Type.Integer()),
    }),
  ),
  rollUp: Type.Object({
    communities: Type.Array(Type.Intersect([Type.Object({ communityId: Type.Integer() }), Mean])),
    streets: Type.Array(Type.Intersect([Type.Object({ streetId: Type.Integer() }), Mean])),
    county: Type.Object({
      score: Nullable(Type.Number()),
      points: Type.Integer(),
      onThousand: Nullable(Type.Number()),
    }),
  }),
  targets: Nullable(Versus),
  /** every dated target of the round's campaign (720 / 800 / 850), for the timeline */
  targetLine: Type.Array(
    Type.Object({ dueOn: Type.String(), minScore: Type.Number(), label: Nullable(Type.String()) }),
  ),
});
export type RoundDetail = Static<typeof RoundDetail>;
export const RoundSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  heldOn: Type.String(),
  schemeId: Type.Integer(),
  pointCount: Type.Integer(),
});
export const ScoreResult = Type.Object({
  pointId: Type.Integer(),
  score: Nullable(Type.Number()),
  findingIds: Type.Array(BigId()),
  problemIds: Type.Array(Type.Integer()),
});
