import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { ANY_USER, only } from '../auth/roles';
import {
  HouseholdVisit,
  IndexQuery,
  IndexWeek,
  PublishedWeek,
  SatisfactionSummary,
  Survey,
  SurveyCreate,
  UnitVisits,
  VisitCreate,
  WeekQuery,
} from '../schemas/assessment-ledgers';
import { satisfactionRepository } from '../repositories/satisfaction';
import { createSurvey, createVisit, satisfactionSummary, unitVisits } from '../services/satisfaction';
import { indexWeek, publishedWeeks, publishWeek } from '../services/assessment-index';
import { bulletinDocx, bulletinHtml, bulletinOf, bulletinXlsx } from '../services/assessment-bulletin';
import { actorOf, callerOf } from '../plugins/request-context';
import { ATTACH, errors, ledgerViewerOf, READ_LEDGERS, tags } from './assessment-common';

const WeekParams = Type.Object({ week: Type.String({ format: 'date' }) });
const Page = Type.Object({
  communityId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
const READ_SATISFACTION = {
  access: only('admin', 'commander', 'planner', 'supervisor', 'grid_leader', 'grid_member'),
};
const WRITE_SATISFACTION = { access: only('admin', 'commander', 'supervisor', 'grid_leader') };
const PUBLISH = { access: only('admin', 'commander') };
const BULLETIN = { access: only('admin', 'commander', 'planner', 'supervisor') };

/** Satisfaction and visits, the weekly 创文指数 and its 周通报: docs/ASSESSMENT.md. */
const assessmentWeeklyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const viewerOf = ledgerViewerOf(app);
  const now = () => app.clock.now();

  app.get(
    '/satisfaction',
    {
      config: READ_SATISFACTION,
      schema: {
        tags,
        summary: 'Per community in a week: survey rate vs the 90 % target, households visited',
        querystring: WeekQuery,
        response: { 200: SatisfactionSummary, ...errors },
      },
    },
    async (req) => satisfactionSummary(app.db, actorOf(req).scope, now(), req.query.week),
  );

  app.get(
    '/satisfaction/surveys',
    {
      config: READ_SATISFACTION,
      schema: {
        tags,
        summary: 'Survey results, newest first',
        querystring: Page,
        response: { 200: Type.Array(Survey) },
      },
    },
    async (req) =>
      satisfactionRepository(app.db).surveys(
        actorOf(req).scope,
        { communityId: req.query.communityId },
        req.query.limit,
        req.query.offset,
      ),
  );

  app.post(
    '/satisfaction/surveys',
    {
      config: WRITE_SATISFACTION,
      schema: {
        tags,
        summary: 'Record a survey result of a community',
        body: SurveyCreate,
        response: { 201: Survey, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createSurvey(app.db, app.clock, actorOf(req), req.body)),
  );

  app.get(
    '/household-visits',
    {
      config: READ_SATISFACTION,
      schema: {
        tags,
        summary: 'Household visits (入户), newest first',
        querystring: Page,
        response: { 200: Type.Array(HouseholdVisit) },
      },
    },
    async (req) =>
      satisfactionRepository(app.db).visits(
        actorOf(req).scope,
        { communityId: req.query.communityId },
        req.query.limit,
        req.query.offset,
      ),
  );

  app.post(
    '/household-visits',
    {
      config: WRITE_SATISFACTION,
      schema: {
        tags,
        summary: 'Record household visits in a community',
        body: VisitCreate,
        response: { 201: HouseholdVisit, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createVisit(app.db, app.clock, actorOf(req), req.body)),
  );

  app.get(
    '/unit-visits',
    {
      config: READ_LEDGERS,
      schema: {
        tags,
        summary: "Each unit's contracted grids and whether its staff visited them in the week",
        querystring: WeekQuery,
        response: { 200: UnitVisits, ...errors },
      },
    },
    async (req) => unitVisits(app.db, await viewerOf(req), now(), req.query.week),
  );

  app.get(
    '/assessment-index',
    {
      config: { access: ANY_USER },
      schema: {
        tags,
        summary: 'The 创文指数 of a week (frozen once published) for communities, streets or units',
        querystring: IndexQuery,
        response: { 200: IndexWeek, ...errors },
      },
    },
    async (req) => indexWeek(app.db, callerOf(req), now(), req.query),
  );

  app.get(
    '/assessment-index/weeks',
    {
      config: { access: ANY_USER },
      schema: { tags, summary: 'Published weeks, newest first', response: { 200: Type.Array(PublishedWeek) } },
    },
    async () => publishedWeeks(app.db),
  );

  app.post(
    '/assessment-index/weeks/:week/publish',
    {
      config: PUBLISH,
      schema: {
        tags,
        summary: 'Publish (freeze) a week; a published week is refused (409)',
        params: WeekParams,
        response: { 201: PublishedWeek, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await publishWeek(app.db, now(), actorOf(req).id, req.params.week)),
  );

  for (const format of ['docx', 'xlsx', 'html'] as const) {
    app.get(
      `/assessment-index/weeks/:week/bulletin.${format}`,
      {
        config: BULLETIN,
        schema: {
          tags,
          summary: `The 周通报 of a published week as .${format}`,
          params: WeekParams,
          response: { ...errors },
        },
      },
      async (req, res) => {
        const reply = res as FastifyReply; // a file, not the JSON of a schema
        const b = await bulletinOf(app.db, callerOf(req), now(), req.params.week);
        const name = `创文周通报${b.number}`;
        if (format === 'html') return reply.type('text/html; charset=utf-8').send(bulletinHtml(b));
        if (format === 'docx')
          return reply
            .type('application/vnd.openxmlformats-officedocument.wordprocessingml.document')
            .header('Content-Disposition', ATTACH(`${name}.docx`))
            .send(await bulletinDocx(b));
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('Content-Disposition', ATTACH(`${name}.xlsx`))
          .send(await bulletinXlsx(b));
      },
    );
  }
};
export default assessmentWeeklyRoutes;
