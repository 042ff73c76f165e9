/**
 * Demo photos for the demo city's problems: a small street scene drawn as SVG and rendered by
 * sharp, the same place for one seed (buildings, road, kerb, bin), messy before (litter, an
 * overflowing bin, a stain, scribbles on the wall) and tidy after / at the revisit. Deterministic:
 * the same seed, kind and label give the same bytes, hence the same sha256, so blobs dedupe.
 * No text is drawn: font rendering differs between machines and would break that.
 */
import sharp from 'sharp';
import { mulberry32 } from './random';
import { preparePhotos, type PreparedPhoto } from '../../api/services/photos';

export type DemoPhotoKind = 'before' | 'after' | 'revisit';

const W = 640;
const H = 480;

/** FNV-1a → mulberry32: a small deterministic generator from a string. */
function rngOf(text: string): () => number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mulberry32(h >>> 0);
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const n = (v: number) => v.toFixed(1);

const WALLS = ['#d9cbb3', '#c9d3dc', '#e3d5c8', '#cfc6b8', '#d6dccf', '#e6dfd2'];
const ROOFS = ['#8a4b3c', '#5b6770', '#7d6a58', '#4f5b66'];
const LITTER = ['#f2f2f2', '#e8c547', '#d9483b', '#3b7dd8', '#8fbf4a', '#f0a35e', '#b9b9b9'];

/** The place: the same for every kind of photo of one seed. */
function place(r: () => number): string {
  const sky = pick(r, ['#bcd7ec', '#cfe0ea', '#d8e4ec', '#b7cfe3']);
  const parts = [`<rect width="${W}" height="${H}" fill="${sky}"/>`];
  // a row of buildings with windows
  let x = -20;
  while (x < W) {
    const w = 90 + r() * 120,
      h = 150 + r() * 150,
      top = 300 - h;
    const wall = pick(r, WALLS);
    parts.push(`<rect x="${n(x)}" y="${n(top)}" width="${n(w)}" height="${n(h)}" fill="${wall}"/>`);
    parts.push(`<rect x="${n(x - 4)}" y="${n(top - 10)}" width="${n(w + 8)}" height="12" fill="${pick(r, ROOFS)}"/>`);
    for (let wy = top + 18; wy < 270; wy += 38) {
      for (let wx = x + 12; wx < x + w - 24; wx += 34)
        parts.push(`<rect x="${n(wx)}" y="${n(wy)}" width="18" height="22" fill="#5d7386" opacity="0.8"/>`);
    }
    x += w + 4 + r() * 16;
  }
  // pavement with tiles, kerb, road with a lane mark
  parts.push(`<rect y="300" width="${W}" height="90" fill="#b4ada3"/>`);
  for (let tx = 0; tx < W; tx += 40)
    parts.push(`<line x1="${tx}" y1="300" x2="${tx - 30}" y2="390" stroke="#9d978e" stroke-width="1.5"/>`);
  parts.push(`<rect y="388" width="${W}" height="8" fill="#8c8780"/>`);
  parts.push(`<rect y="396" width="${W}" height="84" fill="#54585c"/>`);
  for (let lx = 10; lx < W; lx += 120) parts.push(`<rect x="${lx}" y="436" width="60" height="6" fill="#e8e3d0"/>`);
  return parts.join('');
}

/** A street bin at (bx, by): overflowing, or tidy with its lid on. */
function bin(bx: number, by: number, overflowing: boolean, r: () => number): string {
  const body = `<rect x="${bx}" y="${by}" width="46" height="62" rx="4" fill="#2f7d4a"/><rect x="${bx + 6}" y="${by + 14}" width="34" height="4" fill="#25643b"/>`;
  if (!overflowing) return body + `<rect x="${bx - 3}" y="${by - 8}" width="52" height="10" rx="3" fill="#25643b"/>`;
  const heap = Array.from({ length: 7 }, () => {
    const cx = bx + 4 + r() * 38,
      cy = by - 4 - r() * 18;
    return `<ellipse cx="${n(cx)}" cy="${n(cy)}" rx="${n(7 + r() * 9)}" ry="${n(5 + r() * 6)}" fill="${pick(r, LITTER)}" stroke="#555" stroke-width="0.8"/>`;
  });
  return (
    body +
    heap.join('') +
    `<rect x="${bx + 40}" y="${by - 18}" width="20" height="9" rx="2" fill="#25643b" transform="rotate(35 ${bx + 50} ${by - 14})"/>`
  );
}

