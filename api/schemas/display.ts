import { Type, type Static } from 'typebox';
import { Instant, Name } from './common';
import { ScopeArea } from './auth';

/** Area codes are digits (数字城管 scheme: 6 county + 3 per level below). */
const AreaCode = Type.String({ pattern: '^[0-9]{6,15}$', maxLength: 15 });

/** POST /api/display-tokens: a read-only token for a wall (指挥中心大屏). */
export const DisplayTokenCreate = Type.Object({
  name: Name(60, { description: 'where the wall hangs, e.g. 指挥中心大屏 1' }),
  /** true: the whole city (scopeCodes empty); false: these areas and what lies inside them */
  cityWide: Type.Boolean(),
  scopeCodes: Type.Array(AreaCode, { maxItems: 200 }),
  /** optional; after it the token opens no new session and its sessions end */
  expiresAt: Type.Optional(Instant),
});
export type DisplayTokenCreate = Static<typeof DisplayTokenCreate>;

export const DisplayTokenStatus = Type.Union([
  Type.Literal('active'),
  Type.Literal('expired'),
  Type.Literal('revoked'),
]);

export const DisplayTokenSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  cityWide: Type.Boolean(),
  scope: Type.Array(ScopeArea),
  createdAt: Type.String(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  status: DisplayTokenStatus,
  /** display sessions open now */
  sessions: Type.Integer(),
});
export type DisplayTokenSummary = Static<typeof DisplayTokenSummary>;

/** The answer to an issue: the token itself, shown this once (only its hash is kept). */
export const DisplayTokenIssued = Type.Intersect([DisplayTokenSummary, Type.Object({ token: Type.String() })]);
export type DisplayTokenIssued = Static<typeof DisplayTokenIssued>;

/** POST /api/display/session */
export const DisplayExchange = Type.Object({
  token: Type.String({ minLength: 10, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
});

export const DisplaySessionInfo = Type.Object({
  name: Type.String(),
  /** null = the whole city */
  scope: Type.Union([Type.Array(ScopeArea), Type.Null()]),
  expiresAt: Type.String(),
});
export type DisplaySessionInfo = Static<typeof DisplaySessionInfo>;
