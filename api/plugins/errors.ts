import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, langOf } from '../errors';
import type { ErrorBody } from '../schemas/common';

// PostgreSQL error codes that are the caller's fault (STYLE.md habit 3).
const PG_CODES: Record<string, { status: number; zh: string; en: string }> = {
  '23505': { status: 409, zh: '与已有数据重复', en: 'duplicates existing data' },
  '23503': { status: 409, zh: '引用的数据不存在或仍被引用', en: 'a referenced record is missing or still referenced' },
  '23P01': { status: 409, zh: '时间段与已有记录冲突', en: 'conflicts with an existing period' },
  '23514': { status: 422, zh: '违反数据规则', en: 'violates a data rule' },
  '22023': { status: 422, zh: '几何参数无效', en: 'invalid geometry parameter' },
  XX000: { status: 422, zh: '几何运算失败', en: 'geometry operation failed' },
};

/** One error format for every route: { error, message, details? } in the caller's language. */
export function errorHandler(this: unknown, err: FastifyError & { code?: string }, req: FastifyRequest, reply: FastifyReply) {
  const lang = langOf(req.headers['accept-language']);
  let status: number;
  let body: ErrorBody;
  if (err instanceof AppError) {
    status = err.status;
    body = { error: err.code, message: err.msg[lang] };
    if (err.problems.length) {
      body.details = err.problems.map((p) => ({ ...p, reason: p.reason[lang] }));
    }
  } else if (err.validation) {
    status = 400;
    const details = err.validation.map((v) => ({
      field: `${err.validationContext ?? 'request'}${v.instancePath || ''}${(v.params as { missingProperty?: string })?.missingProperty ? '/' + (v.params as { missingProperty: string }).missingProperty : ''}`,
      reason: v.message ?? 'invalid',
    }));
    body = {
      error: 'BadRequest',
      message: lang === 'zh' ? `请求参数无效：${details.map((d) => `${d.field} ${d.reason}`).join('；')}` : `invalid request: ${details.map((d) => `${d.field} ${d.reason}`).join('; ')}`,
      details,
    };
  } else if (err.code && PG_CODES[err.code]) {
    const m = PG_CODES[err.code]!;
    status = m.status;
    body = { error: 'Conflict', message: `${m[lang]}: ${err.message}` };
  } else if (err.statusCode && err.statusCode < 500) {
    status = err.statusCode;
    body = { error: err.code ?? 'BadRequest', message: err.message };
  } else {
    status = 500;
    req.log.error({ err, reqId: req.id }, 'unhandled error');
    body = {
      error: 'InternalError',
      message: lang === 'zh' ? `服务器内部错误（请求编号 ${req.id}）` : `internal server error (request id ${req.id})`,
    };
  }
  return reply.status(status).send(body);
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  const lang = langOf(req.headers['accept-language']);
  const body: ErrorBody = {
    error: 'NotFound',
    message: lang === 'zh' ? `没有这个地址：${req.method} ${req.url}` : `no route ${req.method} ${req.url}`,
  };
  return reply.status(404).send(body);
}
