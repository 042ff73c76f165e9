import { openDB, type IDBPDatabase } from 'idb';
import type { Conflict, Seen } from './conflict';

/**
 * The field workspace's outbox (IndexedDB): every write the phone makes — a report with its
 * photos, a fix, a patrol — is stored here first with its client-made Idempotency-Key, then sent.
 * It leaves the outbox only once the server answered it, so closing the app mid-sync loses
 * nothing, and a resend with the same key is answered with the first answer: nothing is doubled.
 */
export type OutboxKind = 'report' | 'fix' | 'patrol';
export interface OutboxItem {
  /** the Idempotency-Key, also the record's key */
  key: string;
  userId: number;
  kind: OutboxKind;
  url: string;
  body: unknown;
  /** what the queue shows: the category or the problem number */
  label: string;
  createdAt: string;
  /** waiting: sent when online; failed: the server refused it (error says why) */
  state: 'waiting' | 'failed';
  error?: string;
  /** refused because someone else changed the problem first (409 StaleVersion) */
  conflict?: boolean;
  /** a problem action (fix): which problem and action, and the problem as I saw it when queued */
  problemId?: number;
  action?: string;
  seen?: Seen;
  /** after a 409: what changed meanwhile (read once from the problem's timeline) */
  changed?: Conflict;
}

const DB = 'wangge-field';
const STORE = 'outbox';
let opened: Promise<IDBPDatabase> | null = null;
const db = () =>
  (opened ??= openDB(DB, 1, {
    upgrade(d) {
      d.createObjectStore(STORE, { keyPath: 'key' });
    },
  }));

export const outbox = {
  async all(userId: number): Promise<OutboxItem[]> {
    const items = (await (await db()).getAll(STORE)) as OutboxItem[];
    return items.filter((i) => i.userId === userId).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  },
  async put(item: OutboxItem): Promise<void> {
    // plain data only: IndexedDB cannot clone Vue's reactive proxies (an item read back from the screen's list)
    await (await db()).put(STORE, JSON.parse(JSON.stringify(item)) as OutboxItem);
  },
  async remove(key: string): Promise<void> {
    await (await db()).delete(STORE, key);
  },
};

/** A fresh key for a new write (RFC 4122 v4 where the browser has it). */
export function newKey(): string {
  if (typeof crypto !== 'undefined' && 'randomUUID' in crypto) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}