function mess(r: () => number): string {
  const parts: string[] = [];
  // a dark stain spreading over the pavement
  parts.push(
    `<ellipse cx="${n(180 + r() * 280)}" cy="${n(350 + r() * 25)}" rx="${n(60 + r() * 40)}" ry="${n(14 + r() * 8)}" fill="#6e6257" opacity="0.55"/>`,
  );
  // litter: wrappers, bottles, bags
  for (let i = 0; i < 26; i++) {
    const x = r() * W,
      y = 305 + r() * 160,
      a = Math.round(r() * 180),
      c = pick(r, LITTER);
    parts.push(
      r() < 0.5
        ? `<rect x="${n(x)}" y="${n(y)}" width="${n(8 + r() * 16)}" height="${n(5 + r() * 8)}" fill="${c}" stroke="#444" stroke-width="0.6" transform="rotate(${a} ${n(x)} ${n(y)})"/>`
        : `<polygon points="${n(x)},${n(y)} ${n(x + 10 + r() * 10)},${n(y + r() * 6)} ${n(x + 4 + r() * 8)},${n(y + 8 + r() * 8)}" fill="${c}" stroke="#444" stroke-width="0.6"/>`,
    );
  }
  // scribbles on the wall
  for (let i = 0; i < 3; i++) {
    let d = `M ${n(40 + r() * 520)} ${n(190 + r() * 80)}`;
    for (let k = 0; k < 6; k++)
      d += ` q ${n(r() * 40 - 20)} ${n(r() * 40 - 20)} ${n(10 + r() * 25)} ${n(r() * 20 - 10)}`;
    parts.push(
      `<path d="${d}" fill="none" stroke="${pick(r, ['#c0392b', '#1f3a93', '#111', '#8e44ad'])}" stroke-width="${n(3 + r() * 3)}" stroke-linecap="round"/>`,
    );
  }
  return parts.join('');
}

/** Clean: planters along the kerb; the revisit shows them grown a little (days later). */
function tidy(r: () => number, revisit: boolean): string {
  const parts: string[] = [];
  for (let px = 60 + r() * 60; px < W - 40; px += 170 + r() * 40) {
    parts.push(`<rect x="${n(px)}" y="352" width="44" height="26" fill="#8d6e52"/>`);
    parts.push(
      `<ellipse cx="${n(px + 22)}" cy="348" rx="${revisit ? 30 : 24}" ry="${revisit ? 20 : 15}" fill="${revisit ? '#3f8f3a' : '#4e9f48'}"/>`,
    );
  }
  return parts.join('');
}

/** The SVG of a demo photo (exported for tests and previews). */
export function demoPhotoSvg(seed: string, kind: DemoPhotoKind, label = ''): string {
  const r = rngOf(`place:${seed}`);
  const base = place(r);
  const bx = 40 + Math.floor(r() * 500);
  const v = rngOf(`${kind}:${seed}:${label}`);
  const scene =
    kind === 'before' ? bin(bx, 318, true, v) + mess(v) : tidy(v, kind === 'revisit') + bin(bx, 318, false, v);
  // The revisit comes later in the day: warmer light.
  const light = kind === 'revisit' ? `<rect width="${W}" height="${H}" fill="#ffb347" opacity="0.08"/>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${base}${scene}${light}</svg>`;
}

/**
 * A deterministic demo photo, prepared exactly as an upload would be (re-encoded JPEG + thumb),
 * ready for attachPhotos. `label` varies the scene further (e.g. a problem number); it is not
 * drawn.
 */
export async function demoPhoto(seed: string, kind: DemoPhotoKind, label?: string): Promise<PreparedPhoto> {
  const jpeg = await sharp(Buffer.from(demoPhotoSvg(seed, kind, label)))
    .jpeg({ quality: 80 })
    .toBuffer();
  const [photo] = await preparePhotos([{ name: `demo-${kind}.jpg`, dataBase64: jpeg.toString('base64') }]);
  return photo!;
}
