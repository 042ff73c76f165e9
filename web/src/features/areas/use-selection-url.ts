import { onBeforeUnmount, watch } from 'vue';
import { useAreasStore } from './store';

const PREFIX = '#area=';

/**
 * The selected area's code lives in the address (…/#area=330822001001005), so a link sent from the
 * command center opens the same grid on a grid leader's phone. Codes, not ids: codes are stable
 * across databases and are what staff read out.
 */
export function useSelectionInUrl(): void {
  const areas = useAreasStore();

  async function fromHash(): Promise<void> {
    const hash = location.hash;
    const code = hash.startsWith(PREFIX) ? decodeURIComponent(hash.slice(PREFIX.length)) : '';
    if (!/^[0-9]{6,15}$/.test(code) || code === areas.selected?.code) return;
    await areas.selectByCode(code);
  }

  watch(
    () => areas.selected?.code,
    (code) => {
      const hash = code ? `${PREFIX}${code}` : '';
      if (location.hash === hash) return;
      history.replaceState(history.state, '', hash || `${location.pathname}${location.search}`);
    },
  );

  const onHashChange = () => void fromHash();
  window.addEventListener('hashchange', onHashChange);
  onBeforeUnmount(() => window.removeEventListener('hashchange', onHashChange));
  void fromHash();
}
