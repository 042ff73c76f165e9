import type { Map as MlMap } from 'maplibre-gl';

/**
 * deck.gl 9.4's interleaved mode (@deck.gl/mapbox deck-utils getViewport) divides the near/far
 * planes MapLibre hands to custom layers by `map.transform.height`: a property MapLibre 5 had and
 * MapLibre 6 keeps inside its camera, so every frame would throw. Give the map the one number
 * deck reads: the canvas height in CSS pixels, which is what the transform's height is.
 * (Terrain would also read `transform.elevation`; this map has no terrain.)
 */
export function exposeTransformForDeck(map: MlMap): void {
  if ('transform' in map && (map as { transform?: unknown }).transform) return;
  Object.defineProperty(map, 'transform', {
    configurable: true,
    get: () => ({ height: map.getCanvas().clientHeight }),
  });
}
