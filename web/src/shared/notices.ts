import { defineStore } from 'pinia';
import { ref } from 'vue';

export type NoticeKind = 'error' | 'info';
export interface Notice {
  id: number;
  kind: NoticeKind;
  /** already translated */
  text: string;
  /** how many times the same text arrived while shown */
  count: number;
}

const MAX_SHOWN = 4;
const AUTO_DISMISS_MS = 12_000;

/** The one place every error ends up (API, map, tiles), shown in the notice area. */
export const useNoticesStore = defineStore('notices', () => {
  const items = ref<Notice[]>([]);
  let nextId = 1;
  const timers = new Map<number, ReturnType<typeof setTimeout>>();

  function dismiss(id: number): void {
    items.value = items.value.filter((n) => n.id !== id);
    const t = timers.get(id);
    if (t !== undefined) clearTimeout(t);
    timers.delete(id);
  }

  function arm(id: number): void {
    const old = timers.get(id);
    if (old !== undefined) clearTimeout(old);
    timers.set(
      id,
      setTimeout(() => dismiss(id), AUTO_DISMISS_MS),
    );
  }

  function push(kind: NoticeKind, text: string): void {
    // A failing tile server emits the same error for every tile: show it once, counted.
    const same = items.value.find((n) => n.text === text && n.kind === kind);
    if (same) {
      same.count += 1;
      arm(same.id);
      return;
    }
    const id = nextId++;
    items.value = [...items.value, { id, kind, text, count: 1 }].slice(-MAX_SHOWN);
    arm(id);
  }

  /** Drops every notice: the next user does not inherit the previous one's messages. */
  function clear(): void {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    items.value = [];
  }

  return { items, push, dismiss, clear };
});
