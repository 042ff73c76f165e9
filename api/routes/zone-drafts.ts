import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { only } from '../auth/roles';
import { AppError, langOf } from '../errors';
import { ErrorBody } from '../schemas/common';
import {
  ZoneApply,
  ZoneAutoBalance,
  ZoneBalance,
  ZoneDraft,
  ZoneDraftCreate,
  ZoneDraftEdit,
  ZoneDraftSummary,
  ZoneDraftUpdate,
} from '../schemas/zones';
import { createDraft, deleteDraft, editDraft, getDraft, listDrafts, updateDraft } from '../services/zone-drafts';
import { applyDraft, revertDraft } from '../services/zone-draft-apply';
import { draftBalance } from '../services/zone-draft-balance';
import { exportDraft } from '../services/zone-draft-export';
import { prepareAutoBalance } from '../services/zone-autobalance';
import { ZONE_DRAFT_ROLES } from '../services/zone-events';
import { nowOf, scopeOf } from '../plugins/request-context';

const PLANNERS = { access: only(...ZONE_DRAFT_ROLES) };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const tags = ['zones'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const attachment = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** The zone editor's drafts (调整方案, issue 13, docs/ZONES.md): planners and admins only. */
const zoneDraftRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const author = (req: { user?: { id: number } | null }) => ({ id: req.user!.id });

  app.get(
    '',
    {
      config: PLANNERS,
      schema: {
        tags,
        summary: 'Drafts, newest first (applied ones with who/when)',
        response: { 200: Type.Array(ZoneDraftSummary), ...errors },
      },
    },
    async () => listDrafts(app.db),
  );

  app.post(
    '',
    {
      config: PLANNERS,
      schema: {
        tags,
        summary: 'Start a draft from the assignments in force now',
        body: ZoneDraftCreate,
        response: { 201: ZoneDraft, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await createDraft(app.db, author(req), req.body, nowOf(app))),
  );

  app.get(
    '/:id',
    {
      config: PLANNERS,
      schema: {
        tags,
        summary: 'A draft with its diff (area, before → after)',
        params: IdParams,
        response: { 200: ZoneDraft, ...errors },
      },
    },
    async (req) => getDraft(app.db, req.params.id),
  );

  app.put(
    '/:id',
    {
      config: PLANNERS,
      schema: {
        tags,
        summary: 'Edit a draft (name, notes, changes, locks, weights) at its version',
        params: IdParams,
        body: ZoneDraftUpdate,
        response: { 200: ZoneDraft, ...errors },
      },
    },
    async (req) => updateDraft(app.db, req.params.id, req.body, nowOf(app)),
  );

  app.post(
    '/:id/edits',
    {
      config: PLANNERS,
      schema: {
        tags,
        summary:
          'Give a selection of grids/communities one target (lead unit, support units, grid leader), or reset them',
        params: IdParams,
        body: ZoneDraftEdit,
        response: { 200: ZoneDraft, ...errors },
      },
    },
    async (req) => editDraft(app.db, req.params.id, req.body, nowOf(app)),
  );

  app.delete(
    '/:id',
    {
      config: PLANNERS,
      schema: {
        tags,
        summary: 'Delete a draft that has not been applied',
        params: IdParams,
        querystring: Type.Object({ version: Type.Integer({ minimum: 1 }) }),
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      await deleteDraft(app.db, req.params.id, req.query.version);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/:id/balance',
    {
      config: PLANNERS,
      schema: {
        tags,
        summary: 'Balance table per lead unit, before → after, with the balance index, compactness and parts',
        params: IdParams,
        response: { 200: ZoneBalance, ...errors },
      },
    },
    async (req) => draftBalance(app.db, req.params.id, nowOf(app), scopeOf(req)),
  );

  app.post(
    '/:id/apply',
    {
      config: PLANNERS,
      schema: {
        tags,
        summary: 'Apply at an effective time (default now) in one transaction; 409 naming grids changed since the base',
        params: IdParams,
        body: ZoneApply,
        response: { 200: ZoneDraft, ...errors },
      },
    },
    async (req) => applyDraft(app.db, req.params.id, req.body, author(req), nowOf(app)),
  );

  app.post(
    '/:id/revert',
    {
      config: PLANNERS,
      schema: {
        tags,
        summary: 'A new draft that restores what an applied draft replaced',
        params: IdParams,
        response: { 201: ZoneDraft, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await revertDraft(app.db, req.params.id, author(req), nowOf(app))),
  );

  app.get(
    '/:id/export.xlsx',
    {
      config: PLANNERS,
      schema: { tags, summary: 'The plan (diff and balance table) as a workbook for sign-off', params: IdParams },
    },
    async (req, reply) => {
      const f = await exportDraft(app.db, req.params.id, nowOf(app), scopeOf(req));
      return reply.type(XLSX).header('Content-Disposition', attachment(f.name)).send(f.body);
    },
  );

  app.post(
    '/:id/auto-balance',
    {
      config: PLANNERS,
      schema: {
        tags,
        summary:
          'Auto-balance into a new draft, in a worker thread; answers application/x-ndjson: progress lines, then {type:"done", draft, result} (or {type:"error"})',
        params: IdParams,
        body: ZoneAutoBalance,
      },
    },
    async (req, reply) => {
      const job = await prepareAutoBalance(app.db, req.params.id, req.body, author(req), nowOf(app));
      const lang = langOf(req.headers['accept-language']);
      const out = new PassThrough();
      const line = (o: object) => out.write(`${JSON.stringify(o)}\n`);
      job
        .run((p) => line({ type: 'progress', ...p, index: Number.isFinite(p.index) ? p.index : null }))
        .then(
          (r) => line({ type: 'done', draft: r.draft, result: r.result }),
          (e: unknown) =>
            e instanceof AppError
              ? line({ type: 'error', status: e.status, error: e.code, message: e.msg[lang], details: e.problems })
              : (req.log.error(e),
                line({
                  type: 'error',
                  status: 500,
                  error: 'Internal',
                  message: lang === 'zh' ? '自动均衡失败' : 'auto-balance failed',
                })),
        )
        .finally(() => out.end());
      return reply.type('application/x-ndjson; charset=utf-8').header('Cache-Control', 'no-store').send(out);
    },
  );
};
export default zoneDraftRoutes;
