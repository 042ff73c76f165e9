import type { Queryable } from '../db/types';

/** Stored answers of writes sent with an Idempotency-Key (idempotency_keys, sql/migrations/018). */
export interface StoredAnswer {
  fingerprint: string;
  status: number | null;
  body: unknown;
}

export function idempotencyRepository(db: Queryable) {
  return {
    /**
     * Claims (user, key) for a new write: true when this transaction now holds it. A concurrent
     * claim of the same key waits here until the holder commits (then false: read its answer) or
     * rolls back (then true). An expired key is dropped first, so it can be used afresh.
     */
    async claim(userId: number, key: string, fingerprint: string, now: Date, expiresAt: Date): Promise<boolean> {
      await db.query('DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND expires_at <= $3', [
        userId,
        key,
        now,
      ]);
      const { rows } = await db.query(
        `INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, key) DO NOTHING RETURNING 1`,
        [userId, key, fingerprint, now, expiresAt],
      );
      return rows.length === 1;
    },
    /** The answer stored under (user, key), if any. */
    async find(userId: number, key: string): Promise<StoredAnswer | null> {
      const { rows } = await db.query<StoredAnswer>(
        'SELECT fingerprint, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2',
        [userId, key],
      );
      return rows[0] ?? null;
    },
    /** Stores the answer of the claimed write (inside the write's transaction). */
    async answer(userId: number, key: string, status: number, body: unknown): Promise<void> {
      await db.query('UPDATE idempotency_keys SET status = $3, body = $4 WHERE user_id = $1 AND key = $2', [
        userId,
        key,
        status,
        JSON.stringify(body ?? null),
      ]);
    },
    /**
     * Forgets up to `limit` keys expired by `now`, skipping rows another transaction holds (so
     * concurrent writers never wait on each other's clean-up).
     */
    async purge(now: Date, limit: number): Promise<void> {
      await db.query(
        `DELETE FROM idempotency_keys WHERE (user_id, key) IN (
           SELECT user_id, key FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [now, limit],
      );
    },
  };
}
export type IdempotencyRepository = ReturnType<typeof idempotencyRepository>;
