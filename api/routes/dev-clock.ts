import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { only } from '../auth/roles';
import { AppError } from '../errors';
import { isControllable } from '../domain/clock';
import { ErrorBody } from '../schemas/common';
import { DevClock } from '../schemas/problems';
import { sweepOverdue } from '../services/problem-sweep';

const ADMIN = { access: only('admin') };
const tags = ['dev'];

/**
 * Moves the app clock, for tests and the e2e run only: registered when buildApp gets
 * `controllableClock: true` (or WANGGE_CONTROLLABLE_CLOCK=1). Without it these routes do not
 * exist at all. Moving the clock runs the overdue sweep at once, as the minute timer would.
 */
const devClockRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const clock = app.clock;
  if (!isControllable(clock)) throw new Error('dev clock routes need a controllable clock');

  app.get(
    '',
    { config: ADMIN, schema: { tags, summary: 'The app clock now', response: { 200: DevClock } } },
    async () => ({ now: clock.now().toISOString() }),
  );

  app.post(
    '',
    {
      config: ADMIN,
      schema: {
        tags,
        summary: 'Move the app clock forward by some hours, then run the overdue sweep',
        body: Type.Object({ advanceHours: Type.Number({ exclusiveMinimum: 0, maximum: 8760 }) }),
        response: { 200: DevClock, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async (req) => {
      const hours = req.body.advanceHours;
      if (!Number.isFinite(hours))
        throw new AppError(400, 'BadRequest', { zh: 'advanceHours 必须是数字', en: 'advanceHours must be a number' });
      const now = clock.advance(hours * 3600_000);
      const raised = await sweepOverdue(app.db, now);
      return { now: now.toISOString(), raised };
    },
  );
};
export default devClockRoutes;
