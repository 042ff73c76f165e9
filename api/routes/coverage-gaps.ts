import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANY_USER, only } from '../auth/roles';
import { ErrorBody } from '../schemas/common';
import {
  CoverageGaps,
  CoverageGapsQuery,
  HotspotsQuery,
  HotspotsResult,
  Patrol,
  PatrolCreate,
  PatrolsQuery,
} from '../schemas/figures';
import { coverageGaps } from '../services/coverage';
import { hotspots } from '../services/hotspots';
import { listPatrols, logPatrol } from '../services/patrols';
import { periodOf } from '../services/figures';
import { callerOf, nowOf, scopeOf } from '../plugins/request-context';

const READ = { access: ANY_USER };

/** Coverage gaps, hotspots and the patrol log. Prefix /api. */
export const coverageGapRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/coverage/gaps',
    {
      config: READ,
      schema: {
        tags: ['coverage'],
        summary:
          'Area not covered by any grid (geometry + m²), overlapping grids, grids without lead unit or leader, grids not patrolled in N days, problems outside every grid',
        querystring: CoverageGapsQuery,
        response: { 200: CoverageGaps, 400: ErrorBody },
      },
    },
    async (req) =>
      coverageGaps(
        app.db,
        { at: req.query.at ? new Date(req.query.at) : nowOf(app), minM2: req.query.minM2, days: req.query.days },
        callerOf(req),
      ),
  );

  app.get(
    '/hotspots',
    {
      config: READ,
      schema: {
        tags: ['figures'],
        summary: 'Clusters of one category that keep coming back (ST_ClusterDBSCAN, eps in metres) over a period',
        querystring: HotspotsQuery,
        response: { 200: HotspotsResult, 400: ErrorBody },
      },
    },
    async (req) => {
      const q = req.query;
      const { from, to } = periodOf(q, nowOf(app));
      return hotspots(
        app.db,
        {
          from,
          to,
          category: q.category ?? null,
          epsM: q.epsM,
          minPoints: q.minPoints,
          within: q.within ?? null,
          limit: q.limit,
        },
        callerOf(req),
      );
    },
  );

  app.get(
    '/patrols',
    {
      config: READ,
      schema: {
        tags: ['patrols'],
        summary: 'Patrol visits (网格巡查) in the caller’s scope, newest first',
        querystring: PatrolsQuery,
        response: { 200: Type.Array(Patrol), 400: ErrorBody },
      },
    },
    async (req) => listPatrols(app.db, req.query, scopeOf(req)),
  );

  app.post(
    '/patrols',
    {
      config: { access: only('admin', 'supervisor', 'unit_staff', 'grid_leader', 'grid_member'), idempotent: true },
      schema: {
        tags: ['patrols'],
        summary: 'Log a patrol visit of a grid: when, who, optional GPS track (must pass within 300 m of the grid)',
        body: PatrolCreate,
        response: { 201: Patrol, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      const made = await logPatrol(
        app.db,
        req.body,
        { id: req.user!.id, scope: scopeOf(req), role: req.user!.role },
        nowOf(app),
      );
      reply.status(201);
      return made; // returned, not sent: an Idempotency-Key stores it with the write
    },
  );
};
