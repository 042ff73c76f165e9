import type { Queryable } from '../db/types';
import { FORGET_AFTER_MS, notBefore, type FailureCount } from '../auth/login-throttle';

/** The whole-name row of login_failures (sql/migrations/009). */
const ALL = '*';

const SQL_COUNTS = `
  SELECT address, failures, last_failure_at AS "lastFailureAt"
  FROM login_failures WHERE account = lower($1) AND address IN ($2, '*')`;

// A count older than the forget window starts again at 1 instead of adding up.
const SQL_RECORD = `
  INSERT INTO login_failures AS f (account, address, failures, last_failure_at)
  VALUES (lower($1), $2, 1, $3::timestamptz), (lower($1), '*', 1, $3::timestamptz)
  ON CONFLICT (account, address) DO UPDATE SET
    failures = CASE WHEN f.last_failure_at <= $3::timestamptz - $4::bigint * interval '1 millisecond' THEN 1 ELSE f.failures + 1 END,
    last_failure_at = $3::timestamptz`;

// Names are as typed, so anyone can add rows; forgotten ones are removed as new ones come.
const SQL_PRUNE = `DELETE FROM login_failures WHERE last_failure_at <= $1::timestamptz - $2::bigint * interval '1 millisecond'`;
const SQL_CLEAR_PAIR = `DELETE FROM login_failures WHERE account = lower($1) AND address = $2`;
const SQL_CLEAR_ACCOUNT = `DELETE FROM login_failures WHERE account = lower($1)`;

/** Login (and password-change) failures per name as typed and address; policy in auth/login-throttle.ts. */
export function loginFailuresRepository(db: Queryable) {
  return {
    /** When this name may next be tried from this address; null = now. */
    async notBefore(username: string, address: string, now: Date): Promise<Date | null> {
      const { rows } = await db.query<FailureCount & { address: string }>(SQL_COUNTS, [username, address]);
      const pair = rows.find((r) => r.address === address && address !== ALL) ?? null;
      const account = rows.find((r) => r.address === ALL) ?? null;
      return notBefore(now, pair, account);
    },
    async recordFailure(username: string, address: string, now: Date) {
      await db.query(SQL_RECORD, [username, address, now.toISOString(), FORGET_AFTER_MS]);
      await db.query(SQL_PRUNE, [now.toISOString(), FORGET_AFTER_MS]);
    },
    /** A correct password from this address: its own count is cleared, the whole-name one stays. */
    async clear(username: string, address: string) {
      await db.query(SQL_CLEAR_PAIR, [username, address]);
    },
    /** An admin set a new password: every count on the name goes. */
    async clearAll(username: string) {
      await db.query(SQL_CLEAR_ACCOUNT, [username]);
    },
  };
}
export type LoginFailuresRepository = ReturnType<typeof loginFailuresRepository>;
