import { computed, onBeforeUnmount, ref, type ComputedRef } from 'vue';
import { serverNow } from '../../api/server-time';

/** The server's "now" (api/server-time.ts), ticking every 30 s: enough for countdowns shown in minutes. */
export function useNow(): ComputedRef<number> {
  const tick = ref(Date.now());
  const timer = setInterval(() => (tick.value = Date.now()), 30_000);
  onBeforeUnmount(() => clearInterval(timer));
  return computed(() => (void tick.value, serverNow()));
}
