import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANY_USER, only } from '../auth/roles';
import { notFound } from '../errors';
import { ErrorBody } from '../schemas/common';
import {
  Assignment,
  AssignmentClose,
  AssignmentCreate,
  AssignmentReassign,
  Instant,
  ReassignResult,
  Responsibility,
  ResponsibilityCoverage,
} from '../schemas/contracting';
import { closeAssignment, createAssignment, reassignAssignment } from '../services/assignments';
import { atOf, scopeOf } from '../plugins/request-context';
import { responsibilityCache } from '../services/assignments-responsibility';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const WRITE = { access: only('admin', 'planner') };
const READ = { access: ANY_USER };
const writeErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const tags = ['contracting'];

/** Time-versioned assignments: create, close, reassign; a grid's history; who is responsible. */
const assignmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // per grid, per process, dropped on any change of who is responsible (services/assignments-responsibility.ts)
  const responsibility = responsibilityCache(app.db, app.sessionCache);
  app.addHook('onClose', async () => responsibility.close());
  app.post(
    '/assignments',
    {
      config: WRITE,
      schema: {
        tags,
        summary: 'Assign a unit (lead/support) or a person (leader/member) to a grid or community for a period',
        body: AssignmentCreate,
        response: { 201: Assignment, ...writeErrors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const created = await createAssignment(app.db, {
        areaId: b.areaId,
        role: b.role,
        unitId: b.unitId ?? null,
        personId: b.personId ?? null,
        from: new Date(b.validFrom),
        to: b.validTo ? new Date(b.validTo) : null,
      });
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/assignments/:id/close',
    {
      config: WRITE,
      schema: {
        tags,
        summary: 'End an assignment at an instant (its period becomes [validFrom, at))',
        params: IdParams,
        body: AssignmentClose,
        response: { 200: Assignment, ...writeErrors },
      },
    },
    async (req) => closeAssignment(app.db, req.params.id, new Date(req.body.at)),
  );

  app.post(
    '/assignments/:id/reassign',
    {
      config: WRITE,
      schema: {
        tags,
        summary:
          'In one transaction: end the assignment at `at` and give its area and role to another unit or person from `at`',
        params: IdParams,
        body: AssignmentReassign,
        response: { 200: ReassignResult, ...writeErrors },
      },
    },
    async (req) => reassignAssignment(app.db, req.params.id, new Date(req.body.at), req.body),
  );

  app.get(
    '/grids/:id/assignments',
    {
      config: READ,
      schema: {
        tags,
        summary: 'Full assignment history of a grid or community, newest first',
        params: IdParams,
        response: { 200: Type.Array(Assignment), 404: ErrorBody },
      },
    },
    async (req) => {
      const area = await app.areas.byId(req.params.id, scopeOf(req));
      if (!area || (area.level !== 'grid' && area.level !== 'community')) throw notFound({ zh: '该网格', en: 'grid' });
      return app.assignments.history(area.id);
    },
  );

  app.get(
    '/responsibility',
    {
      config: READ,
      schema: {
        tags,
        summary: 'Who is responsible for a point at an instant (default now): grid, community, street, staff, units',
        querystring: Type.Object({
          lon: Type.Number({ minimum: -180, maximum: 180 }),
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          at: Type.Optional(Instant),
        }),
        response: { 200: Responsibility, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const r = await responsibility.at(req.query.lon, req.query.lat, atOf(req.query, app.clock), scopeOf(req));
      if (!r) throw notFound({ zh: '包含该位置的网格', en: 'grid containing this point' });
      return r;
    },
  );

  app.get(
    '/coverage/responsibility',
    {
      config: READ,
      schema: {
        tags,
        summary: 'Gaps at an instant: grids without a lead unit or leader, units with no grid (city-wide callers)',
        querystring: Type.Object({ at: Type.Optional(Instant) }),
        response: { 200: ResponsibilityCoverage, 400: ErrorBody },
      },
    },
    async (req) => app.assignments.coverage(atOf(req.query, app.clock), scopeOf(req)),
  );
};
export default assignmentRoutes;
