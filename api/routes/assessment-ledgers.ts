import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { only } from '../auth/roles';
import { notFound } from '../errors';
import {
  LedgerCreate,
  LedgerDetail,
  LedgerItem,
  LedgerListQuery,
  LedgerRates,
  LedgerReview,
  LedgerSubmit,
} from '../schemas/assessment-ledgers';
import { ledgersRepository } from '../repositories/ledgers';
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
import { actorOf } from '../plugins/request-context';
import { ATTACH, errors, IdParams, ledgerViewerOf, READ_LEDGERS, tags } from './assessment-common';

const WRITE_LEDGERS = { access: only('admin', 'commander', 'planner') };
const SUBMIT = { access: only('admin', 'unit_staff') };
const REVIEW = { access: only('admin', 'commander', 'planner', 'supervisor') };

/** Ledgers (台账申报): items, submissions with their files, review (docs/ASSESSMENT.md). The
 * weekly routes (satisfaction, index, bulletin) are in assessment-weekly.ts. */
const assessmentLedgerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const viewerOf = ledgerViewerOf(app);
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
};
export default assessmentLedgerRoutes;
