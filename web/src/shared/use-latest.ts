import { onBeforeUnmount, reactive, ref, toRef, watch, type Ref } from 'vue';
import { isAbort } from '../api/client';
import { useReportError } from './report-error';

/**
 * "Latest request wins", the one implementation: one request per kind in flight; a newer request
 * of a kind aborts the older one, whose answer is then dropped even if it already arrived;
 * `loading[kind]` is true while one runs; errors (not aborts) go to the notice area.
 */
export function useLatest<K extends string>(kinds: readonly K[]) {
  const reportError = useReportError();
  const inFlight = new Map<K, AbortController>();
  const loading = reactive(Object.fromEntries(kinds.map((k) => [k, false]))) as Record<K, boolean>;

  /**
   * Resolves to the answer, or undefined when it failed or a newer request of the kind replaced
   * it. `apply` takes the answer before `loading[kind]` drops, so no frame shows neither.
   */
  async function latest<T>(
    kind: K,
    run: (signal: AbortSignal) => Promise<T>,
    apply?: (value: T) => void,
  ): Promise<T | undefined> {
    inFlight.get(kind)?.abort();
    const ctl = new AbortController();
    inFlight.set(kind, ctl);
    loading[kind] = true;
    try {
      const got = await run(ctl.signal);
      if (inFlight.get(kind) !== ctl) return undefined;
      apply?.(got);
      return got;
    } catch (e) {
      if (!isAbort(e)) reportError(e);
      return undefined;
    } finally {
      if (inFlight.get(kind) === ctl) {
        inFlight.delete(kind);
        loading[kind] = false;
      }
    }
  }
  function abort(kind: K): void {
    inFlight.get(kind)?.abort();
    inFlight.delete(kind);
    loading[kind] = false;
  }
  function abortAll(): void {
    for (const k of [...inFlight.keys()]) abort(k);
  }
  return { latest, abort, abortAll, loading };
}

/**
 * Data a card shows for its subject (a grid at a day, a notice…), on `useLatest`: loaded whenever
 * `key` changes (compared as JSON), the older request aborted, aborted too when the card goes.
 * `key` null: nothing to load. `load` is a store's query, not an API call (components go through
 * their feature's store).
 */
export function useLatestData<K, T>(
  key: () => K | null,
  load: (key: K, signal: AbortSignal) => Promise<T>,
): { data: Ref<T | null>; loading: Ref<boolean> } {
  const { latest, abort, loading } = useLatest(['data'] as const);
  const data = ref<T | null>(null) as Ref<T | null>;
  watch(
    () => JSON.stringify(key()),
    () => {
      const k = key();
      data.value = null;
      if (k === null) return abort('data');
      void latest(
        'data',
        (signal) => load(k, signal),
        (got) => (data.value = got),
      );
    },
    { immediate: true },
  );
  onBeforeUnmount(() => abort('data'));
  return { data, loading: toRef(loading, 'data') };
}
