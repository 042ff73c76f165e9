import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { only } from '../auth/roles';
import { hashPassword, passwordProblem } from '../auth/passwords';
import { AppError, notFound } from '../errors';
import { AuditRecord, PasswordReset, UserCreate, UserPatch, UserSummary } from '../schemas/auth';
import { ErrorBody } from '../schemas/common';
import { setScope } from '../services/users';
import { loginFailuresRepository } from '../repositories/login-failures';
import { ACCOUNT_CEILING, FORGET_AFTER_MS } from '../auth/login-throttle';

const tags = ['users'];
const ADMIN = only('admin');
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const USER = { zh: '该用户', en: 'user' };

const SQL_LIST = `
  SELECT u.id, u.username, u.display_name AS "displayName", u.role::text AS role, u.active,
         -- "locked": past the whole-name ceiling of failed logins (auth/login-throttle.ts); only
         -- addresses that failed on it are refused then, the owner's clean address is not
         EXISTS (SELECT 1 FROM login_failures f WHERE f.account = lower(u.username) AND f.address = '*'
                 AND f.failures >= ${ACCOUNT_CEILING} AND f.last_failure_at > now() - interval '${FORGET_AFTER_MS} milliseconds') AS locked,
         coalesce((SELECT json_agg(json_build_object('id', a.id, 'code', a.code, 'name', a.name, 'level', a.level) ORDER BY a.code)
                   FROM user_scopes s JOIN areas a ON a.id = s.area_id WHERE s.user_id = u.id), '[]'::json) AS scope
  FROM users u WHERE ($1::int IS NULL OR u.id = $1) ORDER BY u.id`;

const usersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const weak = (pw: string, field: string) => {
    const p = passwordProblem(pw);
    if (p) throw new AppError(422, 'WeakPassword', p, [{ field, reason: p }]);
  };

  app.get('', { config: { access: ADMIN }, schema: { tags, summary: 'All accounts with role and scope', response: { 200: Type.Array(UserSummary) } } }, async () =>
    (await app.db.query<UserSummary>(SQL_LIST, [null])).rows,
  );

  app.post('', {
    config: { access: ADMIN },
    schema: { tags, summary: 'Create an account', body: UserCreate, response: { 201: UserSummary, 409: ErrorBody, 422: ErrorBody } },
  }, async (req, reply) => {
    const b = req.body;
    weak(b.password, 'password');
    const hash = await hashPassword(b.password);
    if (b.unitId !== undefined && b.role !== 'unit_staff') {
      const reason = { zh: '只有包保单位人员可关联单位', en: 'only unit staff belong to a unit' };
      throw new AppError(422, 'UnitNotAllowed', reason, [{ field: 'unitId', reason }]);
    }
    const id = await app.db.transaction(async (tx) => {
      if (b.unitId !== undefined && !(await tx.query('SELECT 1 FROM units WHERE id = $1', [b.unitId])).rows.length) {
        const reason = { zh: `单位 ${b.unitId} 不存在`, en: `unit ${b.unitId} does not exist` };
        throw new AppError(422, 'UnknownUnit', reason, [{ field: 'unitId', reason }]);
      }
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO users (username, display_name, role, password_hash, must_change_password, unit_id) VALUES ($1, $2, $3, $4, true, $5) RETURNING id`,
        [b.username, b.displayName.trim(), b.role, hash, b.unitId ?? null]);
      await setScope(tx, rows[0]!.id, b.role, b.scopeCodes, { unit: b.unitId !== undefined });
      return rows[0]!.id;
    });
    return reply.status(201).send((await app.db.query<UserSummary>(SQL_LIST, [id])).rows[0]!);
  });

  app.patch('/:id', {
    config: { access: ADMIN },
    schema: { tags, summary: 'Activate/deactivate an account or change its scope', params: IdParams, body: UserPatch, response: { 200: UserSummary, 404: ErrorBody, 422: ErrorBody } },
  }, async (req) => {
    const user = await app.accounts.byId(req.params.id);
    if (!user) throw notFound(USER);
    await app.db.transaction(async (tx) => {
      if (req.body.active !== undefined) {
        await tx.query('UPDATE users SET active = $2 WHERE id = $1', [user.id, req.body.active]);
        if (!req.body.active) await tx.query('DELETE FROM sessions WHERE user_id = $1', [user.id]);
      }
      if (req.body.scopeCodes) {
        const { rows } = await tx.query<{ unit: boolean }>('SELECT unit_id IS NOT NULL AS unit FROM users WHERE id = $1', [user.id]);
        await setScope(tx, user.id, user.role, req.body.scopeCodes, { unit: rows[0]?.unit ?? false });
      }
    });
    return (await app.db.query<UserSummary>(SQL_LIST, [user.id])).rows[0]!;
  });

  app.post('/:id/reset-password', {
    config: { access: ADMIN },
    schema: { tags, summary: 'Set a temporary password; the user must change it at next login', params: IdParams, body: PasswordReset, response: { 204: { type: 'null' }, 404: ErrorBody, 422: ErrorBody } },
  }, async (req, reply) => {
    const user = await app.accounts.byId(req.params.id);
    if (!user) throw notFound(USER);
    weak(req.body.password, 'password');
    const hash = await hashPassword(req.body.password);
    await app.db.transaction(async (tx) => {
      await tx.query(`UPDATE users SET password_hash = $2, must_change_password = true, password_changed_at = now() WHERE id = $1`, [user.id, hash]);
      await loginFailuresRepository(tx).clearAll(user.username);
      await tx.query('DELETE FROM sessions WHERE user_id = $1', [user.id]);
    });
    return reply.status(204).send(null);
  });
};

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('', {
    config: { access: ADMIN },
    schema: {
      tags: ['audit'], summary: 'The audit log, newest first',
      querystring: Type.Object({
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        before: Type.Optional(Type.Integer({ minimum: 1 })),
        username: Type.Optional(Type.String({ maxLength: 40 })),
        outcome: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')])),
      }),
      response: { 200: Type.Array(AuditRecord) },
    },
  }, async (req) => app.audit.list(req.query));
};

export default usersRoutes;
