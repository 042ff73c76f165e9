import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ANY_USER } from '../auth/roles';
import { AppError, langOf, notFound } from '../errors';
import { audit } from '../plugins/auth';
import { KPIS } from '../domain/kpi';
import type { Level } from '../repositories/figures';
import { ErrorBody } from '../schemas/common';
import { FiguresQuery, FiguresResult, Indicator, ProblemsBehind, ProblemsBehindQuery } from '../schemas/figures';
import { computeFigures, figureQuery, indicatorDef, indicatorsOf, periodOf, problemsBehind } from '../services/figures';
import { figuresTables, sendTables } from '../services/figures-export';
import { callerOf, nowOf } from '../plugins/request-context';

const tags = ['figures'];
const READ = { access: ANY_USER };
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };

/** Out of scope is the same 404 as absent, but a scoped caller's attempt on a real entity is audited. */
export async function absentEntity(app: FastifyInstance, req: FastifyRequest, level: Level, id: number) {
  const exists =
    req.user?.scope && (level === 'unit' ? await app.accounts.unitExists(id) : await app.areas.exists({ id }));
  if (exists)
    await audit(app, req, {
      action: `${req.method} ${req.routeOptions.url}`,
      target: req.url,
      outcome: 'denied',
      status: 404,
      detail: { reason: 'out of scope' },
    });
  return notFound({ zh: '该统计对象', en: 'entity' });
}

/** Figures for any period and level, the problems behind each, and their exports (docs/FIGURES.md). */
const figuresRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/indicators',
    {
      config: READ,
      schema: {
        tags,
        summary: 'The KPI library: every indicator with its numerator, denominator and exclusions',
        response: { 200: Type.Array(Indicator) },
      },
    },
    async () => KPIS.map(indicatorDef),
  );

  app.get(
    '',
    {
      config: READ,
      schema: {
        tags,
        summary:
          'Figures per entity of a level (grid, community, street, unit, county) for problems reported in [from, to), judged at asOf',
        querystring: FiguresQuery,
        response: { 200: FiguresResult, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const kpis = indicatorsOf(q.indicators);
      const period = periodOf(q, nowOf(app));
      return computeFigures(app.db, q.level, kpis, figureQuery(period, callerOf(req), q.within ?? null));
    },
  );

  app.get(
    '/problems',
    {
      config: READ,
      schema: {
        tags,
        summary: 'The problems behind one figure: indicator × part (numerator/denominator) × entity × period',
        querystring: ProblemsBehindQuery,
        response: { 200: ProblemsBehind, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const fq = figureQuery(periodOf(q, nowOf(app)), callerOf(req));
      try {
        return await problemsBehind(
          app.db,
          { indicator: q.indicator, part: q.part, level: q.level, entity: q.entity, limit: q.limit, offset: q.offset },
          fq,
        );
      } catch (e) {
        if (e instanceof AppError && e.status === 404) throw await absentEntity(app, req, q.level, q.entity);
        throw e;
      }
    },
  );

  for (const format of ['xlsx', 'csv'] as const) {
    app.get(
      `/export.${format}`,
      {
        config: READ,
        schema: {
          tags,
          summary: `Figures as ${format === 'xlsx' ? 'an .xlsx workbook' : 'CSV'} with the period and every indicator's definition in the header`,
          querystring: FiguresQuery,
          response: { 400: ErrorBody },
        },
      },
      async (req, reply) => {
        const q = req.query;
        const kpis = indicatorsOf(q.indicators);
        const result = await computeFigures(
          app.db,
          q.level,
          kpis,
          figureQuery(periodOf(q, nowOf(app)), callerOf(req), q.within ?? null),
        );
        return sendTables(
          reply,
          format,
          `指标统计-${q.level}`,
          figuresTables(result, kpis, langOf(req.headers['accept-language'])),
        );
      },
    );
  }
};
export default figuresRoutes;
