import { computed, onBeforeUnmount, ref, type ComputedRef } from 'vue';

/**
 * How far the server's clock is ahead of this browser's (set from every answer that carries the
 * server's time). Countdowns follow the server: its clock decides what is overdue, and in the
 * browser tests it is moved forward by days. Reactive, so a countdown already shown corrects
 * itself when the first answer arrives.
 */
const offsetMs = ref(0);
export function setServerNow(iso: string | undefined | null): void {
  const t = iso ? Date.parse(iso) : NaN;
  if (Number.isFinite(t)) offsetMs.value = t - Date.now();
}

/** The server's "now", ticking every 30 s: enough for countdowns shown in minutes. */
export function useNow(): ComputedRef<number> {
  const tick = ref(Date.now());
  const timer = setInterval(() => (tick.value = Date.now()), 30_000);
  onBeforeUnmount(() => clearInterval(timer));
  return computed(() => tick.value + offsetMs.value);
}
