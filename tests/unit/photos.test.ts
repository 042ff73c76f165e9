import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../api/errors';
import { MAX_INPUT_PIXELS, MAX_PHOTO_BYTES, preparePhotos, sniff, type PhotoInput } from '../../api/services/photos';
import { demoPhoto } from '../../data/demo/photos';

const b64 = (b: Buffer): PhotoInput => ({ name: 'x.jpg', dataBase64: b.toString('base64') });
const image = (w: number, h: number, alpha = false) =>
  sharp({
    create: {
      width: w,
      height: h,
      channels: alpha ? 4 : 3,
      background: alpha ? { r: 200, g: 30, b: 30, alpha: 0.5 } : '#c83232',
    },
  });

/** The AppError a call throws, or fails the test. */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected a refusal');
}

describe('preparePhotos', () => {
  it('re-encodes a JPEG to JPEG with its EXIF gone, turned upright and a ≤ 320 px thumb', async () => {
    // 600 × 200 stored, EXIF orientation 6 (rotate 90° to view): upright it is 200 × 600.
    const input = await image(600, 200)
      .jpeg()
      .withMetadata({ orientation: 6, exif: { IFD0: { Copyright: 'owner', Make: 'PhoneCo' } } })
      .toBuffer();
    const before = await sharp(input).metadata();
    expect(before.exif?.length).toBeGreaterThan(0);
    expect(before.orientation).toBe(6);
    const [p] = await preparePhotos([b64(input)]);
    const meta = await sharp(p!.bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(p!.bytes.includes(Buffer.from('PhoneCo'))).toBe(false);
    expect([p!.width, p!.height]).toEqual([200, 600]);
    expect([meta.width, meta.height]).toEqual([200, 600]);
    expect(p!.mime).toBe('image/jpeg');
    expect(p!.sha256).toBe(createHash('sha256').update(p!.bytes).digest('hex'));
    const thumb = await sharp(p!.thumb).metadata();
    expect(thumb.format).toBe('jpeg');
    expect(Math.max(thumb.width!, thumb.height!)).toBeLessThanOrEqual(320);
    expect(thumb.height).toBe(320);
  });

  it('accepts PNG (alpha flattened) and WebP, and shrinks the long edge to 2048 px', async () => {
    const [png, webp, big] = await preparePhotos([
      b64(await image(300, 200, true).png().toBuffer()),
      b64(await image(120, 90).webp().toBuffer()),
      b64(await image(4000, 3000).jpeg({ quality: 50 }).toBuffer()),
    ]);
    for (const p of [png!, webp!, big!]) expect((await sharp(p.bytes).metadata()).format).toBe('jpeg');
    expect((await sharp(png!.bytes).metadata()).hasAlpha).toBe(false);
    expect([webp!.width, webp!.height]).toEqual([120, 90]);
    expect([big!.width, big!.height]).toEqual([2048, 1536]);
    expect(Math.max((await sharp(big!.thumb).metadata()).width!, 0)).toBe(320);
  });

  it('tolerates a data: URL prefix and line breaks in the base64', async () => {
    const jpg = (await image(50, 40).jpeg().toBuffer()).toString('base64');
    const wrapped = `data:image/jpeg;base64,${jpg.replace(/(.{76})/g, '$1\n')}`;
    const [p] = await preparePhotos([{ name: 'a.jpg', dataBase64: wrapped }]);
    expect(p!.width).toBe(50);
  });

  it('gives the same bytes and hash for the same upload (blobs dedupe)', async () => {
    const input = b64(await image(64, 64).png().toBuffer());
    const [a] = await preparePhotos([input]);
    const [b] = await preparePhotos([input]);
    expect(a!.sha256).toBe(b!.sha256);
  });

  it('refuses a text file named .jpg, naming the photo and the accepted types', async () => {
    const e = await refusal(
      preparePhotos([
        b64(await image(10, 10).jpeg().toBuffer()),
        { name: 'notes.jpg', dataBase64: Buffer.from('just some text, not a picture').toString('base64') },
      ]),
    );
    expect(e.status).toBe(400);
    expect(e.problems[0]).toMatchObject({ field: 'photos[1]', index: 1 });
    expect(e.msg.en).toMatch(/photos\[1\].*not an image.*JPEG, PNG or WebP/);
    expect(e.msg.zh).toContain('photos[1]');
  });

  it('refuses what is not base64, and an empty photo', async () => {
    expect((await refusal(preparePhotos([{ name: 'a.jpg', dataBase64: 'not base64 at all!' }]))).msg.en).toBe(
      'photos[0]: not valid base64',
    );
    expect((await refusal(preparePhotos([{ name: 'a.jpg', dataBase64: '' }]))).msg.en).toBe(
      'photos[0]: the photo is empty',
    );
  });

  it('refuses a photo over 8 MB, saying the limit, before decoding it', async () => {
    const big = 'A'.repeat(Math.ceil(((MAX_PHOTO_BYTES + 10) * 4) / 3 / 4) * 4);
    const e = await refusal(preparePhotos([{ name: 'big.jpg', dataBase64: big }], 'afterPhotos'));
    expect(e.problems[0]!.field).toBe('afterPhotos[0]');
    expect(e.msg.en).toContain('at most 8 MB');
    expect(e.msg.zh).toContain('8 MB');
  });

  it('refuses a corrupt (truncated) JPEG', async () => {
    const jpg = await image(400, 300).jpeg().toBuffer();
    const e = await refusal(preparePhotos([b64(jpg.subarray(0, Math.floor(jpg.length / 2)))]));
    expect(e.msg.en).toBe('photos[0]: the image is corrupt and cannot be decoded');
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(500, 7)]);
    expect((await refusal(preparePhotos([b64(garbage)]))).msg.en).toContain('corrupt');
  });

  it('refuses more than 6 photos', async () => {
    const one = b64(await image(8, 8).jpeg().toBuffer());
    const e = await refusal(preparePhotos(Array.from({ length: 7 }, () => one)));
    expect(e.problems[0]!.field).toBe('photos');
    expect(e.msg.en).toBe('photos: too many photos: 7, at most 6 per request');
  });

  it('refuses a decompression bomb by the size its header claims', async () => {
    // A real 100 × 100 JPEG whose frame header (SOF0) claims 60 000 × 60 000 pixels.
    const jpg = Buffer.from(await image(100, 100).jpeg().toBuffer());
    const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sof).toBeGreaterThan(0);
    jpg.writeUInt16BE(60_000, sof + 5);
    jpg.writeUInt16BE(60_000, sof + 7);
    const e = await refusal(preparePhotos([b64(jpg)]));
    expect(e.msg.en).toMatch(/too many pixels \(60000 × 60000\): at most 50 megapixels/);
    // And a genuine one: 8200 × 8000 grey pixels of one shade compress to a small PNG.
    const png = await sharp(Buffer.alloc(8200 * 8000, 128), { raw: { width: 8200, height: 8000, channels: 1 } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(png.length).toBeLessThan(MAX_PHOTO_BYTES / 8);
    expect(8200 * 8000).toBeGreaterThan(MAX_INPUT_PIXELS);
    expect((await refusal(preparePhotos([b64(png)]))).msg.en).toContain('too many pixels');
  });

  it('names HEIC as unsupported rather than as "not an image"', async () => {
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(100)]);
    expect(sniff(heic)).toBe('heic');
    expect((await refusal(preparePhotos([b64(heic)]))).msg.en).toContain('HEIC/HEIF/AVIF is not supported');
  });
});

describe('demoPhoto', () => {
  it('is deterministic, a JPEG, and differs between before and after of one place', async () => {
    const a = await demoPhoto('problem-7', 'before');
    const b = await demoPhoto('problem-7', 'before');
    const c = await demoPhoto('problem-7', 'after');
    expect(a.sha256).toBe(b.sha256);
    expect(c.sha256).not.toBe(a.sha256);
    expect((await sharp(a.bytes).metadata()).format).toBe('jpeg');
    expect([a.width, a.height]).toEqual([640, 480]);
    expect((await demoPhoto('problem-7', 'before', 'x')).sha256).not.toBe(a.sha256);
  });
});
