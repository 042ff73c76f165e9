import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Health } from '../schemas/areas';
import { PUBLIC } from '../auth/roles';

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/health', { config: { access: PUBLIC }, schema: { tags: ['system'], summary: 'Liveness and what the server runs on', response: { 200: Health } } }, async () => {
    const { rows } = await app.db.query<{ v: string }>('SELECT postgis_lib_version() AS v');
    return {
      status: 'ok' as const,
      database: app.db.kind === 'pglite' ? ('pglite' as const) : ('postgres' as const),
      postgis: rows[0]?.v ?? 'unknown',
      mvtEncoder: app.mvtEncoder,
      areas: await app.areas.countsByLevel(),
    };
  });
};
export default healthRoutes;
