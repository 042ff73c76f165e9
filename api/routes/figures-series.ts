import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ANY_USER } from '../auth/roles';
import { notFound } from '../errors';
import { audit } from '../plugins/auth';
import { ErrorBody } from '../schemas/common';
import { FiguresSeries, FiguresSeriesQuery } from '../schemas/figures';
import { figuresSeries } from '../services/figures-series';
import { callerOf, nowOf } from '../plugins/request-context';

/** GET /api/figures/series: the figures of each day of a period in one answer (the wall's trend, issue 12). */
const figuresSeriesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/series',
    {
      config: { access: ANY_USER },
      schema: {
        tags: ['figures'],
        summary:
          'Figures per Beijing day from `from` to `to` (both included) of the problems reported that day, judged at asOf, optionally inside one area',
        querystring: FiguresSeriesQuery,
        response: { 200: FiguresSeries, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const answer = await figuresSeries(app.db, req.query, callerOf(req), nowOf(app));
      if ('result' in answer) return answer.result;
      // out of scope is the same 404 as absent; a scoped caller's try on a real area is audited
      if (req.user?.scope && (await app.areas.exists({ code: answer.outOfScope })))
        await audit(app, req, {
          action: `${req.method} ${req.routeOptions.url}`,
          target: req.url,
          outcome: 'denied',
          status: 404,
          detail: { reason: 'out of scope' },
        });
      throw notFound({ zh: '该区域', en: 'area' });
    },
  );
};
export default figuresSeriesRoutes;
