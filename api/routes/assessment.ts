import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANY_USER, only } from '../auth/roles';
import { notFound } from '../errors';
import { ErrorBody } from '../schemas/common';
import {
  InspectionPoint,
  PointCreate,
  PointDetail,
  PointListQuery,
  PointPatch,
  PointType,
  RoundCreate,
  RoundDetail,
  RoundSummary,
  Scheme,
  SchemeInput,
  ScoreInput,
  ScoreResult,
} from '../schemas/assessment';
import { assessmentRepository } from '../repositories/assessment';
import { createPoint, deletePoint, patchPoint, pointDetail, POINT } from '../services/inspection-points';
import {
  createRound,
  createScheme,
  editScheme,
  retireScheme,
  roundDetail,
  ROUND,
  SCHEME,
  scorePoint,
} from '../services/assessment';
import { actorOf } from '../plugins/request-context';
import { importPoints } from '../services/points-import';
import { ContractingImportRequest } from '../schemas/contracting';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
const ScoreParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
  pointId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
});
const Page = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const tags = ['assessment'];
// the supervision side records points and rounds (DOMAIN.md: 督查组 record inspections of points)
const INSPECT = { access: only('admin', 'commander', 'supervisor') };
const ADMIN = { access: only('admin') };
const READ_ROUNDS = { access: only('admin', 'commander', 'planner', 'supervisor') };

