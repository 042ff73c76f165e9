import { substream } from '../random';
import { between, round7 } from './draw';
import { P } from './shares';
import type { PlannedProblem, PlanStep } from './types';

/**
 * Where the device was at each fix (整改) of a plan: near the problem (a few to 40 m off, as a
 * phone's GPS puts someone standing at the site), accuracy 5–30 m, at the step's instant; a few
 * fixes made far away (150–600 m, from the office) so the 存疑整改 flag (api/domain/fix-proof.ts)
 * shows in the demo. Drawn from the problem's own `proof:` stream, so adding positions changed
 * no other draw of the plan. Pure.
 */

const NEAR_M: [number, number] = [3, 40];
const FAR_M: [number, number] = [150, 600];
const ACCURACY_M: [number, number] = [5, 30];

/** The plan with a device position on each of its fix steps (the plan itself when it has none). */
export function withFixPositions(seed: number, p: PlannedProblem): PlannedProblem {
  if (!p.steps.some((s) => s.action === 'fix')) return p;
  const rng = substream(seed, `proof:${p.index}`);
  const kx = 111_320 * Math.cos((p.lat * Math.PI) / 180),
    ky = 110_574;
  const position = (): NonNullable<PlanStep['position']> => {
    const far = rng() < P.fixFar;
    const metres = far ? between(rng, ...FAR_M) : between(rng, ...NEAR_M);
    const bearing = between(rng, 0, 2 * Math.PI);
    return {
      lon: round7(p.lon + (metres * Math.cos(bearing)) / kx),
      lat: round7(p.lat + (metres * Math.sin(bearing)) / ky),
      accuracyM: Math.round(between(rng, ...ACCURACY_M) * 10) / 10,
    };
  };
  return { ...p, steps: p.steps.map((s) => (s.action === 'fix' ? { ...s, position: position() } : s)) };
}
