import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../errors';
import { TILESETS, type TilesetName } from '../tiles/mvt';
import { ANY_USER } from '../auth/roles';
import { scopeOf } from '../plugins/request-context';
import { problemTileFilters } from '../tiles/problem-filters';

const TileParams = Type.Object({
  tileset: Type.Union(Object.keys(TILESETS).map((k) => Type.Literal(k))),
  z: Type.Integer({ minimum: 0, maximum: 22 }),
  x: Type.Integer({ minimum: 0 }),
  y: Type.Integer({ minimum: 0 }),
});

const tileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:tileset/:z/:x/:y.mvt',
    {
      config: { access: ANY_USER },
      schema: {
        tags: ['tiles'],
        summary:
          'Mapbox Vector Tile: areas (layers areas, area_labels), basemap (layer basemap), zones (layer zones, ?at=) or problems (layers problem_clusters below z13, problems from z13; filters)',
        params: TileParams,
        querystring: Type.Object({
          // the instant whose assignments the zones tileset draws (ISO 8601 with zone); default now
          at: Type.Optional(Type.String({ format: 'date-time' })),
          // problems only (docs/PROBLEMS.md): lists repeat or are comma-separated
          state: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 })),
          category: Type.Optional(
            Type.String({ maxLength: 6, description: 'category code prefix (2, 4 or 6 digits)' }),
          ),
          categoryId: Type.Optional(Type.Integer({ minimum: 1, description: 'one category by id' })),
          source: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 })),
          from: Type.Optional(
            Type.String({ maxLength: 40, description: 'reported at or after (date = Beijing midnight)' }),
          ),
          to: Type.Optional(Type.String({ maxLength: 40, description: 'reported before' })),
          overdue: Type.Optional(Type.Boolean()),
          area: Type.Optional(
            Type.String({ pattern: '^[0-9]{6,15}$', description: 'area code prefix (street, community or grid)' }),
          ),
        }),
      },
    },
    async (req, reply) => {
      const { tileset, z, x, y } = req.params;
      const n = 2 ** z;
      if (x >= n || y >= n) {
        throw new AppError(400, 'BadTile', {
          zh: `瓦片坐标超出范围：z=${z} 时 x、y 应小于 ${n}`,
          en: `tile out of range: x and y must be < ${n} at z=${z}`,
        });
      }
      const problems = tileset === 'problems';
      // Problems are drawn as they are now: overdue against the app clock (movable in tests); ?at=
      // is for zones.
      const at = problems ? app.clock.now() : req.query.at ? new Date(req.query.at) : app.clock.now();
      const ctx = problems ? { role: req.user?.role ?? null, filters: problemTileFilters(req.query) } : {};
      const mvt = await app.tile(tileset as TilesetName, z, x, y, scopeOf(req), at, ctx);
      // Tiles depend on the caller's scope: private to this browser, and never reused across
      // the sessions of two users of one browser.
      // Zones of "now" and problems change with every write: revalidate them; the rest may be a minute old.
      reply.header(
        'Cache-Control',
        (tileset === 'zones' && !req.query.at) || problems ? 'private, no-cache' : 'private, max-age=60',
      );
      reply.header('Vary', 'Cookie');
      if (mvt.length === 0) return reply.status(204).send();
      return reply
        .type('application/vnd.mapbox-vector-tile')
        .send(Buffer.from(mvt.buffer, mvt.byteOffset, mvt.byteLength));
    },
  );
};
export default tileRoutes;