/** Inspection points (点位), assessment schemes (测评体系), rounds (督查/测评轮次): docs/ASSESSMENT.md. */
const assessmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const repo = assessmentRepository(app.db);
  const user = actorOf;

  app.get(
    '/point-types',
    {
      config: { access: ANY_USER },
      schema: { tags, summary: '点位 types (data)', response: { 200: Type.Array(PointType) } },
    },
    async () => repo.pointTypes(),
  );

  app.get(
    '/points',
    {
      config: { access: ANY_USER },
      schema: {
        tags,
        summary: "Points in the caller's scope with their latest score",
        querystring: PointListQuery,
        response: { 200: Type.Array(InspectionPoint) },
      },
    },
    async (req) => repo.points(user(req).scope, req.query.typeCode ?? null, req.query.limit, req.query.offset),
  );

  app.get(
    '/points/:id',
    {
      config: { access: ANY_USER },
      schema: {
        tags,
        summary: 'One point with its rounds and findings (and the problems they became)',
        params: IdParams,
        response: { 200: PointDetail, ...errors },
      },
    },
    async (req) => (await pointDetail(app.db, req.params.id, user(req).scope)) ?? Promise.reject(notFound(POINT)),
  );

  app.post(
    '/points',
    {
      config: INSPECT,
      schema: {
        tags,
        summary: 'Add a point (Point or Polygon), routed now',
        body: PointCreate,
        response: { 201: PointDetail, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createPoint(app.db, app.clock, user(req), req.body)),
  );

  app.post(
    '/points/import',
    {
      config: INSPECT,
      bodyLimit: 64 * 1024 * 1024, // workbooks, base64 in JSON, like the contracting import
      schema: {
        tags,
        summary: 'Import points from .xlsx/.csv (编码, 名称, 类型, 地址, 经度, 纬度), all or nothing; per-row errors',
        body: ContractingImportRequest,
        response: {
          201: Type.Object({ created: Type.Integer(), ids: Type.Array(Type.Integer()) }),
          ...errors,
          413: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const files = req.body.files.map((f) => ({
        name: f.name,
        content: new Uint8Array(Buffer.from(f.content, 'base64')),
      }));
      return reply.status(201).send(await importPoints(app.db, app.clock, user(req), files));
    },
  );

  app.patch(
    '/points/:id',
    {
      config: INSPECT,
      schema: {
        tags,
        summary: 'Edit a point; routed again',
        params: IdParams,
        body: PointPatch,
        response: { 200: PointDetail, ...errors },
      },
    },
    async (req) =>
      (await patchPoint(app.db, app.clock, user(req), req.params.id, req.body)) ?? Promise.reject(notFound(POINT)),
  );

  app.delete(
    '/points/:id',
    {
      config: INSPECT,
      schema: {
        tags,
        summary: 'Delete a point no round used',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) =>
      (await deletePoint(app.db, user(req), req.params.id))
        ? reply.status(204).send(null)
        : Promise.reject(notFound(POINT)),
  );

  app.get(
    '/assessment-schemes',
    {
      config: { access: ANY_USER },
      schema: { tags, summary: '测评体系 versions with their items', response: { 200: Type.Array(Scheme) } },
    },
    async () => repo.schemes(),
  );

  app.get(
    '/assessment-schemes/:id',
    {
      config: { access: ANY_USER },
      schema: { tags, summary: 'One scheme version', params: IdParams, response: { 200: Scheme, ...errors } },
    },
    async (req) => (await repo.scheme(req.params.id)) ?? Promise.reject(notFound(SCHEME)),
  );

  app.post(
    '/assessment-schemes',
    {
      config: ADMIN,
      schema: { tags, summary: 'A new scheme (version 1)', body: SchemeInput, response: { 201: Scheme, ...errors } },
    },
    async (req, reply) => reply.status(201).send(await createScheme(app.db, app.clock, user(req).id, req.body)),
  );

  app.put(
    '/assessment-schemes/:id',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Edit a version: in place while unused (200), else the next version (201)',
        params: IdParams,
        body: SchemeInput,
        response: { 200: Scheme, 201: Scheme, ...errors },
      },
    },
    async (req, reply) => {
      const r = await editScheme(app.db, app.clock, user(req).id, req.params.id, req.body);
      if (!r) throw notFound(SCHEME);
      return reply.status(r.created ? 201 : 200).send(r.scheme);
    },
  );

  app.post(
    '/assessment-schemes/:id/retire',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Retire a version: no new round may start on it',
        params: IdParams,
        response: { 200: Scheme, ...errors },
      },
    },
    async (req) => (await retireScheme(app.db, app.clock, req.params.id)) ?? Promise.reject(notFound(SCHEME)),
  );

  app.get(
    '/assessment-rounds',
    {
      config: READ_ROUNDS,
      schema: {
        tags,
        summary: "Rounds, newest first (point counts in the caller's scope)",
        querystring: Page,
        response: { 200: Type.Array(RoundSummary) },
      },
    },
    async (req) => repo.rounds(user(req).scope, req.query.limit, req.query.offset),
  );

  app.get(
    '/assessment-rounds/:id',
    {
      config: READ_ROUNDS,
      schema: {
        tags,
        summary: 'A round: its points in scope, the roll-up and the targets in force on its day',
        params: IdParams,
        response: { 200: RoundDetail, ...errors },
      },
    },
    async (req) => (await roundDetail(app.db, req.params.id, user(req).scope)) ?? Promise.reject(notFound(ROUND)),
  );

  app.post(
    '/assessment-rounds',
    {
      config: INSPECT,
      schema: {
        tags,
        summary: 'Start a round on a day for a scheme version and points',
        body: RoundCreate,
        response: { 201: RoundDetail, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createRound(app.db, app.clock, user(req), req.body)),
  );

  app.post(
    '/assessment-rounds/:id/points/:pointId/scores',
    {
      config: INSPECT,
      schema: {
        tags,
        summary: 'Score items of a point; findings may become problems',
        params: ScoreParams,
        body: ScoreInput,
        response: { 201: ScoreResult, ...errors },
      },
    },
    async (req, reply) => {
      const r = await scorePoint(app.db, app.clock, user(req), req.params.id, req.params.pointId, req.body);
      if (!r) throw notFound({ zh: '该轮次中的点位', en: 'point in this round' });
      return reply.status(201).send(r);
    },
  );
};
export default assessmentRoutes;
