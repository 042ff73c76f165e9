import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type Msg } from '../errors';
import { allows, ROLE_NAMES, type Access } from '../auth/roles';
import type { SessionUser } from '../repositories/accounts';
import { auditRepository, type AuditEntry } from '../repositories/audit';
import type { Queryable } from '../db/types';
import { displayUser } from '../repositories/display-tokens';
import { auditBudget } from '../auth/audit-budget';

export const SESSION_COOKIE = 'wangge_session';
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Routes reachable before a password change that an admin forced.
const PASSWORD_CHANGE_ALLOWED = new Set(['/api/auth/me', '/api/auth/password', '/api/auth/logout']);

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    user: SessionUser | null;
    /** set once the request has its audit record, so the response hook does not add another */
    audited: boolean;
  }
}

const sameToken = (a: unknown, b: string) => {
  if (typeof a !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
};

/** Audit a request from its user and address. */
export async function audit(
  app: FastifyInstance,
  req: FastifyRequest,
  e: Omit<AuditEntry, 'userId' | 'username' | 'ip'> & { username?: string | null },
) {
  req.audited = true;
  await app.audit.append({
    // a wall's display session has no account: its rows name the token (username display#id)
    userId: req.user && !req.user.display ? req.user.id : null,
    username: e.username ?? req.user?.username ?? null,
    ip: req.ip,
    ...e,
  });
}

/** The row a completed write leaves: who, what (method and route, its parameters), outcome. */
const writeEntry = (req: FastifyRequest, status: number) => ({
  action: `${req.method} ${req.routeOptions.url}`,
  target: JSON.stringify(req.params ?? {}),
  outcome: status < 400 ? ('ok' as const) : ('failed' as const),
  status,
});

/**
 * A write's audit row inside the write's own transaction (issue 15): the service calls it last
 * in its transaction (services/problems.ts WriteOptions.audit), so the row commits with the write
 * and no statement follows the answer. Should the write fail after all (the transaction rolls
 * back, the row with it), the route calls `undo` and the response hook audits the failure as for
 * any other write.
 */
export function auditWithin(app: FastifyInstance, req: FastifyRequest, status: number) {
  return {
    audit: async (tx: Queryable) => {
      await auditRepository(tx).append({
        userId: req.user && !req.user.display ? req.user.id : null,
        username: req.user?.username ?? null,
        ip: req.ip,
        ...writeEntry(req, status),
      });
      req.audited = true;
    },
    undo: () => {
      req.audited = false;
    },
  };
}

/**
 * One mechanism for every /api and /tiles route: the route declares its access rule (the app
 * refuses to register a route without one); this hook resolves the session cookie, then refuses
 * with 401 (no or bad session), 403 (role, CSRF, forced password change) and audits the refusal.
 * Data scope is applied in SQL from req.user.scope. Every write is audited when it completes.
 */
export function installAuth(app: FastifyInstance, options: { secureCookies: boolean }) {
  app.decorateRequest('user', null);
  app.decorateRequest('audited', false);
  // Refusals of requests without a session: anyone can cause them, so each address gets a few
  // rows a minute and the rest are counted into its next row (issue 10, finding 9).
  const anonymous = auditBudget({ perWindow: 10, windowMs: 60_000, maxAddresses: 10_000 });
  const auditRefusal = async (req: FastifyRequest, e: Parameters<typeof audit>[2]) => {
    if (req.user) return audit(app, req, e);
    req.audited = true;
    const { write, suppressed } = anonymous.take(req.ip, app.clock.now().getTime());
    if (write) await audit(app, req, suppressed ? { ...e, detail: { ...e.detail, suppressed } } : e);
  };

  const sessionOrDisplay = async (token: string) => {
    const person = await app.sessionCache.user(token);
    if (person) return person;
    const wall = await app.displayTokens.session(token, app.clock.now());
    return wall && displayUser(wall);
  };

  app.addHook('onRoute', (route) => {
    const guarded = route.url.startsWith('/api') || route.url.startsWith('/tiles');
    if (guarded && !route.config?.access) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access rule (config.access)`);
    }
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const token = req.cookies[SESSION_COOKIE];
    // a person's session, else a wall's display session (read-only; repositories/display-tokens.ts)
    req.user = token ? await sessionOrDisplay(token) : null;
    const access = req.routeOptions.config?.access;
    if (!access || 'public' in access) return;
    const action = `${req.method} ${req.routeOptions.url}`;
    const refuse = async (status: number, code: string, msg: Msg, reason: string) => {
      await auditRefusal(req, { action, target: req.url, outcome: 'denied', status, detail: { reason } });
      throw new AppError(status, code, msg);
    };
    if (!req.user) {
      if (token) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return refuse(
        401,
        'Unauthenticated',
        token
          ? { zh: '登录已过期或无效，请重新登录', en: 'your session has expired or is invalid: please log in again' }
          : { zh: '请先登录', en: 'please log in first' },
        token ? 'bad or expired session' : 'no session',
      );
    }
    if (req.user.display && WRITE.has(req.method)) {
      return refuse(
        403,
        'DisplayReadOnly',
        { zh: '大屏显示会话只能查看，不能修改数据', en: 'a display session (wall screen) may only read, never write' },
        'display read-only',
      );
    }
    if (!allows(access, req.user.role)) {
      const role = ROLE_NAMES[req.user.role];
      return refuse(403, 'Forbidden', { zh: `${role.zh}无权执行此操作`, en: `a ${role.en} may not do this` }, 'role');
    }
    if (req.user.mustChangePassword && !PASSWORD_CHANGE_ALLOWED.has(req.routeOptions.url ?? '')) {
      return refuse(
        403,
        'PasswordChangeRequired',
        { zh: '请先修改密码', en: 'please change your password first' },
        'password change required',
      );
    }
    if (WRITE.has(req.method) && !sameToken(req.headers['x-csrf-token'], req.user.csrfToken)) {
      return refuse(
        403,
        'CsrfTokenMissing',
        {
          zh: '缺少或错误的 CSRF 令牌，请刷新页面后重试',
          en: 'missing or wrong CSRF token: reload the page and try again',
        },
        'csrf',
      );
    }
  });

  // onSend, not onResponse: the audit row is written before the client has its answer, so a
  // caller that reads the audit log right after a write sees it (onResponse raced with that).
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.audited || !WRITE.has(req.method) || !req.routeOptions.url?.startsWith('/api')) return payload;
    await auditRefusal(req, writeEntry(req, reply.statusCode)).catch((err: unknown) =>
      req.log.error({ err }, 'audit write failed'),
    );
    return payload;
  });

  return {
    setSessionCookie(reply: FastifyReply, token: string, maxAgeMs: number) {
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookies,
        maxAge: Math.floor(maxAgeMs / 1000),
      });
    },
    clearSessionCookie(reply: FastifyReply) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    },
  };
}
