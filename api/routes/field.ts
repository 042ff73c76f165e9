import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ANY_USER } from '../auth/roles';
import { ErrorBody } from '../schemas/common';
import { PatrolCoverage, PatrolCoverageQuery } from '../schemas/field';
import { patrolCoverage } from '../services/field';
import { nowOf, scopeOf } from '../plugins/request-context';

/** The field workspace's reads (issue 14). Prefix /api/field. */
const fieldRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/coverage',
    {
      config: { access: ANY_USER },
      schema: {
        tags: ['patrols'],
        summary:
          'Patrol coverage of the grids in the caller’s scope (default: this week): visits, track length and the share of each grid within 50 m of a track',
        querystring: PatrolCoverageQuery,
        response: { 200: PatrolCoverage, 400: ErrorBody },
      },
    },
    async (req) => patrolCoverage(app.db, scopeOf(req), req.query, nowOf(app)),
  );
};
export default fieldRoutes;
