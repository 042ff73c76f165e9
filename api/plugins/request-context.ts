import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import type { Clock } from '../domain/clock';
import type { Scope } from '../domain/scope';
import type { Caller } from '../services/figures';
import type { ProblemActor } from '../services/problem-views';

// What a route needs to know about its request: who acts (actor, caller), what they may see
// (scope) and when (the app clock, or ?at=). One place, so routes never import each other.

const unauthenticated = () => new AppError(401, 'Unauthenticated', { zh: '请先登录', en: 'please log in first' });

/** The caller's scope; routes that reach here have a user (the auth hook refused the others). */
export function scopeOf(req: FastifyRequest): Scope {
  if (!req.user) throw unauthenticated();
  return req.user.scope;
}

/** "Now" is the app clock's (docs/PROBLEMS.md "Clock"). */
export const nowOf = (app: FastifyInstance): Date => app.clock.now();

/** The instant asked for, or the app clock's now (never the bare system clock: tests move it). */
export const atOf = (q: { at?: string }, clock: Clock): Date => (q.at ? new Date(q.at) : clock.now());

/** The session user as a reader of figures, rankings, coverage and hotspots. */
export function callerOf(req: FastifyRequest): Caller {
  const scope = scopeOf(req);
  return { scope, role: req.user!.role, userId: req.user!.id };
}

/** The session user as the problem loop's actor (routes that reach here have one). */
export function actorOf(req: FastifyRequest): ProblemActor {
  if (!req.user) throw unauthenticated();
  const { id, displayName, role, scope } = req.user;
  return { id, displayName, role, scope };
}
