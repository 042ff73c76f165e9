import type { PaddingOptions } from 'maplibre-gl';

/** Width under which the side panel becomes a bottom sheet; App.vue's media query uses the same number. */
export const PHONE_MAX_WIDTH = 640;

/**
 * Room the floating UI takes over the map, so a fitted area lands in the visible part:
 * the left column (search + panel) on a desktop, the top bar and the bottom sheet on a phone.
 */
export function cameraPadding(): PaddingOptions {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  const w = window.innerWidth;
  const h = window.innerHeight;
  const p =
    w < PHONE_MAX_WIDTH
      ? { top: 10.6 * rem, bottom: h * 0.42, left: rem, right: rem }
      : { top: 5 * rem, bottom: 2.5 * rem, left: 27 * rem, right: 4 * rem };
  // Never ask for more padding than the canvas has: MapLibre would refuse to fit.
  const fitX = Math.min(1, (w * 0.8) / (p.left + p.right));
  const fitY = Math.min(1, (h * 0.8) / (p.top + p.bottom));
  return { top: p.top * fitY, bottom: p.bottom * fitY, left: p.left * fitX, right: p.right * fitX };
}
