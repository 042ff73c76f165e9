import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { only } from '../auth/roles';
import { ErrorBody } from '../schemas/common';
import type { LedgerViewer } from '../repositories/ledgers';
import { unitOf } from '../services/problem-views';
import { actorOf } from '../plugins/request-context';

// What the ledger routes (assessment-ledgers.ts) and the weekly ones (assessment-weekly.ts) share.
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
export const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
};
export const tags = ['assessment'];
// a ledger is the unit's to declare and the 创建办 / supervision side's to review (docs/ASSESSMENT.md)
export const READ_LEDGERS = { access: only('admin', 'commander', 'planner', 'supervisor', 'unit_staff') };
export const ATTACH = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** The caller as a ledger viewer: scope, role and the unit a unit user belongs to. */
export const ledgerViewerOf =
  (app: FastifyInstance) =>
  async (req: FastifyRequest): Promise<LedgerViewer> => {
    const a = actorOf(req);
    return { scope: a.scope, role: a.role, unitId: await unitOf(app.db, a) };
  };
