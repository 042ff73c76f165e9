import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { WORKSPACE_PATHS } from './schemas/workspaces';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { existsSync } from 'node:fs';
import type { Db } from './db/types';
import repositories from './plugins/repositories';
import { installIdempotency, requestScopedDb } from './plugins/idempotency';
import { errorHandler, frameworkErrors, notFoundHandler } from './plugins/errors';
import { REQUEST_AJV } from './schemas/hardening';
import { AppError } from './errors';
import { installAuth } from './plugins/auth';
import { installSessionCache } from './plugins/session-cache';
import type { SessionCacheOptions } from './services/session-cache';
import { installReadinessGate, READY, type Readiness } from './plugins/readiness';
import type { Access } from './auth/roles';
import authRoutes from './routes/auth';
import usersRoutes, { auditRoutes } from './routes/users';
import healthRoutes from './routes/health';
import areaRoutes from './routes/areas';
import tileRoutes from './routes/tiles';
import { unitRoutes, peopleRoutes } from './routes/units';
import assignmentRoutes from './routes/assignments';
import contractingRoutes from './routes/contracting';
import figuresRoutes from './routes/figures';
import figuresSeriesRoutes from './routes/figures-series';
import { rankingRoutes } from './routes/rankings';
import { coverageGapRoutes } from './routes/coverage-gaps';
import photoRoutes from './routes/photos';
import problemRoutes from './routes/problems';
import noticeRoutes from './routes/notices';
import categoryRoutes from './routes/categories';
import assessmentRoutes from './routes/assessment';
import zoneDraftRoutes from './routes/zone-drafts';
import assessmentLedgerRoutes from './routes/assessment-ledgers';
import assessmentWeeklyRoutes from './routes/assessment-weekly';
import devClockRoutes from './routes/dev-clock';
import fieldRoutes from './routes/field';
import { appClock, isControllable, type Clock } from './domain/clock';
import eventRoutes from './routes/events';
import { displaySessionRoutes, displayTokenRoutes } from './routes/display';
import { eventHub, type EventHub } from './services/event-hub';
import { STREAM_DEFAULTS, type StreamOptions } from './services/live-stream';

/** Body limit of every route that does not set its own (issue 10, finding 5). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  db: Db;
  logger?: boolean | object;
  /** folder with the built web app (dist/web); served at / when it exists */
  webRoot?: string;
  /** Secure flag on the session cookie (set behind HTTPS) */
  secureCookies?: boolean;
  /** login attempts per minute per address (tests raise it) */
  loginRateLimit?: number;
  /** called for every guarded route with its access rule (the authorization matrix test) */
  onRoute?: (route: { key: string; access: Access }) => void;
  /** "now" for the problem loop (default: the system clock; docs/PROBLEMS.md "Clock") */
  clock?: Clock;
  /** registers POST /api/dev/clock (tests, e2e; the server passes WANGGE_CONTROLLABLE_CLOCK=1) */
  controllableClock?: boolean;
  /** while its progress is not null the server is preparing (plugins/readiness.ts); default ready */
  readiness?: Readiness;
  /** the per-process session cache (services/session-cache.ts); ttlMs 0 turns it off */
  sessionCache?: Partial<SessionCacheOptions>;
  /** the live event stream (GET /api/events): timings and bounds (tests shorten them) */
  events?: Partial<StreamOptions> & { connectsPerMinute?: number };
}

declare module 'fastify' {
  interface FastifyInstance {
    authCookies: ReturnType<typeof installAuth>;
    clock: Clock;
    readiness: Readiness;
    /** live events: LISTENs for committed problem events and fans them out (GET /api/events) */
    events: EventHub;
  }
}

