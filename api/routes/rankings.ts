import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANY_USER, only } from '../auth/roles';
import { langOf } from '../errors';
import { KPIS } from '../domain/kpi';
import { ErrorBody } from '../schemas/common';
import {
  Campaign,
  CampaignProgress,
  CampaignProgressQuery,
  RankingQuery,
  RankingResult,
  RankingScheme,
  RankingSchemeCreate,
} from '../schemas/figures';
import { campaignProgress, listCampaigns } from '../services/campaigns';
import { rankingTable, sendTables } from '../services/figures-export';
import { createSchemeVersion, listSchemes, weeklyRanking } from '../services/rankings';
import { callerOf, nowOf } from '../plugins/request-context';

const READ = { access: ANY_USER };
const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };

/** Weekly rankings with their exports, and the versioned ranking rules. Prefix /api. */
export const rankingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['rankings'];
  app.get(
    '/rankings',
    {
      config: READ,
      schema: {
        tags,
        summary:
          'Weekly ranking of units, communities or streets: score breakdown, rank change, 红黑榜, last place weeks running',
        querystring: RankingQuery,
        response: { 200: RankingResult, ...errors },
      },
    },
    async (req) => weeklyRanking(app.db, req.query, callerOf(req), nowOf(app), langOf(req.headers['accept-language'])),
  );

  for (const format of ['xlsx', 'csv'] as const) {
    app.get(
      `/rankings/export.${format}`,
      {
        config: READ,
        schema: {
          tags,
          summary: `The weekly ranking as ${format === 'xlsx' ? 'an .xlsx workbook' : 'CSV'}, with the period and the definitions in the header`,
          querystring: RankingQuery,
          response: { 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req, reply) => {
        const lang = langOf(req.headers['accept-language']);
        const r = await weeklyRanking(app.db, req.query, callerOf(req), nowOf(app), lang);
        return sendTables(reply, format, `周排名-${r.kind}-${r.weekStart}`, rankingTable(r, KPIS, lang));
      },
    );
  }

  app.get(
    '/ranking-schemes',
    {
      config: READ,
      schema: {
        tags,
        summary: 'Ranking schemes, every version, newest first',
        response: { 200: Type.Array(RankingScheme) },
      },
    },
    async () => listSchemes(app.db),
  );

  app.post(
    '/ranking-schemes',
    {
      config: { access: only('admin') },
      schema: {
        tags,
        summary:
          'A new version of a ranking scheme (weights and rules as data); older weeks keep the version they were scored with',
        body: RankingSchemeCreate,
        response: {
          201: RankingScheme,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          409: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (req, reply) => reply.status(201).send(await createSchemeVersion(app.db, req.body, req.user!.id)),
  );

  app.get(
    '/campaigns',
    {
      config: READ,
      schema: {
        tags: ['campaigns'],
        summary: 'Campaigns (攻坚行动) with their dated targets',
        response: { 200: Type.Array(Campaign) },
      },
    },
    async () => listCampaigns(app.db),
  );

  app.get(
    '/campaigns/:id/progress',
    {
      config: READ,
      schema: {
        tags: ['campaigns'],
        summary: "Every street, community or unit against the campaign's target in force, and who is behind",
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: CampaignProgressQuery,
        response: { 200: CampaignProgress, ...errors },
      },
    },
    async (req) =>
      campaignProgress(
        app.db,
        req.params.id,
        {
          kind: req.query.kind,
          at: req.query.at ? new Date(req.query.at) : nowOf(app),
          indicator: req.query.indicator,
        },
        callerOf(req),
      ),
  );
};
