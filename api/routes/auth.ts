import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ANY_USER, PUBLIC } from '../auth/roles';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from '../auth/passwords';
import { AppError } from '../errors';
import { SESSION_MAX_MS, type SessionUser } from '../repositories/accounts';
import { LoginRequest, PasswordChange, SessionInfo } from '../schemas/auth';
import { ErrorBody } from '../schemas/common';
import { audit } from '../plugins/auth';

const tags = ['auth'];
const BAD_LOGIN = new AppError(401, 'BadCredentials', { zh: '用户名或密码错误', en: 'wrong username or password' });

const authRoutes: FastifyPluginAsyncTypebox<{ loginRateLimit: number }> = async (app, opts) => {
  const me = async (user: Pick<SessionUser, 'id' | 'username' | 'displayName' | 'role' | 'scope' | 'mustChangePassword'>) => ({
    id: user.id, username: user.username, displayName: user.displayName, role: user.role, mustChangePassword: user.mustChangePassword,
    scope: user.scope === null ? null : await app.areas.summariesByCode(user.scope),
  });

  app.post('/login', {
    config: { access: PUBLIC, rateLimit: { max: opts.loginRateLimit, timeWindow: '1 minute' } },
    schema: { tags, summary: 'Log in: sets an httpOnly session cookie and returns the CSRF token', body: LoginRequest, response: { 200: SessionInfo, 401: ErrorBody, 423: ErrorBody, 429: ErrorBody } },
  }, async (req, reply) => {
    const { username, password } = req.body;
    const action = 'login';
    const user = await app.accounts.byUsername(username);
    if (!user) {
      await verifyPassword(await dummyHash(), password); // same work as a real check: timing reveals nothing
      await audit(app, req, { action, username, outcome: 'denied', status: 401, detail: { reason: 'unknown user' } });
      throw BAD_LOGIN;
    }
    if (user.lockedUntil && user.lockedUntil > new Date()) {
      await audit(app, req, { action, username, outcome: 'denied', status: 423, detail: { reason: 'locked' } });
      throw locked(user.lockedUntil);
    }
    if (!(await verifyPassword(user.passwordHash, password)) || !user.active) {
      const lockedUntil = user.active ? await app.accounts.recordFailure(user.id) : null;
      await audit(app, req, { action, username, outcome: 'denied', status: lockedUntil ? 423 : 401, detail: { reason: user.active ? 'wrong password' : 'inactive' } });
      throw lockedUntil ? locked(lockedUntil) : BAD_LOGIN;
    }
    await app.accounts.clearFailures(user.id);
    // Session fixation: whatever session the browser presented is dropped; a new id is issued.
    if (req.user) await app.accounts.deleteSession(req.user.sessionHash);
    const { token, csrf } = await app.accounts.createSession(user.id, req.ip, req.headers['user-agent']);
    app.authCookies.setSessionCookie(reply, token, SESSION_MAX_MS);
    req.user = await app.accounts.sessionUser(token);
    await audit(app, req, { action, outcome: 'ok', status: 200 });
    return { user: await me(req.user!), csrfToken: csrf };
  });

  app.post('/logout', { config: { access: ANY_USER }, schema: { tags, summary: 'End this session', response: { 204: { type: 'null' } } } }, async (req, reply) => {
    await app.accounts.deleteSession(req.user!.sessionHash);
    app.authCookies.clearSessionCookie(reply);
    return reply.status(204).send(null);
  });

  app.get('/me', { config: { access: ANY_USER }, schema: { tags, summary: 'Who is logged in, with their scope', response: { 200: SessionInfo, 401: ErrorBody } } }, async (req) => ({
    user: await me(req.user!),
    csrfToken: req.user!.csrfToken,
  }));

  app.post('/password', {
    config: { access: ANY_USER },
    schema: { tags, summary: 'Change my password (other sessions are ended)', body: PasswordChange, response: { 204: { type: 'null' }, 401: ErrorBody, 422: ErrorBody } },
  }, async (req, reply) => {
    const user = (await app.accounts.byId(req.user!.id))!;
    if (!(await verifyPassword(user.passwordHash, req.body.current))) {
      throw new AppError(422, 'WrongPassword', { zh: '当前密码不正确', en: 'the current password is wrong' }, [{ field: 'current', reason: { zh: '当前密码不正确', en: 'wrong password' } }]);
    }
    const problem = passwordProblem(req.body.next);
    if (problem) throw new AppError(422, 'WeakPassword', problem, [{ field: 'next', reason: problem }]);
    await app.db.transaction(async (tx) => {
      await tx.query(`UPDATE users SET password_hash = $2, must_change_password = false, password_changed_at = now() WHERE id = $1`, [user.id, await hashPassword(req.body.next)]);
      await tx.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2', [user.id, req.user!.sessionHash]);
    });
    return reply.status(204).send(null);
  });
};

function locked(until: Date) {
  const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
  return new AppError(423, 'AccountLocked', {
    zh: `连续登录失败次数过多，账户已锁定，请 ${minutes} 分钟后再试`,
    en: `too many failed logins: the account is locked for ${minutes} more minute(s)`,
  });
}
export default authRoutes;
