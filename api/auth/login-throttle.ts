/**
 * Login throttling policy (docs/ARCHITECTURE.md decision 12; OWASP ASVS 4.0 V2.2.1: anti-automation
 * that mitigates brute force *and* account lock-out, "ever increasing delays between attempts",
 * no more than 100 failed attempts per hour on one account).
 *
 * - Per (name as typed, address): 5 failures free, then each attempt waits 1 s, doubling up to
 *   15 min. The person at the keyboard is throttled by their own typos only: failures from other
 *   addresses never delay them, so nobody can keep someone else's account shut.
 * - Per name over all addresses: past 100 failures an address that has failed on this name
 *   itself is refused until its own count is forgotten; an address with no failure on it (the
 *   owner's, usually) is still checked. A distributed guesser gains one guess per fresh address.
 * - A count is forgotten an hour after its last counted failure; a correct password clears the
 *   (name, address) count. Attempts refused here are not counted and no password is checked.
 * Pure: "now" comes from the app clock, so tests move time instead of sleeping.
 */
export const FREE_FAILURES = 5;
export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 15 * 60_000;
export const FORGET_AFTER_MS = 60 * 60_000;
export const ACCOUNT_CEILING = 100;

export interface FailureCount {
  failures: number;
  lastFailureAt: Date;
}

/** The wait after `failures` failures from one address on one name. */
export function delayAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(30, failures - FREE_FAILURES));
}

const live = (c: FailureCount | null, now: number) =>
  c && now - c.lastFailureAt.getTime() < FORGET_AFTER_MS ? c : null;

/** When the next attempt of this name from this address may be checked; null = at once. */
export function notBefore(now: Date, pair: FailureCount | null, account: FailureCount | null): Date | null {
  const t = now.getTime();
  const p = live(pair, t);
  const a = live(account, t);
  if (!p) return null;
  let until = p.lastFailureAt.getTime() + delayAfter(p.failures);
  if (a && a.failures >= ACCOUNT_CEILING) until = Math.max(until, p.lastFailureAt.getTime() + FORGET_AFTER_MS);
  return until > t ? new Date(until) : null;
}

/** Whole seconds to announce in Retry-After and the message (at least 1). */
export const retryAfterSeconds = (until: Date, now: Date) =>
  Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
