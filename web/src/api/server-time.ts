import { ref } from 'vue';

/**
 * How far the server's clock is ahead of this browser's, from the `X-Server-Time` header every
 * API answer carries. "Today", "this week", the default period and countdowns are judged by the
 * server's clock: its clock decides what is overdue and which week is over, office PCs' clocks
 * drift, and the browser tests run the server on a fixed clock. Reactive, so a countdown or a
 * "today" already shown corrects itself when the first answer arrives.
 */
const offsetMs = ref(0);

/**
 * Moves the offset only when it changed by more than the jitter of a round trip: everything
 * computed from serverNow() (the figure period, "this week") would otherwise be recomputed on
 * every answer, and watchers of it would reset what the user had open.
 */
const JITTER_MS = 2000;

export function noteServerTime(iso: string | undefined | null): void {
  const t = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(t)) return;
  const offset = t - Date.now();
  if (Math.abs(offset - offsetMs.value) > JITTER_MS) offsetMs.value = offset;
}

/** The server's now in ms (reads the reactive offset, so computed values follow it). */
export function serverNow(): number {
  return Date.now() + offsetMs.value;
}
