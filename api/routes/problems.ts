import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ANY_USER, only } from '../auth/roles';
import { notFound } from '../errors';
import { audit, auditWithin } from '../plugins/auth';
import { BigId, ErrorBody } from '../schemas/common';
import {
  NearbyProblem,
  ProblemActionBody,
  ProblemActionSchema,
  ProblemDetail,
  ProblemList,
  ProblemListQuery,
  ProblemReport,
  Queue,
} from '../schemas/problems';
import {
  listProblems,
  nearbyOpenProblems,
  problemDetail,
  queueFor,
  reportProblem,
  transitionProblem,
  viewerOf,
} from '../services/problems';
import { PHOTO_BODY_LIMIT } from '../services/photos';
import { actorOf } from '../plugins/request-context';

// problem ids are yyyymm × 10¹⁰ + n (migration 025): beyond int4
const IdParams = Type.Object({ id: BigId() });
const PROBLEM = { zh: '该问题', en: 'problem' };
const tags = ['problems'];
const READ = { access: ANY_USER };
// Every role but the planner takes some action; which one is the machine's business (403 there).
const ACT = {
  access: only('admin', 'commander', 'supervisor', 'unit_staff', 'grid_leader', 'grid_member'),
  idempotent: true, // a phone's retry with its Idempotency-Key never reports or steps twice
};
const writeErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

/** Problems: report, list, nearby (possible duplicates), queue, one with its timeline, actions. */
const problemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** Out of reach is the same answer as absent (404); an attempt on an existing one is audited. */
  const absent = async (req: FastifyRequest, exists: boolean, what = PROBLEM) => {
    if (exists)
      await audit(app, req, {
        action: `${req.method} ${req.routeOptions.url}`,
        target: req.url,
        outcome: 'denied',
        status: 404,
        detail: { reason: 'out of scope' },
      });
    return notFound(what);
  };

  app.post(
    '',
    {
      config: ACT,
      bodyLimit: PHOTO_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Report a problem at a point: routed at once to its grid, community, street, leader and units',
        body: ProblemReport,
        response: { 201: ProblemDetail, ...writeErrors },
      },
    },
    async (req, reply) => {
      // the audit row is written inside the report's transaction (plugins/auth.ts auditWithin)
      const inTx = auditWithin(app, req, 201);
      const made = await reportProblem(app.db, app.clock, actorOf(req), req.body, inTx).catch((err: unknown) => {
        inTx.undo();
        throw err;
      });
      reply.status(201);
      return made; // returned, not sent: an Idempotency-Key stores it with the write (plugins/idempotency.ts)
    },
  );

  app.get(
    '/nearby',
    {
      config: READ,
      schema: {
        tags,
        summary: 'Open problems near a point (of a category): possible duplicates before saving a report',
        querystring: Type.Object({
          lon: Type.Number({ minimum: -180, maximum: 180 }),
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          categoryId: Type.Optional(Type.Integer({ minimum: 1 })),
          radiusM: Type.Number({ minimum: 1, maximum: 2000, default: 100 }),
        }),
        response: { 200: Type.Array(NearbyProblem), 400: ErrorBody },
      },
    },
    async (req) => {
      const q = req.query;
      return nearbyOpenProblems(
        app.db,
        await viewerOf(app.db, actorOf(req)),
        q.lon,
        q.lat,
        q.categoryId ?? null,
        q.radiusM,
        app.clock.now(),
      );
    },
  );

  app.get(
    '',
    {
      config: READ,
      schema: {
        tags,
        summary: "Problems in the caller's reach, filtered and paged",
        querystring: ProblemListQuery,
        response: { 200: ProblemList, 400: ErrorBody },
      },
    },
    async (req) => {
      const q = req.query;
      const filter = {
        states: q.state ?? null,
        categoryId: q.categoryId ?? null,
        categoryCode: q.category ?? null,
        sources: q.source ?? null,
        from: q.from ? new Date(q.from) : null,
        to: q.to ? new Date(q.to) : null,
        areaCode: q.area ?? null,
        overdue: q.overdue ?? null,
        urgent: q.urgent ?? null,
        q: q.q ?? null,
      };
      return listProblems(
        app.db,
        await viewerOf(app.db, actorOf(req)),
        filter,
        { limit: q.limit, offset: q.offset, sort: q.sort ?? 'reported_desc' },
        app.clock.now(),
      );
    },
  );

  app.get(
    '/queue',
    {
      config: READ,
      schema: {
        tags,
        summary: 'What waits for me (by role), each part sorted by deadline, and what is overdue',
        response: { 200: Queue },
      },
    },
    async (req) => queueFor(app.db, actorOf(req), app.clock.now()),
  );

  app.get(
    '/:id',
    {
      config: READ,
      schema: {
        tags,
        summary:
          'One problem with its routing, timeline (events and photos), notices and the actions open to the caller',
        params: IdParams,
        response: { 200: ProblemDetail, 404: ErrorBody },
      },
    },
    async (req) => {
      const detail = await problemDetail(app.db, req.params.id, await viewerOf(app.db, actorOf(req)), app.clock.now());
      if (!detail) throw await absent(req, await app.problems.exists(req.params.id));
      return detail;
    },
  );

  app.post(
    '/:id/actions/:action',
    {
      config: ACT,
      bodyLimit: PHOTO_BODY_LIMIT,
      schema: {
        tags,
        summary:
          'Take one step of the loop (docs/PROBLEMS.md): 409 IllegalTransition lists the allowed actions, 409 StaleVersion when someone else wrote first',
        params: Type.Object({ id: BigId(), action: ProblemActionSchema }),
        body: ProblemActionBody,
        response: { 200: ProblemDetail, ...writeErrors },
      },
    },
    async (req) => {
      const inTx = auditWithin(app, req, 200);
      const detail = await transitionProblem(
        app.db,
        app.clock,
        actorOf(req),
        req.params.id,
        req.params.action,
        req.body,
        inTx,
      ).catch((err: unknown) => {
        inTx.undo();
        throw err;
      });
      if (!detail) throw await absent(req, await app.problems.exists(req.params.id));
      return detail;
    },
  );
};
export default problemRoutes;
