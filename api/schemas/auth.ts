import { Type, type Static } from 'typebox';
import { AreaLevelSchema } from './areas';
import { Id, Name } from './common';

export const RoleSchema = Type.Union([
  Type.Literal('admin'),
  Type.Literal('commander'),
  Type.Literal('planner'),
  Type.Literal('supervisor'),
  Type.Literal('unit_staff'),
  Type.Literal('grid_leader'),
  Type.Literal('grid_member'),
]);

export const ScopeArea = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  level: AreaLevelSchema,
});
export type ScopeArea = Static<typeof ScopeArea>;

export const Me = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  /** null = the whole city */
  scope: Type.Union([Type.Array(ScopeArea), Type.Null()]),
  mustChangePassword: Type.Boolean(),
});
export type Me = Static<typeof Me>;

/** Sent back on login and by /api/auth/me: the CSRF token goes in X-CSRF-Token on every write. */
export const SessionInfo = Type.Object({ user: Me, csrfToken: Type.String() });
export type SessionInfo = Static<typeof SessionInfo>;

export const LoginRequest = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 40 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
});
export type LoginRequest = Static<typeof LoginRequest>;

export const PasswordChange = Type.Object({
  current: Type.String({ minLength: 1, maxLength: 200 }),
  next: Type.String({ minLength: 1, maxLength: 200 }),
});

export const UserSummary = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: RoleSchema,
  active: Type.Boolean(),
  locked: Type.Boolean(),
  scope: Type.Array(ScopeArea),
});
export type UserSummary = Static<typeof UserSummary>;

export const UserCreate = Type.Object({
  username: Type.String({ pattern: '^[a-z0-9_.-]{3,40}$' }),
  displayName: Name(60),
  role: RoleSchema,
  password: Type.String({ minLength: 1, maxLength: 200 }),
  /** codes of the areas the scope is made of (streets, communities or grids) */
  scopeCodes: Type.Array(Type.String({ pattern: '^[0-9]{6,15}$' }), { maxItems: 500, default: [] }),
  /** unit staff only: their scope follows what this unit contracts at the time */
  unitId: Type.Optional(Id()),
});

export const UserPatch = Type.Object({
  active: Type.Optional(Type.Boolean()),
  scopeCodes: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{6,15}$' }), { maxItems: 500 })),
});

export const PasswordReset = Type.Object({ password: Type.String({ minLength: 1, maxLength: 200 }) });

export const AuditRecord = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  ip: Type.String(),
  detail: Type.Union([Type.Record(Type.String(), Type.Any()), Type.Null()]),
});
