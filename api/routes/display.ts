import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { only, PUBLIC } from '../auth/roles';
import { AppError } from '../errors';
import { ErrorBody, Id } from '../schemas/common';
import {
  DisplayExchange,
  DisplaySessionInfo,
  DisplayTokenCreate,
  DisplayTokenIssued,
  DisplayTokenSummary,
} from '../schemas/display';
import { issueDisplayToken, revokeDisplayToken, type AdminActor } from '../services/display-tokens';
import { audit } from '../plugins/auth';
import { nowOf } from '../plugins/request-context';

const tags = ['display'];
const ADMIN = only('admin');
const IdParams = Type.Object({ id: Id() });
const BAD_TOKEN = new AppError(401, 'BadDisplayToken', {
  zh: '大屏令牌无效、已过期或已被撤销，请联系管理员',
  en: 'the display token is unknown, expired or revoked: ask an administrator',
});

/**
 * Display tokens for walls (issue 12, docs/ARCHITECTURE.md "Wall screen"): the admin's list,
 * issue and revoke under /api/display-tokens; the wall's exchange of its token for a read-only
 * display session (a cookie, so EventSource works) at POST /api/display/session.
 */
export const displayTokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const actor = (req: { user: { id: number; username: string } | null; ip: string }): AdminActor => ({
    id: req.user!.id,
    username: req.user!.username,
    ip: req.ip,
  });

  app.get(
    '',
    {
      config: { access: ADMIN },
      schema: {
        tags,
        summary: 'Display tokens (walls) with scope, expiry, state and open sessions',
        response: { 200: Type.Array(DisplayTokenSummary) },
      },
    },
    async () => app.displayTokens.summaries(nowOf(app)),
  );

  app.post(
    '',
    {
      config: { access: ADMIN },
      schema: {
        tags,
        summary: 'Issue a read-only display token for a wall (the token is in this answer only)',
        body: DisplayTokenCreate,
        response: { 201: DisplayTokenIssued, 422: ErrorBody },
      },
    },
    async (req, reply) => {
      req.audited = true; // the service writes the audit row inside its transaction
      return reply.status(201).send(await issueDisplayToken(app.db, req.body, actor(req), nowOf(app)));
    },
  );

  app.post(
    '/:id/revoke',
    {
      config: { access: ADMIN },
      schema: {
        tags,
        summary: 'Revoke a display token: its sessions end, its event streams close within 30 s',
        params: IdParams,
        response: { 200: DisplayTokenSummary, 404: ErrorBody },
      },
    },
    async (req) => {
      req.audited = true;
      return revokeDisplayToken(app.db, req.params.id, actor(req), nowOf(app));
    },
  );
};

export const displaySessionRoutes: FastifyPluginAsyncTypebox<{ exchangesPerMinute: number }> = async (app, opts) => {
  app.post(
    '/session',
    {
      config: { access: PUBLIC, rateLimit: { max: opts.exchangesPerMinute, timeWindow: '1 minute' } },
      bodyLimit: 4 * 1024,
      schema: {
        tags,
        summary: 'A wall exchanges its display token for a read-only display session (httpOnly cookie)',
        body: DisplayExchange,
        response: { 200: DisplaySessionInfo, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const now = nowOf(app);
      const token = await app.displayTokens.liveToken(req.body.token, now);
      const action = 'display-session';
      if (!token) {
        await audit(app, req, { action, outcome: 'denied', status: 401, detail: { reason: 'bad display token' } });
        throw BAD_TOKEN;
      }
      // the browser's person session, if any, ends: this browser is a wall now
      if (req.user && !req.user.display) await app.accounts.deleteSession(req.user.sessionHash);
      const cookie = await app.displayTokens.createSession(token.id, now, req.ip, req.headers['user-agent']);
      const session = (await app.displayTokens.session(cookie, now))!;
      app.authCookies.setSessionCookie(reply, cookie, Date.parse(session.expiresAt) - now.getTime());
      await audit(app, req, {
        action,
        username: `display#${token.id}`,
        target: `display-token:${token.id}`,
        outcome: 'ok',
        status: 200,
      });
      return {
        name: session.name,
        scope: session.scope === null ? null : await app.areas.summariesByCode(session.scope),
        expiresAt: session.expiresAt,
      };
    },
  );
};
