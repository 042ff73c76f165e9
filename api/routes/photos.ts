import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ANY_USER } from '../auth/roles';
import { notFound } from '../errors';
import { audit } from '../plugins/auth';
import { ErrorBody } from '../schemas/common';
import { scopeOf } from '../plugins/request-context';

const tags = ['problems'];
const PHOTO = { zh: '该照片', en: 'photo' };
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/**
 * Problem photos, as the server re-encoded them (api/services/photos.ts): never the uploaded
 * bytes. Visible when the photo's problem is; otherwise the same 404 as a photo that does not
 * exist, audited.
 */
const photoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const serve = async (req: FastifyRequest, id: number, reply: FastifyReply, thumb: boolean) => {
    const row = await app.photos.forViewer(id, thumb, scopeOf(req), req.user!.role);
    if (!row || !row.visible || !row.data) {
      if (row) {
        await audit(app, req, {
          action: `${req.method} ${req.routeOptions.url}`,
          target: req.url,
          outcome: 'denied',
          status: 404,
          detail: { reason: 'out of scope' },
        });
      }
      throw notFound(PHOTO);
    }
    // A photo's bytes never change (content-addressed); the thumb is another representation.
    const etag = `"${row.sha256}${thumb ? '-thumb' : ''}"`;
    reply.header('Content-Type', 'image/jpeg');
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header(
      'Content-Disposition',
      `inline; filename="problem-${row.problemId}-${id}${thumb ? '-thumb' : ''}.jpg"`,
    );
    // Private: whether one may see it depends on the session; Vary keeps two users of one
    // browser from sharing the cached copy.
    reply.header('Cache-Control', 'private, max-age=86400, immutable');
    reply.header('Vary', 'Cookie');
    reply.header('ETag', etag);
    const match = req.headers['if-none-match'];
    if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return reply.status(304).send();
    const d = row.data;
    return reply.send(Buffer.isBuffer(d) ? d : Buffer.from(d.buffer, d.byteOffset, d.byteLength));
  };

  const schema = (summary: string) => ({
    tags,
    summary,
    params: IdParams,
    response: {
      200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'image/jpeg' }),
      404: ErrorBody,
    },
  });
  app.get(
    '/:id',
    { config: { access: ANY_USER }, schema: schema('A problem photo (JPEG, re-encoded, ≤ 2048 px)') },
    (req, reply) => serve(req, req.params.id, reply, false),
  );
  app.get(
    '/:id/thumb',
    { config: { access: ANY_USER }, schema: schema('Its thumbnail (JPEG, ≤ 320 px)') },
    (req, reply) => serve(req, req.params.id, reply, true),
  );
};
export default photoRoutes;
