import type { Db, Queryable } from '../db/types';
import { noticesRepository } from '../repositories/notices';
import { ledgersRepository } from '../repositories/ledgers';
import { problemPartitionsRepository } from '../repositories/problem-partitions';

/**
 * The overdue sweep (docs/PROBLEMS.md "Overdue, supervision and accountability"): one
 * supervision notice (督办通知单, due in 24 h) per problem and cycle once an assigned problem
 * passes its deadline; one accountability notice (问责通知单) per cycle once that supervision
 * notice falls due and the problem is still assigned and overdue. Each notice is also an event
 * of the problem (actor NULL = the system) and so bumps its version, like any other write.
 * Set-based: one statement per kind, whatever the number of problems.
 */
export const NOTICE_DUE_HOURS = 24;

/** Months of problem partitions kept ready ahead of the current one (migration 025). */
export const PARTITION_MONTHS_AHEAD = 3;

const beijingYear = (d: Date) => String(new Date(d.getTime() + 8 * 3600_000).getUTCFullYear());

export interface SweepResult {
  supervision: number;
  accountability: number;
}

/**
 * Raises what is due at `now` (the app clock's). Supervision first: a problem that is overdue
 * for the first time gets its supervision notice now, and its accountability notice only when
 * that one falls due, at a later sweep. Sweeps are serialised by an advisory lock.
 */
export async function sweepOverdue(db: Db, now: Date): Promise<SweepResult> {
  return db.transaction(async (tx) => {
    const notices = noticesRepository(tx);
    await notices.lockSweep();
    return raiseDue(tx, now);
  });
}

/**
 * The server's minutely sweep: with several API processes (WANGGE_WORKERS) each has the timer,
 * and whichever takes the advisory lock first sweeps; the others skip that round at once (null)
 * instead of queueing behind it for a sweep that would find nothing left.
 */
export async function sweepOverdueIfFree(db: Db, now: Date): Promise<SweepResult | null> {
  return db.transaction(async (tx) => {
    if (!(await noticesRepository(tx).tryLockSweep())) return null;
    // the sweep runs in exactly one process: it also keeps the problem months ahead partitioned
    // (a no-op but for a few catalogue lookups, except once a month)
    const ahead = new Date(now);
    ahead.setUTCMonth(ahead.getUTCMonth() + PARTITION_MONTHS_AHEAD);
    await problemPartitionsRepository(tx).ensure(now, ahead);
    return raiseDue(tx, now);
  });
}

async function raiseDue(tx: Queryable, now: Date): Promise<SweepResult> {
  const notices = noticesRepository(tx);
  const year = beijingYear(now);
  const supervision = await notices.raise('supervision', now, year, NOTICE_DUE_HOURS);
  const accountability = await notices.raise('accountability', now, year, NOTICE_DUE_HOURS);
  // ledger items not passed by their due day get their 督办 in the same sweep (docs/ASSESSMENT.md)
  await ledgersRepository(tx).raiseNotices(now, year, NOTICE_DUE_HOURS);
  return { supervision, accountability };
}
