import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Queryable } from '../db/types';
import { photosRepository } from '../repositories/photos';
import { AppError, type Msg, type Problem } from '../errors';

/** One uploaded photo as the JSON body carries it (a `data:` URL prefix is tolerated). */
export interface PhotoInput {
  name: string;
  dataBase64: string;
}

/** A photo as it is stored: always our own JPEG, never the uploaded bytes. */
export interface PreparedPhoto {
  sha256: string;
  mime: 'image/jpeg';
  width: number;
  height: number;
  bytes: Buffer;
  thumb: Buffer;
}

export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
export const MAX_PHOTOS = 6;
/** Long edge of the stored photo and of its thumbnail. */
export const PHOTO_MAX_EDGE = 2048;
export const THUMB_MAX_EDGE = 320;
/**
 * Pixels allowed per input: a 48/50 MP phone photo (8000 × 6000, 8160 × 6120) passes, a small
 * file that claims 100 000 × 100 000 px (a decompression bomb) is refused from its header,
 * before any pixel is decoded.
 */
export const MAX_INPUT_PIXELS = 50_000_000;
/**
 * Decoded bytes allowed per input (pixels × channels × bytes per sample, what libvips holds):
 * an 8-bit RGBA image at the pixel cap. A 16-bit PNG of 8000 × 8000 (384 MB decoded, ~2 s each)
 * is refused from its header; phone cameras write 8 bits per sample.
 */
export const MAX_DECODED_BYTES = MAX_INPUT_PIXELS * 4;
/**
 * Body limit a route taking photos needs: base64 is 4/3 of the bytes, plus the rest of the body.
 * (Fastify's default of 1 MiB would refuse a single phone photo.)
 */
export const PHOTO_BODY_LIMIT = Math.ceil((MAX_PHOTOS * MAX_PHOTO_BYTES * 4) / 3) + 1024 * 1024;

const MB = MAX_PHOTO_BYTES / 1024 / 1024;
const ACCEPTED = 'JPEG、PNG、WebP';
const ACCEPTED_EN = 'JPEG, PNG or WebP';

type Kind = 'jpeg' | 'png' | 'webp' | 'heic' | 'avif' | 'unknown';

