import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AreaDetail,
  AreaImportRequest,
  AreaImportResult,
  AreaSearchHit,
  AreaSummary,
  AreaTree,
} from '../schemas/areas';
import { ErrorBody } from '../schemas/common';
import { notFound } from '../errors';
import { ANY_USER, only } from '../auth/roles';
import { audit } from '../plugins/auth';
import type { FastifyRequest } from 'fastify';
import { buildAreaTree } from '../domain/area-tree';
import { importAreas } from '../services/area-import';
import { scopeOf } from '../plugins/request-context';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const errors = { 400: ErrorBody, 404: ErrorBody };
const AREA = { zh: '该区域', en: 'area' };

const areaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['areas'];
  const read = { access: ANY_USER };
  /** Out of scope is the same answer as absent (404), but the attempt is audited. */
  const absent = async (req: FastifyRequest, ref: { id?: number; code?: string }) => {
    if (req.user?.scope && (await app.areas.exists(ref))) {
      await audit(app, req, {
        action: `${req.method} ${req.routeOptions.url}`,
        target: req.url,
        outcome: 'denied',
        status: 404,
        detail: { reason: 'out of scope' },
      });
    }
    return notFound(AREA);
  };

  app.get(
    '/tree',
    {
      config: read,
      schema: { tags, summary: 'County → streets → communities, with child counts', response: { 200: AreaTree } },
    },
    async (req) => buildAreaTree(await app.areas.treeRows(scopeOf(req))),
  );

  app.get(
    '/search',
    {
      config: read,
      schema: {
        tags,
        summary: 'Find areas by name (substring) or code (prefix)',
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 50 }),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
        response: { 200: Type.Array(AreaSearchHit), ...errors },
      },
    },
    async (req) => app.areas.search(req.query.q.trim(), req.query.limit, scopeOf(req)),
  );

  app.get(
    '/at',
    {
      config: read,
      schema: {
        tags,
        summary: 'Areas containing a point, county first',
        querystring: Type.Object({
          lon: Type.Number({ minimum: -180, maximum: 180 }),
          lat: Type.Number({ minimum: -90, maximum: 90 }),
        }),
        response: { 200: Type.Array(AreaSummary), ...errors },
      },
    },
    async (req) => app.areas.atPoint(req.query.lon, req.query.lat, scopeOf(req)),
  );

  app.get(
    '/by-code/:code',
    {
      config: read,
      schema: {
        tags,
        summary: 'One area by its hierarchical code, with its parent chain',
        params: Type.Object({ code: Type.String({ pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15})$' }) }),
        response: { 200: AreaDetail, ...errors },
      },
    },
    async (req) => {
      const area = await app.areas.byCode(req.params.code, scopeOf(req));
      if (!area) throw await absent(req, { code: req.params.code });
      return area;
    },
  );

  app.get(
    '/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One area by id, with its parent chain and area in m²',
        params: IdParams,
        response: { 200: AreaDetail, ...errors },
      },
    },
    async (req) => {
      const area = await app.areas.byId(req.params.id, scopeOf(req));
      if (!area) throw await absent(req, { id: req.params.id });
      return area;
    },
  );

  app.get(
    '/:id/children',
    {
      config: read,
      schema: {
        tags,
        summary: 'Direct children of an area',
        params: IdParams,
        response: { 200: Type.Array(AreaSummary), ...errors },
      },
    },
    async (req) => {
      if (!(await app.areas.byId(req.params.id, scopeOf(req)))) throw await absent(req, { id: req.params.id });
      return app.areas.children(req.params.id, scopeOf(req));
    },
  );

  app.post(
    '/import',
    {
      config: { access: only('admin', 'planner') },
      bodyLimit: 64 * 1024 * 1024, // whole GeoJSON files (a county's communities: tens of MB)
      schema: {
        tags,
        summary: 'Import one level of areas from a GeoJSON FeatureCollection, all or nothing',
        body: AreaImportRequest,
        response: {
          201: AreaImportResult,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          409: ErrorBody,
          413: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const result = await importAreas(app.db, req.body);
      return reply.status(201).send(result);
    },
  );
};
export default areaRoutes;
