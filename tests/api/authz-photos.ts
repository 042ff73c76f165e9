import sharp from 'sharp';
import type { InjectOptions } from 'fastify';
import type { Db } from '../../api/db/types';
import type { AreaDetail } from '../../api/schemas/areas';
import { attachPhotos, preparePhotos } from '../../api/services/photos';
import { insertProblems, reportEventOf } from './problem-sql-rows';

/**
 * The authorization-matrix cases of the photo routes, with their data: a problem with a photo
 * at the label point of each grid a role may see, and one in the grid nobody scoped may see.
 * Problems are written with SQL (tests/api/problem-sql-rows.ts), not through the problem service.
 */
export interface PhotoIds {
  /** grid code → a photo of a problem in that grid */
  byGrid: Record<string, number>;
  out: number;
}
interface Ctx {
  inGrid: AreaDetail;
  outGrid: AreaDetail;
  photos: PhotoIds;
}
type Req = InjectOptions & { url: string };
interface Case {
  in: (c: Ctx) => Req;
  out?: (c: Ctx) => Req;
}

export async function seedPhotos(db: Db, inGrids: string[], outGrid: string): Promise<PhotoIds> {
  const codes = [...inGrids, outGrid];
  const { rows } = await db.query<{ code: string; lon: number; lat: number }>(
    `SELECT code, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM areas WHERE code = ANY ($1)`,
    [codes],
  );
  const at = new Date('2026-03-01T02:00:00Z');
  const ids = await insertProblems(
    db,
    codes.map((code) => {
      const r = rows.find((x) => x.code === code)!;
      return { lon: r.lon, lat: r.lat, reportedAt: at };
    }),
  );
  const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#369' } })
    .jpeg()
    .toBuffer();
  const photos = await preparePhotos([{ name: 'm.jpg', dataBase64: jpeg.toString('base64') }]);
  const byGrid: Record<string, number> = {};
  for (const [i, code] of codes.entries()) {
    const event = await reportEventOf(db, ids[i]!);
    byGrid[code] = (await db.transaction((tx) => attachPhotos(tx, ids[i]!, event, 'before', photos, null, at)))[0]!;
  }
  return { byGrid, out: byGrid[outGrid]! };
}

export const PHOTO_CASES: Record<string, Case> = {
  'GET /api/photos/:id': {
    in: (c) => ({ method: 'GET', url: `/api/photos/${c.photos.byGrid[c.inGrid.code]}` }),
    out: (c) => ({ method: 'GET', url: `/api/photos/${c.photos.out}` }),
  },
  'GET /api/photos/:id/thumb': {
    in: (c) => ({ method: 'GET', url: `/api/photos/${c.photos.byGrid[c.inGrid.code]}/thumb` }),
    out: (c) => ({ method: 'GET', url: `/api/photos/${c.photos.out}/thumb` }),
  },
};
