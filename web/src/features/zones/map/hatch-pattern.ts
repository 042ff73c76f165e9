import type { Map as MlMap } from 'maplibre-gl';
import { UNASSIGNED_LINE } from './unit-colors';

export const HATCH_IMAGE = 'zones-hatch';

/**
 * Diagonal stripes for areas no unit leads, drawn here rather than loaded: the app has no
 * sprite (no internet). Drawn at the device pixel ratio so the stripes stay crisp on a phone,
 * and `k` (the UI scale) keeps them as visible on a wall as on a laptop.
 */
export function addHatchImage(map: MlMap, k: number, id: string = HATCH_IMAGE): void {
  const ratio = Math.max(1, Math.round(window.devicePixelRatio || 1));
  const size = Math.round(12 * k) * ratio;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = 'rgba(255,255,255,0.35)';
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = UNASSIGNED_LINE;
  ctx.lineWidth = 2.2 * k * ratio;
  ctx.lineCap = 'square';
  // Three strokes so the stripe continues across the tile's edges when the pattern repeats.
  ctx.beginPath();
  for (const o of [-size, 0, size]) {
    ctx.moveTo(o, size);
    ctx.lineTo(o + size, 0);
  }
  ctx.stroke();
  if (map.hasImage(id)) map.removeImage(id);
  map.addImage(id, ctx.getImageData(0, 0, size, size), { pixelRatio: ratio });
}

/** `id`: another view's copy (the figures' gap layer) lives and dies with its own layers. */
export function removeHatchImage(map: MlMap, id: string = HATCH_IMAGE): void {
  if (map.style && map.hasImage(id)) map.removeImage(id);
}
