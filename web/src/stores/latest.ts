import { reactive } from 'vue';
import { isAbort } from '../api/client';
import { useReportError } from './report-error';

/**
 * One request per kind in flight: a newer request of a kind aborts the older one, whose answer
 * is then dropped; `loading[kind]` is true while one runs; errors go to the notice area. For
 * stores whose panels ask again whenever a choice changes (the figure view's).
 */
export function useLatest<K extends string>(kinds: readonly K[]) {
  const reportError = useReportError();
  const inFlight = new Map<K, AbortController>();
  const loading = reactive(Object.fromEntries(kinds.map((k) => [k, false]))) as Record<K, boolean>;

  async function latest<T>(kind: K, run: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
    inFlight.get(kind)?.abort();
    const ctl = new AbortController();
    inFlight.set(kind, ctl);
    loading[kind] = true;
    try {
      return await run(ctl.signal);
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
