import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { controllableClock } from '../../api/domain/clock';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession } from './accounts';
import { jpegPhoto, leafIds, problemApi, writtenRows, type ProblemApi } from './problem-fixture';
import { POINT_IN_FIRST_GRID } from '../fixtures/mini-city';

// Every pixel decode of an uploaded photo, counted: sharp on a Buffer that gets to toBuffer()
// (metadata() reads the header only and is not counted; fixtures draw with { create }). Counted
// at sharp itself, so the test holds whatever the services call their steps (ISSUES #10 finding 7).
const decoded = vi.hoisted(() => ({ count: 0 }));
vi.mock('sharp', async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof import('sharp') }>()).default;
  const counted = (...args: Parameters<typeof real>) => {
    const image = real(...args);
    if (Buffer.isBuffer(args[0])) {
      const toBuffer = image.toBuffer.bind(image) as (...a: unknown[]) => unknown;
      (image as unknown as { toBuffer: unknown }).toBuffer = (...a: unknown[]) => {
        decoded.count += 1;
        return toBuffer(...a);
      };
    }
    return image;
  };
  return { default: Object.assign(counted, real) };
});

const START = new Date('2026-03-02T09:00:00+08:00');
const OUTSIDE: [number, number] = [118.6, 28.95];

/** A real 8-bit RGB PNG whose header (IHDR) is rewritten to claim another size and bit depth. */
async function pngClaiming(width: number, height: number, bitDepth: 8 | 16) {
  const png = Buffer.from(
    await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } })
      .png()
      .toBuffer(),
  );
  // signature (8) + length (4) + 'IHDR' (4): width, height, bit depth follow; the CRC covers type + data
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt8(bitDepth, 24);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return { name: 'huge.png', dataBase64: png.toString('base64') };
}

describe.each(backends())('photos are decoded only after the cheap checks, on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let admin: ProblemApi;
  let cat: Record<string, number>;
  const body = (over: object = {}) => ({
    lon: POINT_IN_FIRST_GRID[0],
    lat: POINT_IN_FIRST_GRID[1],
    categoryId: cat['010101'],
    source: 'patrol',
    description: '占道经营',
    ...over,
  });

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, { clock: controllableClock(START) });
    const session = await adminSession(app, db);
    await loadMiniCity(app, session);
    admin = problemApi(app, session);
    cat = await leafIds(app, session);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });
  beforeEach(() => {
    decoded.count = 0;
  });

  it('refuses a report outside the county (400) without decoding its photos, writing nothing', async () => {
    const before = await writtenRows(db);
    const res = await admin.send(
      'POST',
      '/api/problems',
      body({ lon: OUTSIDE[0], lat: OUTSIDE[1], photos: [await jpegPhoto(), await jpegPhoto()] }),
    );
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'OutsideCounty' });
    expect(decoded.count).toBe(0);
    // an unknown category is as cheap to find
    const badCat = await admin.send(
      'POST',
      '/api/problems',
      body({ categoryId: 999_999, photos: [await jpegPhoto()] }),
    );
    expect(badCat.statusCode, badCat.body).toBe(400);
    expect(badCat.json().details[0].field).toBe('categoryId');
    expect(decoded.count).toBe(0);
    expect(await writtenRows(db)).toEqual(before);
  });

  it('decodes once the report will be recorded (the spy is live)', async () => {
    const p = await admin.report(body({ photos: [await jpegPhoto()] }));
    expect(decoded.count).toBeGreaterThan(0);
    expect(p.photos).toHaveLength(1);
  });

  it('refuses an illegal or stale step with photos without decoding them', async () => {
    const p = await admin.report(body());
    decoded.count = 0;
    // fix on a problem not yet assigned: 409 IllegalTransition from the machine
    const illegal = await admin.actRaw(p.id, 'fix', { comment: '已整改', photos: [await jpegPhoto()] });
    expect(illegal.statusCode, illegal.body).toBe(409);
    expect(illegal.json()).toMatchObject({ error: 'IllegalTransition' });
    const stale = await admin.actRaw(p.id, 'fix', {
      version: p.version + 5,
      comment: '已整改',
      photos: [await jpegPhoto()],
    });
    expect(stale.statusCode, stale.body).toBe(409);
    expect(stale.json()).toMatchObject({ error: 'StaleVersion' });
    expect(decoded.count).toBe(0);
  });

  it('refuses oversize images from their header alone: too many pixels, or 16 bits too large', async () => {
    const before = await writtenRows(db);
    const many = await admin.send('POST', '/api/problems', body({ photos: [await pngClaiming(8000, 8000, 8)] }));
    expect(many.statusCode, many.body).toBe(400);
    expect(many.json().message).toMatch(/8000 × 8000/);
    expect(many.json().details[0]).toMatchObject({ field: 'photos[0]', index: 0 });
    // 36 MP passes the pixel cap, but at 16 bits per sample it is 206 MB once decoded
    const deep = await admin.send(
      'POST',
      '/api/problems',
      body({ photos: [await jpegPhoto(), await pngClaiming(6000, 6000, 16)] }),
    );
    expect(deep.statusCode, deep.body).toBe(400);
    expect(deep.json().details[0]).toMatchObject({ field: 'photos[1]', index: 1 });
    const zh = await admin.send('POST', '/api/problems', body({ photos: [await pngClaiming(6000, 6000, 16)] }));
    expect(zh.json().message).toMatch(/解码后过大.*6000 × 6000.*16 位/);
    expect(decoded.count).toBe(0);
    expect(await writtenRows(db)).toEqual(before);
  });
});
