/** A seeded uniform generator on [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: 32 bits of state, fast, and mixed well enough for layout work and local search.
 * The one seeded generator of the code base: the demo city (data/demo/random.ts), its photos and
 * the zone auto-balance draw from it, so the same seed gives the same result everywhere.
 */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
