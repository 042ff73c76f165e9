import { between, type Rng } from './random';

/** The irregular built-up outline of the city: a radius that varies smoothly with direction. */
export interface Outline {
  /** mean radius in metres */
  radius: number;
  /** largest radius in any direction */
  maxRadius: number;
  radiusAt(theta: number): number;
  /** distance from the centre relative to the outline in that direction: < 1 inside */
  rho(x: number, y: number): number;
}

interface Harmonic {
  k: number;
  amp: number;
  phase: number;
}

/**
 * A star-shaped outline r(θ) = R·(1 + Σ a_k cos(kθ + φ_k)) with low harmonics only, so it stays
 * smooth; the second harmonic is aligned with `along` because towns stretch along their river.
 */
export function makeOutline(rng: Rng, area: number, along: number): Outline {
  const harmonics: Harmonic[] = [{ k: 2, amp: between(rng, 0.1, 0.16), phase: -2 * along }];
  for (let k = 3; k <= 6; k++)
    harmonics.push({ k, amp: between(rng, 0.015, 0.05), phase: between(rng, 0, 2 * Math.PI) });
  const shape = (theta: number) => {
    let f = 1;
    for (const h of harmonics) f += h.amp * Math.cos(h.k * theta + h.phase);
    return f;
  };
  // Area of the unit-radius shape, ½∮f² dθ, so that the outline encloses the asked area.
  const steps = 720;
  let unitArea = 0;
  let unitMax = 0;
  for (let i = 0; i < steps; i++) {
    const f = shape((2 * Math.PI * i) / steps);
    unitArea += 0.5 * f * f * ((2 * Math.PI) / steps);
    unitMax = Math.max(unitMax, f);
  }
  const radius = Math.sqrt(area / unitArea);
  return {
    radius,
    maxRadius: radius * unitMax * 1.01,
    radiusAt: (theta) => radius * shape(theta),
    rho: (x, y) => Math.hypot(x, y) / (radius * shape(Math.atan2(y, x))),
  };
}
