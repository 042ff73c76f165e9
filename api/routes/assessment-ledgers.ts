import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ANY_USER, only } from '../auth/roles';
import { notFound } from '../errors';
import { ErrorBody } from '../schemas/common';
import {
  HouseholdVisit,
  IndexQuery,
  IndexWeek,
  LedgerCreate,
  LedgerDetail,
  LedgerItem,
  LedgerListQuery,
  LedgerRates,
  LedgerReview,
  LedgerSubmit,
  PublishedWeek,
  SatisfactionSummary,
  Survey,
  SurveyCreate,
  UnitVisits,
  VisitCreate,
  WeekQuery,
} from '../schemas/assessment-ledgers';
import { ledgersRepository, type LedgerViewer } from '../repositories/ledgers';
import { satisfactionRepository } from '../repositories/satisfaction';
import {
  createLedger,
  ledgerDetail,
  ledgerMime,
  ledgerRates,
  LEDGER,
  reviewLedger,
  submitLedger,
} from '../services/ledgers';
import { MAX_LEDGER_FILE_BYTES, MAX_LEDGER_FILES } from '../domain/ledgers';
import { createSurvey, createVisit, satisfactionSummary, unitVisits } from '../services/satisfaction';
import { indexWeek, publishedWeeks, publishWeek } from '../services/assessment-index';
import { bulletinDocx, bulletinHtml, bulletinOf, bulletinXlsx } from '../services/assessment-bulletin';
import { unitOf } from '../services/problem-views';
import { actorOf, callerOf } from '../plugins/request-context';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
const WeekParams = Type.Object({ week: Type.String({ format: 'date' }) });
const Page = Type.Object({
  communityId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
};
const tags = ['assessment'];
// a ledger is the unit's to declare and the 创建办 / supervision side's to review (docs/ASSESSMENT.md)
const READ_LEDGERS = { access: only('admin', 'commander', 'planner', 'supervisor', 'unit_staff') };
const WRITE_LEDGERS = { access: only('admin', 'commander', 'planner') };
const SUBMIT = { access: only('admin', 'unit_staff') };
const REVIEW = { access: only('admin', 'commander', 'planner', 'supervisor') };
const READ_SATISFACTION = {
  access: only('admin', 'commander', 'planner', 'supervisor', 'grid_leader', 'grid_member'),
};
const WRITE_SATISFACTION = { access: only('admin', 'commander', 'supervisor', 'grid_leader') };
const PUBLISH = { access: only('admin', 'commander') };
const BULLETIN = { access: only('admin', 'commander', 'planner', 'supervisor') };
const ATTACH = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** Ledgers (台账申报), satisfaction and visits, the weekly 创文指数 and its 周通报: docs/ASSESSMENT.md. */
const assessmentLedgerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const viewerOf = async (req: FastifyRequest): Promise<LedgerViewer> => {
    const a = actorOf(req);
    return { scope: a.scope, role: a.role, unitId: await unitOf(app.db, a) };
  };
  const now = () => app.clock.now();

  app.get(
    '/ledgers',
    {
      config: READ_LEDGERS,
      schema: {
        tags,
        summary: 'Ledger items the caller may see',
        querystring: LedgerListQuery,
        response: { 200: Type.Array(LedgerItem) },
      },
    },
    async (req) =>
      ledgersRepository(app.db).list(await viewerOf(req), now(), req.query, req.query.limit, req.query.offset),
  );

  app.get(
    '/ledgers/rates',
    {
      config: READ_LEDGERS,
      schema: {
        tags,
        summary: 'Pass rate per unit and overall at a day (items due by then, passed by then)',
        querystring: Type.Object({ day: Type.Optional(Type.String({ format: 'date' })) }),
        response: { 200: LedgerRates },
      },
    },
    async (req) => ledgerRates(app.db, await viewerOf(req), now(), req.query.day),
  );

  app.get(
    '/ledgers/:id',
    {
      config: READ_LEDGERS,
      schema: {
        tags,
        summary: 'A ledger item with its review history',
        params: IdParams,
        response: { 200: LedgerDetail, ...errors },
      },
    },
    async (req) =>
      (await ledgerDetail(app.db, req.params.id, await viewerOf(req), now())) ?? Promise.reject(notFound(LEDGER)),
  );

  app.post(
    '/ledgers',
    {
      config: WRITE_LEDGERS,
      schema: {
        tags,
        summary: 'A ledger item required of a unit',
        body: LedgerCreate,
        response: { 201: LedgerDetail, ...errors },
      },
    },
    async (req, reply) => {
      const id = await createLedger(app.db, app.clock, actorOf(req).id, req.body);
      return reply.status(201).send((await ledgerDetail(app.db, id, await viewerOf(req), now()))!);
    },
  );

  app.post(
    '/ledgers/:id/submissions',
    {
      config: SUBMIT,
      bodyLimit: Math.ceil((MAX_LEDGER_FILES * MAX_LEDGER_FILE_BYTES * 4) / 3) + 1024 * 1024,
      schema: {
        tags,
        summary: 'Submit (or resubmit after a return) the files of a ledger item',
        params: IdParams,
        body: LedgerSubmit,
        response: { 201: LedgerDetail, ...errors },
      },
    },
    async (req, reply) => {
      const r = await submitLedger(
        app.db,
        app.clock,
        { id: actorOf(req).id, viewer: await viewerOf(req) },
        req.params.id,
        req.body,
      );
      return r ? reply.status(201).send(r) : Promise.reject(notFound(LEDGER));
    },
  );

  app.post(
    '/ledgers/:id/review',
    {
      config: REVIEW,
      schema: {
        tags,
        summary: 'Pass the latest submission, or return it with a reason',
        params: IdParams,
        body: LedgerReview,
        response: { 200: LedgerDetail, ...errors },
      },
    },
    async (req) =>
      (await reviewLedger(
        app.db,
        app.clock,
        { id: actorOf(req).id, viewer: await viewerOf(req) },
        req.params.id,
        req.body,
      )) ?? Promise.reject(notFound(LEDGER)),
  );

  app.get(
    '/ledger-files/:id',
    { config: READ_LEDGERS, schema: { tags, summary: 'A submitted file', params: IdParams, response: { ...errors } } },
    async (req, reply) => {
      const f = await ledgersRepository(app.db).file(req.params.id, await viewerOf(req));
      if (!f) throw notFound({ zh: '该台账文件', en: 'ledger file' });
      return (reply as FastifyReply)
        .type(ledgerMime(f.kind))
        .header('Content-Disposition', ATTACH(f.name))
        .header('X-Content-Type-Options', 'nosniff')
        .send(Buffer.from(f.bytes));
    },
  );

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
export default assessmentLedgerRoutes;
