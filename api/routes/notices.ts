import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANY_USER } from '../auth/roles';
import { notFound } from '../errors';
import { audit } from '../plugins/auth';
import { ErrorBody } from '../schemas/common';
import { Notice, NoticeList, NoticeListQuery } from '../schemas/problems';
import { viewerOf } from '../services/problem-views';
import { actorOf } from '../plugins/request-context';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const NOTICE = { zh: '该通知单', en: 'notice' };
const READ = { access: ANY_USER };

/** Supervision (督办) and accountability (问责) notices, for lists and printing. */
const noticeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['problems'];
  app.get(
    '',
    {
      config: READ,
      schema: {
        tags,
        summary: "Notices in the caller's reach, newest first",
        querystring: NoticeListQuery,
        response: { 200: NoticeList, 400: ErrorBody },
      },
    },
    async (req) => {
      const q = req.query;
      return app.notices.list(
        await viewerOf(app.db, actorOf(req)),
        { kind: q.kind ?? null, open: q.open ?? null, problemId: q.problemId ?? null },
        { limit: q.limit, offset: q.offset },
      );
    },
  );
  app.get(
    '/:id',
    {
      config: READ,
      schema: {
        tags,
        summary: 'One notice with its problem',
        params: IdParams,
        response: { 200: Notice, 404: ErrorBody },
      },
    },
    async (req) => {
      const n = await app.notices.byId(req.params.id, await viewerOf(app.db, actorOf(req)));
      if (n) return n;
      const exists = await app.notices.exists(req.params.id);
      if (exists)
        await audit(app, req, {
          action: `${req.method} ${req.routeOptions.url}`,
          target: req.url,
          outcome: 'denied',
          status: 404,
          detail: { reason: 'out of scope' },
        });
      throw notFound(NOTICE);
    },
  );
};
export default noticeRoutes;
