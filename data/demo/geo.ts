/** Local planar metres around the county seat ↔ WGS84 lon/lat. */

// 常山县城 (Changshan county seat), near the 定阳路/人民路 crossing.
export const ORIGIN_LON = 118.515;
export const ORIGIN_LAT = 28.905;

// Equirectangular approximation about the origin: the city spans at most ~100 km, where the
// error of this projection stays far below the grid sizes, and it keeps every step linear.
const M_PER_DEG_LON = 111320 * Math.cos((ORIGIN_LAT * Math.PI) / 180);
const M_PER_DEG_LAT = 110574;

/** Output precision: 7 decimals ≈ 1 cm. */
export const E7 = 1e7;
const LON0_E7 = Math.round(ORIGIN_LON * E7);
const LAT0_E7 = Math.round(ORIGIN_LAT * E7);

// Coordinates are rounded once, to integers in units of 1e-7°, and all later topology works on
// those integers: shared vertices then compare exactly and orientation tests are exact.
export const lonE7 = (x: number): number => Math.round((ORIGIN_LON + x / M_PER_DEG_LON) * E7);
export const latE7 = (y: number): number => Math.round((ORIGIN_LAT + y / M_PER_DEG_LAT) * E7);

/** A collision-free numeric key for an E7 position within ±1.6° of the origin. */
export function keyE7(lon: number, lat: number): number {
  const dx = lon - LON0_E7 + 0x1000000;
  const dy = lat - LAT0_E7 + 0x1000000;
  if (dx < 0 || dx >= 0x2000000 || dy < 0 || dy >= 0x2000000)
    throw new RangeError('demo city too large for its coordinate keys');
  return dx * 0x2000000 + dy;
}

/** GeoJSON position from E7 integers; dividing by an exact power of ten gives the nearest double. */
export const position = (lon: number, lat: number): [number, number] => [lon / E7, lat / E7];

/** Local metres → GeoJSON position rounded to 7 decimals. */
export const toPosition = (x: number, y: number): [number, number] => position(lonE7(x), latE7(y));
