import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { ANY_USER, PUBLIC } from '../auth/roles';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from '../auth/passwords';
import { AppError } from '../errors';
import { accountsRepository, SESSION_MAX_MS, type SessionUser } from '../repositories/accounts';
import { LoginRequest, PasswordChange, SessionInfo } from '../schemas/auth';
import { ErrorBody } from '../schemas/common';
import { audit } from '../plugins/auth';
import { retryAfterSeconds } from '../auth/login-throttle';

const tags = ['auth'];
// A login or password change is a few hundred bytes: a large body is refused before it is parsed.
const SMALL_BODY = 4 * 1024;
const BAD_LOGIN = new AppError(401, 'BadCredentials', { zh: '用户名或密码错误', en: 'wrong username or password' });

const authRoutes: FastifyPluginAsyncTypebox<{ loginRateLimit: number }> = async (app, opts) => {
  const failures = app.loginFailures;
  const me = async (
    user: Pick<SessionUser, 'id' | 'username' | 'displayName' | 'role' | 'scope' | 'mustChangePassword'>,
  ) => ({
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    mustChangePassword: user.mustChangePassword,
    scope: user.scope === null ? null : await app.areas.summariesByCode(user.scope),
  });

  // OWASP ASVS 2.2.1: throttled per name and address, never locked for everyone (decision 12).
  // Unknown names, wrong passwords and inactive accounts get the same 401 after the same argon2
  // work; a throttled name gets the same 429 whether it exists or not.
  app.post(
    '/login',
    {
      config: { access: PUBLIC, rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
      bodyLimit: SMALL_BODY,
      schema: {
        tags,
        summary: 'Log in: sets an httpOnly session cookie and returns the CSRF token',
        body: LoginRequest,
        response: { 200: SessionInfo, 401: ErrorBody, 413: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const action = 'login';
      const now = app.clock.now();
      const wait = await failures.notBefore(username, req.ip, now);
      if (wait) {
        await audit(app, req, { action, username, outcome: 'denied', status: 429, detail: { reason: 'throttled' } });
        throw throttled(reply, wait, now);
      }
      const user = await app.accounts.byUsername(username);
      // same work as a real check when the name is unknown: timing reveals nothing
      const right = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
      if (!user || !right || !user.active) {
        await failures.recordFailure(username, req.ip, now);
        const reason = !user ? 'unknown user' : !right ? 'wrong password' : 'inactive';
        await audit(app, req, { action, username, outcome: 'denied', status: 401, detail: { reason } });
        throw BAD_LOGIN;
      }
      await failures.clear(username, req.ip);
      // Session fixation: whatever session the browser presented is dropped; a new id is issued.
      if (req.user) await app.accounts.deleteSession(req.user.sessionHash);
      const { token, csrf } = await app.accounts.createSession(user.id, req.ip, req.headers['user-agent']);
      app.authCookies.setSessionCookie(reply, token, SESSION_MAX_MS);
      req.user = await app.accounts.sessionUser(token);
      await audit(app, req, { action, outcome: 'ok', status: 200 });
      return { user: await me(req.user!), csrfToken: csrf };
    },
  );

  app.post(
    '/logout',
    {
      config: { access: ANY_USER },
      schema: { tags, summary: 'End this session', response: { 204: { type: 'null' } } },
    },
    async (req, reply) => {
      await app.accounts.deleteSession(req.user!.sessionHash);
      app.authCookies.clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      config: { access: ANY_USER },
      schema: { tags, summary: 'Who is logged in, with their scope', response: { 200: SessionInfo, 401: ErrorBody } },
    },
    async (req) => ({
      user: await me(req.user!),
      csrfToken: req.user!.csrfToken,
    }),
  );

  // Guesses of the current password count into the login throttle (an open session must not
  // become an unlimited password oracle); the new password must differ from the current one.
  app.post(
    '/password',
    {
      config: { access: ANY_USER, rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
      bodyLimit: SMALL_BODY,
      schema: {
        tags,
        summary: 'Change my password (other sessions are ended)',
        body: PasswordChange,
        response: {
          204: { type: 'null' },
          400: ErrorBody,
          401: ErrorBody,
          413: ErrorBody,
          422: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const user = (await app.accounts.byId(req.user!.id))!;
      const now = app.clock.now();
      const wait = await failures.notBefore(user.username, req.ip, now);
      if (wait) throw throttled(reply, wait, now);
      if (!(await verifyPassword(user.passwordHash, req.body.current))) {
        await failures.recordFailure(user.username, req.ip, now);
        throw new AppError(422, 'WrongPassword', { zh: '当前密码不正确', en: 'the current password is wrong' }, [
          { field: 'current', reason: { zh: '当前密码不正确', en: 'wrong password' } },
        ]);
      }
      await failures.clear(user.username, req.ip);
      if (req.body.next === req.body.current) {
        const same = {
          zh: '新密码（next）不能与当前密码相同',
          en: 'the new password (next) must differ from the current one',
        };
        throw new AppError(400, 'SamePassword', same, [{ field: 'next', reason: same }]);
      }
      const problem = passwordProblem(req.body.next);
      if (problem) throw new AppError(422, 'WeakPassword', problem, [{ field: 'next', reason: problem }]);
      const hash = await hashPassword(req.body.next);
      await app.db.transaction(async (tx) => {
        const accounts = accountsRepository(tx);
        await accounts.setPassword(user.id, hash, false);
        await accounts.deleteSessionsOf(user.id, req.user!.sessionHash);
      });
      return reply.status(204).send(null);
    },
  );
};

/** The same 429 for every name, existing or not: how long until this address may try it again. */
function throttled(reply: FastifyReply, until: Date, now: Date) {
  const s = retryAfterSeconds(until, now);
  reply.header('retry-after', String(s));
  return new AppError(429, 'LoginThrottled', {
    zh: `登录失败次数过多，请 ${s} 秒后再试`,
    en: `too many failed attempts: try again in ${s} s`,
  });
}
export default authRoutes;
