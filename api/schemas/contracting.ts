import { Type, type Static } from 'typebox';
import { UNIT_TYPES } from '../domain/contracting-labels';
import { Id, Line, Name, TEXT_KEYWORD } from './common';

/** Units, people, assignments, responsibility and coverage: the shapes of issue 3's API. */
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
/** an explicit instant with its zone, e.g. 2024-03-01T00:00:00+08:00 */
export const Instant = Type.String({ format: 'date-time' });
const Phone = Line(40, { minLength: 5, description: 'mainland mobile or landline; stored normalised' });

// Literal by literal: a Union built by mapping an array is typed `never` by TypeBox.
export const UnitTypeSchema = Type.Union([
  Type.Literal('prefecture'),
  Type.Literal('county'),
  Type.Literal('central_provincial_local'),
  Type.Literal('township'),
  Type.Literal('enterprise'),
  Type.Literal('other'),
]);
// keeps the schema and the domain list from drifting apart
const _sameTypes: readonly Static<typeof UnitTypeSchema>[] = UNIT_TYPES;
void _sameTypes;
export const RoleSchema = Type.Union([
  Type.Literal('lead'),
  Type.Literal('support'),
  Type.Literal('leader'),
  Type.Literal('member'),
]);
export const UnitRoleSchema = Type.Union([Type.Literal('lead'), Type.Literal('support')]);

/** 门前四包 premises: a point or a polygon, GeoJSON in EPSG:4326 */
export const Premises = Type.Object({
  type: Type.Union([Type.Literal('Point'), Type.Literal('Polygon'), Type.Literal('MultiPolygon')]),
  coordinates: Type.Array(Type.Any(), { minItems: 1 }),
});

export const Unit = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  type: UnitTypeSchema,
  leaderName: Nullable(Type.String()),
  contactName: Nullable(Type.String()),
  contactPhone: Nullable(Type.String()),
  premises: Type.Union([Premises, Type.Null()]),
  /** grids (any role) and communities it contracts at the time asked (default now), within the caller's scope */
  gridCount: Type.Integer(),
  communityCount: Type.Integer(),
});
export type Unit = Static<typeof Unit>;

export const UnitCreate = Type.Object({
  code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }),
  name: Name(100),
  type: UnitTypeSchema,
  leaderName: Type.Optional(Nullable(Line(40))),
  contactName: Type.Optional(Nullable(Line(40))),
  contactPhone: Type.Optional(Nullable(Phone)),
  premises: Type.Optional(Type.Union([Premises, Type.Null()])),
});
export type UnitCreate = Static<typeof UnitCreate>;
export const UnitPatch = Type.Partial(UnitCreate);
export type UnitPatch = Static<typeof UnitPatch>;

export const Person = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  phone: Type.String(),
  userId: NullableInt,
  username: Nullable(Type.String()),
  /** grids they lead or serve at the time asked (default now) */
  gridCount: Type.Integer(),
});
export type Person = Static<typeof Person>;
export const PersonCreate = Type.Object({
  name: Name(40),
  phone: Phone,
  userId: Type.Optional(Type.Union([Id(), Type.Null()])),
});
export type PersonCreate = Static<typeof PersonCreate>;
export const PersonPatch = Type.Partial(PersonCreate);
export type PersonPatch = Static<typeof PersonPatch>;

export const Assignment = Type.Object({
  id: Type.Integer(),
  areaId: Type.Integer(),
  areaCode: Type.String(),
  areaName: Type.String(),
  areaLevel: Type.Union([Type.Literal('grid'), Type.Literal('community')]),
  role: RoleSchema,
  unitId: NullableInt,
  unitName: Nullable(Type.String()),
  personId: NullableInt,
  personName: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  validFrom: Instant,
  /** null = open, still in force */
  validTo: Nullable(Instant),
});
export type Assignment = Static<typeof Assignment>;

