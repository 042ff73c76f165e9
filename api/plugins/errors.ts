import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { langOf } from '../errors';
import type { ErrorBody } from '../schemas/common';
import { toAppError } from './error-mapping';

/**
 * One error format for every route: { error, message, details? } in the caller's language.
 */
export function errorHandler(
  this: unknown,
  err: FastifyError & { code?: string },
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const lang = langOf(req.headers['accept-language']);
  const known = toAppError(err, req);
  let body: ErrorBody;
  if (known) {
    body = { error: known.code, message: known.msg[lang] };
    if (known.problems.length) body.details = known.problems.map((p) => ({ ...p, reason: p.reason[lang] }));
    return reply.status(known.status).send(body);
  }
  req.log.error({ err, reqId: req.id }, 'unhandled error');
  body = {
    error: 'InternalError',
    message: lang === 'zh' ? `服务器内部错误（请求编号 ${req.id}）` : `internal server error (request id ${req.id})`,
  };
  return reply.status(500).send(body);
}

/** Fastify's frameworkErrors option: a bad %-encoding or too long a parameter in the URL. */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  void errorHandler(err, req, reply);
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  const lang = langOf(req.headers['accept-language']);
  const body: ErrorBody = {
    error: 'NotFound',
    message: lang === 'zh' ? `没有这个地址：${req.method} ${req.url}` : `no route ${req.method} ${req.url}`,
  };
  return reply.status(404).send(body);
}
