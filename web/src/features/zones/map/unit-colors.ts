import type { ExpressionSpecification } from 'maplibre-gl';

/**
 * A unit's colour, from its id alone: the same unit has the same colour on every screen, day
 * and zoom, with no colour table to keep. Hues step by the golden angle (137.5°), so units with
 * neighbouring ids (a community's grids are split among consecutive units) are far apart on the
 * colour wheel; three lightness/saturation tiers separate the ids whose hues come close.
 */
const GOLDEN_ANGLE = 137.508;
const TIERS: [number, number][] = [
  [72, 52],
  [58, 42],
  [78, 68],
];

function hslToHex(h: number, s: number, l: number): string {
  const a = (s / 100) * Math.min(l / 100, 1 - l / 100);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l / 100 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

export function unitColor(id: number): string {
  const [s, l] = TIERS[id % TIERS.length]!;
  return hslToHex((id * GOLDEN_ANGLE) % 360, s, l);
}

/** For areas no unit leads: they are hatched, their base stays pale. */
export const UNASSIGNED_FILL = '#e9e4dc';
export const UNASSIGNED_LINE = '#c0262d';
export const NO_LEADER_LINE = '#6d28d9';
export const UNIT_OUTLINE = '#1c2733';

/** `lead_unit_id` → colour, for the ids known (the units list); anything else gets the pale base. */
export function unitColorExpression(ids: number[]): ExpressionSpecification {
  const pairs = [...new Set(ids)].sort((a, b) => a - b).flatMap((id) => [id, unitColor(id)]);
  if (!pairs.length) return ['to-color', UNASSIGNED_FILL];
  return [
    'match',
    ['to-number', ['get', 'lead_unit_id'], -1],
    ...pairs,
    UNASSIGNED_FILL,
  ] as unknown as ExpressionSpecification;
}
