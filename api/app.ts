import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import type { Db } from './db/types';
import { areasRepository, type AreasRepository } from './repositories/areas';
import { detectMvtEncoder, tileEncoder, type MvtEncoder } from './tiles/mvt';
import { errorHandler, notFoundHandler } from './plugins/errors';
import healthRoutes from './routes/health';
import areaRoutes from './routes/areas';
import tileRoutes from './routes/tiles';

export interface AppOptions {
  db: Db;
  logger?: boolean | object;
  /** folder with the built web app (dist/web); served at / when it exists */
  webRoot?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    areas: AreasRepository;
    mvtEncoder: MvtEncoder;
    tile: ReturnType<typeof tileEncoder>;
  }
}

/** Builds the API on an already migrated database. Tests call this and use app.inject. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 64 * 1024 * 1024, // area imports carry whole GeoJSON files
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const encoder = await detectMvtEncoder(options.db);
  app.decorate('db', options.db);
  app.decorate('areas', areasRepository(options.db));
  app.decorate('mvtEncoder', encoder);
  app.decorate('tile', tileEncoder(options.db, encoder));

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onSend', async (_req, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Wangge 网格 API', version: '0.1.0', description: 'Grid management: areas, tiles (more to come)' },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { prefix: '/api' });
  await app.register(areaRoutes, { prefix: '/api/areas' });
  await app.register(tileRoutes, { prefix: '/tiles' });

  if (options.webRoot && existsSync(options.webRoot)) {
    await app.register(fastifyStatic, { root: options.webRoot, wildcard: false, index: ['index.html'] });
  }
  return app;
}