/** The type from the first bytes, whatever the file name or the client claimed. */
export function sniff(b: Buffer): Kind {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp') {
    const brand = b.toString('latin1', 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heic';
  }
  return 'unknown';
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL = /^data:[\w.+-]+\/[\w.+-]+;base64,/i;

function refuse(field: string, reason: Msg, index?: number): AppError {
  const problem: Problem = { field, reason, ...(index === undefined ? {} : { index }) };
  return new AppError(400, 'BadPhoto', { zh: `${field}：${reason.zh}`, en: `${field}: ${reason.en}` }, [problem]);
}

function decodeBase64(s: unknown): Buffer | Msg {
  if (typeof s !== 'string') return { zh: 'dataBase64 必须是字符串', en: 'dataBase64 must be a string' };
  const text = s.replace(DATA_URL, '').replace(/\s+/g, '');
  if (!text) return { zh: '照片为空', en: 'the photo is empty' };
  // Checked on the text first so that an oversized upload is not decoded to find out.
  if (Math.floor((text.length * 3) / 4) - (text.match(/=+$/)?.[0].length ?? 0) > MAX_PHOTO_BYTES) {
    return { zh: `照片过大，单张不能超过 ${MB} MB`, en: `the photo is too large: at most ${MB} MB each` };
  }
  if (text.length % 4 !== 0 || !BASE64.test(text)) return { zh: '不是有效的 base64 编码', en: 'not valid base64' };
  return Buffer.from(text, 'base64');
}

/** A photo whose encoding, size, type and header passed: what decodePhotos takes. */
export interface CheckedPhoto {
  bytes: Buffer;
  field: string;
  index: number;
}

const BYTES_PER_SAMPLE: Record<string, number> = {
  uchar: 1,
  char: 1,
  ushort: 2,
  short: 2,
  uint: 4,
  int: 4,
  float: 4,
  complex: 8,
  double: 8,
  dpcomplex: 16,
};
const corrupt = (field: string, index: number) =>
  refuse(field, { zh: '图片已损坏，无法解码', en: 'the image is corrupt and cannot be decoded' }, index);

/** Everything that can be known without decoding a pixel: bytes, type, and the header's size. */
async function checkOne(bytes: Buffer, field: string, index: number): Promise<CheckedPhoto> {
  if (bytes.length === 0) throw refuse(field, { zh: '照片为空', en: 'the photo is empty' }, index);
  if (bytes.length > MAX_PHOTO_BYTES) {
    throw refuse(
      field,
      { zh: `照片过大，单张不能超过 ${MB} MB`, en: `the photo is too large: at most ${MB} MB each` },
      index,
    );
  }
  const kind = sniff(bytes);
  if (kind === 'heic' || kind === 'avif') {
    throw refuse(
      field,
      {
        zh: `不支持 HEIC/HEIF/AVIF 格式，请使用 ${ACCEPTED}（手机相机可设为"兼容性最佳"）`,
        en: `HEIC/HEIF/AVIF is not supported: use ${ACCEPTED_EN} (set the phone camera to "Most Compatible")`,
      },
      index,
    );
  }
  if (kind === 'unknown') {
    throw refuse(
      field,
      { zh: `不是图片：只接受 ${ACCEPTED}`, en: `not an image: only ${ACCEPTED_EN} are accepted` },
      index,
    );
  }
  let meta: sharp.Metadata;
  try {
    // metadata() reads the header only (no pixel is decoded), without the limit, so that a
    // bomb is named as such rather than as a corrupt file.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw corrupt(field, index);
  }
  const { width, height } = meta;
  if (!width || !height || width * height > MAX_INPUT_PIXELS) {
    throw refuse(
      field,
      {
        zh: `图片像素过多（${width ?? '?'} × ${height ?? '?'}），最多 ${MAX_INPUT_PIXELS / 1e6} 百万像素`,
        en: `the image has too many pixels (${width ?? '?'} × ${height ?? '?'}): at most ${MAX_INPUT_PIXELS / 1e6} megapixels`,
      },
      index,
    );
  }
  const sample = BYTES_PER_SAMPLE[meta.depth ?? 'uchar'] ?? 8;
  const decoded = width * height * (meta.channels ?? 4) * sample;
  if (decoded > MAX_DECODED_BYTES) {
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    throw refuse(
      field,
      {
        zh: `图片解码后过大（${width} × ${height}，每通道 ${sample * 8} 位，约 ${mb(decoded)} MB），最多 ${mb(MAX_DECODED_BYTES)} MB：请导出为 8 位色深或缩小尺寸`,
        en: `the image is too large once decoded (${width} × ${height}, ${sample * 8} bits per sample, about ${mb(decoded)} MB): at most ${mb(MAX_DECODED_BYTES)} MB; export it with 8 bits per sample or smaller`,
      },
      index,
    );
  }
  return { bytes, field, index };
}

async function decodeOne({ bytes, field, index }: CheckedPhoto): Promise<PreparedPhoto> {
  try {
    // rotate() with no angle applies the EXIF orientation; no withMetadata(), so EXIF (GPS,
    // device, owner) and ICC are dropped and the pixels converted to sRGB.
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: PHOTO_MAX_EDGE, height: PHOTO_MAX_EDGE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    const thumb = await sharp(data)
      .resize({ width: THUMB_MAX_EDGE, height: THUMB_MAX_EDGE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 75, mozjpeg: true })
      .toBuffer();
    return {
      sha256: createHash('sha256').update(data).digest('hex'),
      mime: 'image/jpeg',
      width: info.width,
      height: info.height,
      bytes: data,
      thumb,
    };
  } catch {
    throw corrupt(field, index);
  }
}

/**
 * The cheap half of preparePhotos: count, base64, size (≤ 8 MB each, ≤ 6), type by magic bytes
 * and the header's pixels and bit depth. Throws AppError 400 naming `${field}[i]` and why.
 * Callers run it with the other cheap checks (category, place, permission) and decode only
 * once all have passed (ISSUES #10 finding 7: a report outside the county decoded six photos).
 */
export async function checkPhotos(inputs: PhotoInput[], field = 'photos'): Promise<CheckedPhoto[]> {
  if (!Array.isArray(inputs)) throw refuse(field, { zh: '必须是照片数组', en: 'must be an array of photos' });
  if (inputs.length > MAX_PHOTOS) {
    throw refuse(field, {
      zh: `照片过多：${inputs.length} 张，每次最多 ${MAX_PHOTOS} 张`,
      en: `too many photos: ${inputs.length}, at most ${MAX_PHOTOS} per request`,
    });
  }
  // Every input's encoding and size first, so that a bad sixth photo is reported before five
  // good ones have been looked at.
  const buffers = inputs.map((p, i) => {
    const b = decodeBase64(p?.dataBase64);
    if (!Buffer.isBuffer(b)) throw refuse(`${field}[${i}]`, b, i);
    return b;
  });
  const out: CheckedPhoto[] = [];
  for (const [i, b] of buffers.entries()) out.push(await checkOne(b, `${field}[${i}]`, i));
  return out;
}

/**
 * The costly half: decodes and re-encodes to JPEG (EXIF stripped, auto-rotated, ≤ 2048 px long
 * edge) with a ≤ 320 px thumb. Nothing is written: call attachPhotos inside the transaction
 * afterwards (decoding happens outside it, so it holds no locks).
 */
export async function decodePhotos(checked: CheckedPhoto[]): Promise<PreparedPhoto[]> {
  const out: PreparedPhoto[] = [];
  // One at a time: decoded images are large, and libvips already uses several threads per image.
  for (const c of checked) out.push(await decodeOne(c));
  return out;
}

/** checkPhotos then decodePhotos, for callers with no other checks to run in between. */
export async function preparePhotos(inputs: PhotoInput[], field = 'photos'): Promise<PreparedPhoto[]> {
  return decodePhotos(await checkPhotos(inputs, field));
}

/**
 * Inside the caller's transaction: stores each blob once (by the hash of the re-encoded JPEG)
 * and links it to the problem and the event that brought it. Returns the problem_photos ids,
 * in the order of `photos`.
 */
export async function attachPhotos(
  tx: Queryable,
  problemId: number,
  eventId: number,
  kind: 'before' | 'after' | 'revisit',
  photos: PreparedPhoto[],
  userId: number | null,
  at: Date,
): Promise<number[]> {
  const repo = photosRepository(tx);
  const ids: number[] = [];
  for (const p of photos) {
    // A blob already stored is not sent again: the bytes are the cost (~30 ms each on PGlite
    // under load, measured while seeding the demo, where a handful of photos serve thousands).
    if (!(await repo.blobStored(p.sha256))) await repo.insertBlob(p);
    ids.push(await repo.link({ problemId, eventId, kind, sha256: p.sha256, uploadedBy: userId, at }));
  }
  return ids;
}
