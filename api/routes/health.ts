import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Health } from '../schemas/areas';
import { PUBLIC } from '../auth/roles';
import { percent } from '../plugins/readiness';

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      config: { access: PUBLIC },
      schema: {
        tags: ['system'],
        summary: 'Liveness and what the server runs on; `preparing` with its progress during a first start',
        response: { 200: Health },
      },
    },
    async () => {
      // while preparing, answered without the database (a first start's seed holds it)
      const share = app.readiness.progress;
      if (share !== null) {
        const what = app.readiness.what ?? { zh: '数据', en: 'the data' };
        return {
          status: 'preparing' as const,
          progress: share,
          message: { zh: `正在准备${what.zh}：${percent(share)}`, en: `preparing ${what.en}: ${percent(share)}` },
        };
      }
      return {
        status: 'ok' as const,
        database: app.db.kind === 'pglite' ? ('pglite' as const) : ('postgres' as const),
        postgis: await app.system.postgisVersion(),
        mvtEncoder: app.mvtEncoder,
        areas: await app.areas.countsByLevel(),
      };
    },
  );
};
export default healthRoutes;
