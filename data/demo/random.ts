// The whole city has to be reproducible from one integer, so Math.random is never used anywhere
// in the generator; the generator itself is the code base's one (api/domain/random.ts).
import { mulberry32, type Rng } from '../../api/domain/random';

export { mulberry32, type Rng };

/**
 * An independent stream per purpose: adding a draw to one step (say, road wiggles) must not
 * reshuffle every later step (names, outline), or small edits would change the whole city.
 */
export function substream(seed: number, label: string): Rng {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return mulberry32(h);
}

export const between = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng();

/** Fisher–Yates on a copy. */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
