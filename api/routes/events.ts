import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANY_USER } from '../auth/roles';
import { AppError } from '../errors';
import { ErrorBody } from '../schemas/common';
import { LiveProblemEvent } from '../schemas/events';
import { eventsRepository } from '../repositories/events';
import { liveStream, type StreamOptions } from '../services/live-stream';
import { SseConnection } from '../services/sse';
import { actorOf } from '../plugins/request-context';
import { viewerOf } from '../services/problem-views';

const EventsQuery = Type.Object({
  /** where to resume when the browser cannot send Last-Event-ID (a new EventSource after a drop) */
  since: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 53 - 1 })),
});

const badLastId = () =>
  new AppError(400, 'InvalidLastEventId', {
    zh: 'Last-Event-ID 无效：应为事件编号（非负整数）',
    en: 'Last-Event-ID is invalid: it must be an event id (a non-negative integer)',
  });

/** Last-Event-ID (the browser's resume header) first, then ?since=, else null (a first connect). */
function resumeFrom(header: string | string[] | undefined, since: number | undefined): number | null {
  const h = Array.isArray(header) ? header[0] : header;
  if (h !== undefined && h !== '') {
    if (!/^\d{1,15}$/.test(h)) throw badLastId();
    return Number(h);
  }
  return since ?? null;
}

/**
 * GET /api/events: the caller's live events as server-sent events (docs/ARCHITECTURE.md "Live
 * events"). Authenticated by the session cookie like every GET; connects are rate-limited per
 * address. The answer is written to the socket directly (hijacked), so Fastify's serializer and
 * hooks do not see it; the security headers set so far are copied over.
 */
const eventRoutes: FastifyPluginAsyncTypebox<{ stream: StreamOptions; connectsPerMinute: number }> = async (
  app,
  opts,
) => {
  const repo = eventsRepository(app.db);
  app.get(
    '',
    {
      config: { access: ANY_USER, rateLimit: { max: opts.connectsPerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['events'],
        summary:
          "Live events in the caller's scope (text/event-stream: problem, notice, figures, ready, reload, end), resumable with Last-Event-ID",
        querystring: EventsQuery,
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 32 })) }),
        response: {
          200: {
            description: 'an endless text/event-stream; `problem` and `notice` messages carry this shape',
            content: { 'text/event-stream': { schema: LiveProblemEvent } },
          },
          400: ErrorBody,
          401: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const lastEventId = resumeFrom(req.headers['last-event-id'], req.query.since);
      const viewer = await viewerOf(app.db, actorOf(req));
      reply.hijack();
      const res = reply.raw;
      for (const [name, value] of Object.entries(reply.getHeaders()))
        if (value !== undefined) res.setHeader(name, value);
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no', // nginx: do not hold messages back
        'x-server-time': app.clock.now().toISOString(),
      });
      // the browser waits this long before it reconnects on its own after a drop
      res.write('retry: 2000\n\n');
      let stream: ReturnType<typeof liveStream> | null = null;
      const conn = new SseConnection(res, opts.stream.maxBufferedBytes, () => stream?.stop());
      stream = liveStream({
        hub: app.events,
        repo,
        conn,
        viewer,
        sessionHash: req.user!.sessionHash,
        lastEventId,
        now: () => app.clock.now(),
        options: opts.stream,
      });
      res.on('close', () => conn.gone()); // the client went away (or we ended it)
      try {
        await stream.start();
      } catch (err) {
        req.log.error({ err }, 'event stream failed to start');
        stream.stop();
      }
    },
  );
};
export default eventRoutes;