/** Builds the API on an already migrated database. Tests call this and use app.inject. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    // Small by default: a body is parsed before any handler runs, unauthenticated ones too
    // (a 35 MB login body took 3.8 s). Routes that take files raise it on themselves (imports,
    // photos); login and password change lower it to 4 KB.
    bodyLimit: DEFAULT_BODY_LIMIT,
    ajv: REQUEST_AJV, // every request schema hardened (finding 6); refusals in words (finding 12)
    // a bad %-encoding or too long a parameter in the URL, in the same format and language
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  // db, every repository and the tile encoder (plugins/repositories.ts)
  // requestScopedDb: an idempotent write's queries join its one transaction (plugins/idempotency.ts)
  await app.register(repositories, { db: requestScopedDb(options.db) });
  const controllable = options.controllableClock ?? false;
  const clock = options.clock ?? appClock({ controllable });
  if (controllable && !isControllable(clock))
    throw new Error('controllableClock needs a controllable clock (domain/clock.ts)');
  app.decorate('clock', clock);
  installIdempotency(app, options.db);
  // Every API answer carries the app clock: the web judges "today", "this week" and countdowns
  // by the server's time, not by the browser's (office PCs' clocks drift; tests move the app clock).
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/')) reply.header('x-server-time', clock.now().toISOString());
    return payload;
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  await app.register(helmet, {
    // MapLibre needs inline styles on its canvas container and blob: workers for some tiles;
    // everything else comes from this origin. No external hosts at all.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: options.secureCookies ? undefined : false,
  });
  await app.register(cookie);
  // before the session lookup: while the database is being prepared nothing reads or audits
  app.decorate('readiness', options.readiness ?? READY);
  installReadinessGate(app, app.readiness);
  await app.register(rateLimit, {
    global: false,
    // thrown into the error handler, so the 429 speaks the caller's language like every error
    errorResponseBuilder: (_req, ctx) => {
      const s = Math.max(1, Math.ceil(ctx.ttl / 1000));
      return new AppError(429, 'TooManyRequests', {
        zh: `尝试过于频繁，请 ${s} 秒后再试`,
        en: `too many attempts: try again in ${s} s`,
      });
    },
  });
  await installSessionCache(app, options.db, options.sessionCache);
  app.decorate('authCookies', installAuth(app, { secureCookies: options.secureCookies ?? false }));
  if (options.onRoute) {
    const report = options.onRoute;
    app.addHook('onRoute', (r) => {
      const access = r.config?.access;
      if (access && r.method !== 'HEAD') report({ key: `${String(r.method)} ${r.url}`, access });
    });
  }

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Wangge 网格 API',
        version: '0.1.0',
        description: 'Grid management: areas, contracting units and grid staff in time, tiles',
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { prefix: '/api' });
  await app.register(authRoutes, { prefix: '/api/auth', loginRateLimit: options.loginRateLimit ?? 10 });
  await app.register(usersRoutes, { prefix: '/api/users' });
  await app.register(auditRoutes, { prefix: '/api/audit' });
  await app.register(areaRoutes, { prefix: '/api/areas' });
  await app.register(unitRoutes, { prefix: '/api/units' });
  await app.register(peopleRoutes, { prefix: '/api/people' });
  await app.register(assignmentRoutes, { prefix: '/api' });
  await app.register(contractingRoutes, { prefix: '/api/contracting' });
  await app.register(figuresRoutes, { prefix: '/api/figures' });
  await app.register(figuresSeriesRoutes, { prefix: '/api/figures' });
  await app.register(rankingRoutes, { prefix: '/api' });
  await app.register(coverageGapRoutes, { prefix: '/api' });
  await app.register(photoRoutes, { prefix: '/api/photos' });
  await app.register(categoryRoutes, { prefix: '/api/categories' });
  await app.register(problemRoutes, { prefix: '/api/problems' });
  await app.register(assessmentRoutes, { prefix: '/api' });
  await app.register(fieldRoutes, { prefix: '/api/field' });
  await app.register(zoneDraftRoutes, { prefix: '/api/zone-drafts' });
  await app.register(assessmentLedgerRoutes, { prefix: '/api' });
  await app.register(assessmentWeeklyRoutes, { prefix: '/api' });
  await app.register(noticeRoutes, { prefix: '/api/notices' });
  await app.register(displayTokenRoutes, { prefix: '/api/display-tokens' });
  await app.register(displaySessionRoutes, {
    prefix: '/api/display',
    exchangesPerMinute: options.loginRateLimit ?? 10,
  });
  const { connectsPerMinute = 60, ...stream } = options.events ?? {};
  const streamOptions = { ...STREAM_DEFAULTS, ...stream };
  app.decorate('events', eventHub(options.db, { maxBatch: streamOptions.replayLimit }));
  await app.events.start();
  // before the server stops listening: open streams would keep it waiting
  app.addHook('preClose', async () => app.events.close());
  await app.register(eventRoutes, { prefix: '/api/events', stream: streamOptions, connectsPerMinute });
  if (controllable) await app.register(devClockRoutes, { prefix: '/api/dev/clock' });
  await app.register(tileRoutes, { prefix: '/tiles' });

  if (options.webRoot && existsSync(options.webRoot)) {
    // preCompressed: the build writes .br/.gz next to each text asset (web/vite/precompress.ts)
    await app.register(fastifyStatic, {
      root: options.webRoot,
      wildcard: false,
      index: ['index.html'],
      preCompressed: true,
    });
    // the workspaces other than the office are the same page at their own address (web/src/app/screen.ts)
    for (const path of Object.values(WORKSPACE_PATHS)) {
      app.get(path, { schema: { hide: true } }, (_req, reply) => reply.sendFile('index.html'));
    }
  }
  return app;
}
