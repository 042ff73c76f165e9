import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { isAbort } from '../../api/client';
import { useReportError } from '../../stores/report-error';

/**
 * Data a card shows for its subject (a grid at a day…): loaded whenever `key` changes, the
 * older request aborted, errors to the notice area. `key` null: nothing to load.
 */
export function useFetch<K, T>(
  key: () => K | null,
  load: (key: K, signal: AbortSignal) => Promise<T>,
): { data: Ref<T | null>; loading: Ref<boolean> } {
  const reportError = useReportError();
  const data = ref<T | null>(null) as Ref<T | null>;
  const loading = ref(false);
  let ctl: AbortController | null = null;

  watch(
    () => JSON.stringify(key()),
    async () => {
      ctl?.abort();
      const k = key();
      data.value = null;
      if (k === null) {
        loading.value = false;
        return;
      }
      const mine = new AbortController();
      ctl = mine;
      loading.value = true;
      try {
        const got = await load(k, mine.signal);
        if (ctl === mine) data.value = got;
      } catch (e) {
        if (!isAbort(e)) reportError(e);
      } finally {
        if (ctl === mine) loading.value = false;
      }
    },
    { immediate: true },
  );
  onBeforeUnmount(() => ctl?.abort());
  return { data, loading };
}
