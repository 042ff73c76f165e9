import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANY_USER, only } from '../auth/roles';
import { AppError, notFound } from '../errors';
import { ErrorBody } from '../schemas/common';
import { Category, CategoryCreate, CategoryPatch, CategoryTree } from '../schemas/problems';
import { buildCategoryTree } from '../repositories/categories';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const CATEGORY = { zh: '该类别', en: 'category' };
const tags = ['problems'];
const ADMIN = { access: only('admin') };
const writeErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

const invalid = (field: string, zh: string, en: string) =>
  new AppError(400, 'BadRequest', { zh: `${field}：${zh}`, en: `${field}: ${en}` }, [{ field, reason: { zh, en } }]);

/**
 * The problem taxonomy, editable without a deploy. A leaf's deadline is read when a problem is
 * assigned and stored on it, so an edit applies to later assignments only. Categories are never
 * deleted (problems keep pointing at them): `active: false` hides them from new reports.
 */
const categoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const repo = app.categories;

  app.get(
    '',
    {
      config: { access: ANY_USER },
      schema: {
        tags,
        summary: '大类 → 小类 → 细类 with deadlines and standards (inactive ones with all=true)',
        querystring: Type.Object({ all: Type.Boolean({ default: false }) }),
        response: { 200: CategoryTree },
      },
    },
    async (req) => buildCategoryTree(await repo.all(req.query.all)),
  );

  app.post(
    '',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Add a category; its parent is the code without the last two digits',
        body: CategoryCreate,
        response: { 201: Category, ...writeErrors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const level = b.code.length / 2;
      if (level < 3 && b.deadlineHours !== undefined)
        throw invalid('deadlineHours', '只有细类（6 位代码）有整改时限', 'only leaves (6-digit codes) have a deadline');
      let parentId: number | null = null;
      if (level > 1) {
        const parent = await repo.byCode(b.code.slice(0, -2));
        if (!parent)
          throw invalid(
            'code',
            `上级类别 ${b.code.slice(0, -2)} 不存在`,
            `the parent category ${b.code.slice(0, -2)} does not exist`,
          );
        parentId = parent.id;
      }
      if (await repo.byCode(b.code))
        throw new AppError(
          409,
          'Conflict',
          { zh: `类别代码 ${b.code} 已存在`, en: `category code ${b.code} already exists` },
          [{ field: 'code', reason: { zh: '已存在', en: 'already exists' } }],
        );
      return reply.status(201).send(await repo.insert(b, parentId));
    },
  );

  app.patch(
    '/:id',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Edit a category (names, deadline, standards, urgent, handler, revisit days, active)',
        params: IdParams,
        body: CategoryPatch,
        response: { 200: Category, ...writeErrors },
      },
    },
    async (req) => {
      const current = await repo.byId(req.params.id);
      if (!current) throw notFound(CATEGORY);
      if (current.level < 3 && req.body.deadlineHours !== undefined)
        throw invalid('deadlineHours', '只有细类有整改时限', 'only leaves have a deadline');
      return (await repo.patch(req.params.id, req.body))!;
    },
  );
};
export default categoryRoutes;
