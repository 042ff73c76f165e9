import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AreaDetail, AreaImportRequest, AreaImportResult, AreaSearchHit, AreaSummary, AreaTree } from '../schemas/areas';
import { ErrorBody } from '../schemas/common';
import { notFound } from '../errors';
import { buildAreaTree } from '../domain/area-tree';
import { importAreas } from '../services/area-import';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const errors = { 400: ErrorBody, 404: ErrorBody };
const AREA = { zh: '该区域', en: 'area' };

const areaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['areas'];

  app.get('/tree', { schema: { tags, summary: 'County → streets → communities, with child counts', response: { 200: AreaTree } } }, async () =>
    buildAreaTree(await app.areas.treeRows()),
  );

  app.get('/search', {
    schema: {
      tags, summary: 'Find areas by name (substring) or code (prefix)',
      querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 50 }), limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }) }),
      response: { 200: Type.Array(AreaSearchHit), ...errors },
    },
  }, async (req) => app.areas.search(req.query.q.trim(), req.query.limit));

  app.get('/at', {
    schema: {
      tags, summary: 'Areas containing a point, county first',
      querystring: Type.Object({ lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) }),
      response: { 200: Type.Array(AreaSummary), ...errors },
    },
  }, async (req) => app.areas.atPoint(req.query.lon, req.query.lat));

  app.get('/by-code/:code', {
    schema: {
      tags, summary: 'One area by its hierarchical code, with its parent chain',
      params: Type.Object({ code: Type.String({ pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15})$' }) }),
      response: { 200: AreaDetail, ...errors },
    },
  }, async (req) => {
    const area = await app.areas.byCode(req.params.code);
    if (!area) throw notFound(AREA);
    return area;
  });

  app.get('/:id', { schema: { tags, summary: 'One area by id, with its parent chain and area in m²', params: IdParams, response: { 200: AreaDetail, ...errors } } }, async (req) => {
    const area = await app.areas.byId(req.params.id);
    if (!area) throw notFound(AREA);
    return area;
  });

  app.get('/:id/children', { schema: { tags, summary: 'Direct children of an area', params: IdParams, response: { 200: Type.Array(AreaSummary), ...errors } } }, async (req) => {
    if (!(await app.areas.byId(req.params.id))) throw notFound(AREA);
    return app.areas.children(req.params.id);
  });

  app.post('/import', {
    schema: {
      tags, summary: 'Import one level of areas from a GeoJSON FeatureCollection, all or nothing',
      body: AreaImportRequest,
      response: { 201: AreaImportResult, 400: ErrorBody, 409: ErrorBody, 422: ErrorBody },
    },
  }, async (req, reply) => {
    const result = await importAreas(app.db, req.body);
    return reply.status(201).send(result);
  });
};
export default areaRoutes;