/** unitId for lead/support, personId for leader/member (checked by the service: see schemas note in docs) */
export const AssignmentCreate = Type.Object({
  areaId: Id(),
  role: RoleSchema,
  unitId: Type.Optional(Id()),
  personId: Type.Optional(Id()),
  validFrom: Instant,
  validTo: Type.Optional(Nullable(Instant)),
});
export type AssignmentCreate = Static<typeof AssignmentCreate>;
export const AssignmentClose = Type.Object({ at: Instant });
export const AssignmentReassign = Type.Object({
  /** the instant the old period ends and the new one starts */
  at: Instant,
  unitId: Type.Optional(Id()),
  personId: Type.Optional(Id()),
});
export type AssignmentReassign = Static<typeof AssignmentReassign>;
export const ReassignResult = Type.Object({ closed: Assignment, opened: Assignment });

const AreaRef = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });
export const StaffEntry = Type.Object({
  assignmentId: Type.Integer(),
  role: RoleSchema,
  personId: Type.Integer(),
  name: Type.String(),
  phone: Type.String(),
  validFrom: Instant,
  validTo: Nullable(Instant),
});
export const UnitEntry = Type.Object({
  assignmentId: Type.Integer(),
  role: UnitRoleSchema,
  areaLevel: Type.Union([Type.Literal('grid'), Type.Literal('community')]),
  unitId: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  type: UnitTypeSchema,
  leaderName: Nullable(Type.String()),
  contactName: Nullable(Type.String()),
  contactPhone: Nullable(Type.String()),
  validFrom: Instant,
  validTo: Nullable(Instant),
});
export const Responsibility = Type.Object({
  at: Instant,
  grid: Type.Object({ ...AreaRef.properties, areaM2: Type.Number() }),
  community: AreaRef,
  street: AreaRef,
  leader: Type.Union([StaffEntry, Type.Null()]),
  members: Type.Array(StaffEntry),
  leadUnit: Type.Union([UnitEntry, Type.Null()]),
  supportUnits: Type.Array(UnitEntry),
  /** units contracting the grid's community as a whole (宣威: units contract communities) */
  communityUnits: Type.Array(UnitEntry),
});
export type Responsibility = Static<typeof Responsibility>;

export const UnitZone = Type.Object({
  assignmentId: Type.Integer(),
  areaId: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  level: Type.Union([Type.Literal('grid'), Type.Literal('community')]),
  role: UnitRoleSchema,
  areaM2: Type.Number(),
  validFrom: Instant,
  validTo: Nullable(Instant),
});
export const UnitGrids = Type.Object({
  unit: Unit,
  at: Instant,
  grids: Type.Array(UnitZone),
  communities: Type.Array(UnitZone),
  /** geodesic area of its grids, m² */
  totalAreaM2: Type.Number(),
});
export type UnitGrids = Static<typeof UnitGrids>;

const GapGrid = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  communityName: Type.String(),
});
export const ResponsibilityCoverage = Type.Object({
  at: Instant,
  grids: Type.Integer(),
  gridsWithoutLeadUnit: Type.Array(GapGrid),
  gridsWithoutLeader: Type.Array(GapGrid),
  /** units with no grid in force; communities = communities they contract as a whole */
  unitsWithoutGrid: Type.Array(
    Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      type: UnitTypeSchema,
      communities: Type.Integer(),
    }),
  ),
});
export type ResponsibilityCoverage = Static<typeof ResponsibilityCoverage>;

export const ContractingImportRequest = Type.Object({
  /** .xlsx workbooks (every sheet is read) and/or .csv files (one table each), base64 */
  files: Type.Array(
    Type.Object({
      name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\.(xlsx|csv)$', [TEXT_KEYWORD]: 'line' }),
      /** may be empty: the importer then says the file is empty, naming it */
      content: Type.String({ contentEncoding: 'base64' }),
    }),
    { minItems: 1, maxItems: 10 },
  ),
});
export type ContractingImportRequest = Static<typeof ContractingImportRequest>;
const Counts = (a: string, b: string) => Type.Object({ [a]: Type.Integer(), [b]: Type.Integer() });
export const ContractingImportResult = Type.Object({
  units: Counts('created', 'updated'),
  people: Counts('created', 'updated'),
  /** unchanged: rows identical to stored ones (re-importing a file is harmless) */
  assignments: Counts('created', 'unchanged'),
});
export type ContractingImportResult = {
  units: { created: number; updated: number };
  people: { created: number; updated: number };
  assignments: { created: number; unchanged: number };
};
export const ExportTable = Type.Union([Type.Literal('units'), Type.Literal('people'), Type.Literal('assignments')]);
