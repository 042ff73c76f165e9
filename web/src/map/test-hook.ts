import type { Map as MlMap } from 'maplibre-gl';

declare global {
  interface Window {
    /**
     * For the browser tests only: the map, so they can wait for tiles and query what is drawn.
     * Nothing else goes here; the app never reads it.
     */
    __wangge?: { map: MlMap };
  }
}

export function exposeMapForTests(map: MlMap | undefined): void {
  if (map) window.__wangge = { map };
  else delete window.__wangge;
}
