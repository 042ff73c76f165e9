import { inject, onBeforeUnmount, provide, type InjectionKey } from 'vue';
import type { Map as MlMap, MapEventType } from 'maplibre-gl';

/**
 * The map is created once by MapView and shared by provide/inject; it never goes into reactive
 * state (a Vue proxy around it breaks MapLibre's identity checks and costs every frame).
 */
interface MapHolder {
  map: MlMap | undefined;
}
const MAP_KEY: InjectionKey<MapHolder> = Symbol('wangge-map');

export function provideMap(): MapHolder {
  const holder: MapHolder = { map: undefined };
  provide(MAP_KEY, holder);
  return holder;
}

/** For components rendered inside MapView's slot, which only renders once the map has loaded. */
export function useMap(): MlMap {
  const map = inject(MAP_KEY)?.map;
  if (!map) throw new Error('useMap() outside a loaded MapView');
  return map;
}

/** map.on now, map.off when the component goes: no listener outlives its component. */
export function useMapEvent<T extends keyof MapEventType>(
  map: MlMap,
  type: T,
  listener: (ev: MapEventType[T]) => void,
): void {
  map.on(type, listener);
  onBeforeUnmount(() => {
    map.off(type, listener);
  });
}
