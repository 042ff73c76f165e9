import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { only } from '../auth/roles';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { AppError, notFound } from '../errors';
import { AuditRecord, PasswordReset, UserCreate, UserPatch, UserSummary } from '../schemas/auth';
import { ErrorBody } from '../schemas/common';
import { setScope } from '../services/users';
import { accountsRepository } from '../repositories/accounts';
import { loginFailuresRepository } from '../repositories/login-failures';

const tags = ['users'];
const ADMIN = only('admin');
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const USER = { zh: '该用户', en: 'user' };

const usersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const weak = (pw: string, field: string) => {
    const p = passwordProblem(pw);
    if (p) throw new AppError(422, 'WeakPassword', p, [{ field, reason: p }]);
  };

  app.get(
    '',
    {
      config: { access: ADMIN },
      schema: { tags, summary: 'All accounts with role and scope', response: { 200: Type.Array(UserSummary) } },
    },
    async () => app.accounts.summaries(),
  );

  app.post(
    '',
    {
      config: { access: ADMIN },
      schema: {
        tags,
        summary: 'Create an account',
        body: UserCreate,
        response: { 201: UserSummary, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const b = req.body;
      weak(b.password, 'password');
      const hash = await hashPassword(b.password);
      if (b.unitId !== undefined && b.role !== 'unit_staff') {
        const reason = { zh: '只有包保单位人员可关联单位', en: 'only unit staff belong to a unit' };
        throw new AppError(422, 'UnitNotAllowed', reason, [{ field: 'unitId', reason }]);
      }
      const id = await app.db.transaction(async (tx) => {
        const accounts = accountsRepository(tx);
        if (b.unitId !== undefined && !(await accounts.unitExists(b.unitId))) {
          const reason = { zh: `单位 ${b.unitId} 不存在`, en: `unit ${b.unitId} does not exist` };
          throw new AppError(422, 'UnknownUnit', reason, [{ field: 'unitId', reason }]);
        }
        const userId = await accounts.insertUser({
          username: b.username,
          displayName: b.displayName.trim(),
          role: b.role,
          passwordHash: hash,
          unitId: b.unitId ?? null,
        });
        await setScope(tx, userId, b.role, b.scopeCodes, { unit: b.unitId !== undefined });
        return userId;
      });
      return reply.status(201).send((await app.accounts.summaries(id))[0]!);
    },
  );

  app.patch(
    '/:id',
    {
      config: { access: ADMIN },
      schema: {
        tags,
        summary: 'Activate/deactivate an account or change its scope',
        params: IdParams,
        body: UserPatch,
        response: { 200: UserSummary, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (req) => {
      const user = await app.accounts.byId(req.params.id);
      if (!user) throw notFound(USER);
      await app.db.transaction(async (tx) => {
        const accounts = accountsRepository(tx);
        if (req.body.active !== undefined) {
          await accounts.setActive(user.id, req.body.active);
          if (!req.body.active) await accounts.deleteSessionsOf(user.id);
        }
        if (req.body.scopeCodes) {
          await setScope(tx, user.id, user.role, req.body.scopeCodes, {
            unit: (await accounts.unitIdOf(user.id)) !== null,
          });
        }
      });
      return (await app.accounts.summaries(user.id))[0]!;
    },
  );

  app.post(
    '/:id/reset-password',
    {
      config: { access: ADMIN },
      schema: {
        tags,
        summary: 'Set a temporary password; the user must change it at next login',
        params: IdParams,
        body: PasswordReset,
        response: { 204: { type: 'null' }, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const user = await app.accounts.byId(req.params.id);
      if (!user) throw notFound(USER);
      weak(req.body.password, 'password');
      const hash = await hashPassword(req.body.password);
      await app.db.transaction(async (tx) => {
        const accounts = accountsRepository(tx);
        await accounts.setPassword(user.id, hash, true);
        await loginFailuresRepository(tx).clearAll(user.username);
        await accounts.deleteSessionsOf(user.id);
      });
      return reply.status(204).send(null);
    },
  );
};

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first',
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          before: Type.Optional(Type.Integer({ minimum: 1 })),
          username: Type.Optional(Type.String({ maxLength: 40 })),
          outcome: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')])),
        }),
        response: { 200: Type.Array(AuditRecord) },
      },
    },
    async (req) => app.audit.list(req.query),
  );
};

export default usersRoutes;
