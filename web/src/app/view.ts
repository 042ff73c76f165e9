import { defineStore } from 'pinia';
import { ref } from 'vue';

/** The map's views (modes): the area hierarchy, the contracting zones, the problem loop, the figures. */
export type ViewMode = 'areas' | 'zones' | 'problems' | 'figures' | 'assessment';
export const VIEW_MODES: readonly ViewMode[] = ['areas', 'zones', 'problems', 'figures', 'assessment'];

/**
 * Which view the one map shows. Features follow it (the zone store reloads when its view opens;
 * MapScreen mounts each view's layers, legend and panel); a feature may switch it (a problem
 * behind a figure opens in the problem view).
 */
export const useViewStore = defineStore('view', () => {
  const mode = ref<ViewMode>('areas');
  function setMode(next: ViewMode): void {
    mode.value = next;
  }
  function reset(): void {
    mode.value = 'areas';
  }
  return { mode, setMode, reset };
});
