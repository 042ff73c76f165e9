/**
 * "Now" for everything in the problem loop (deadlines, overdue, notices). Timestamps the loop
 * writes are the clock's, passed to SQL as parameters, never `now()` in SQL, so a test or the
 * e2e run can move time and watch deadlines pass (docs/PROBLEMS.md "Clock").
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface ControllableClock extends Clock {
  readonly controllable: true;
  /** moves the clock forward (or back, if ms < 0); returns the new now */
  advance(ms: number): Date;
  set(date: Date): void;
}

/**
 * With a start, the clock stands still at it and moves only when told (deterministic tests).
 * Without one, it follows the system clock plus an offset that advance/set change, so a running
 * server (the e2e run) still ticks between clock moves and events keep their order in time.
 */
export function controllableClock(start?: Date, opts: { ticking?: boolean } = {}): ControllableClock {
  // ticking: starts at `start` and then follows the system clock (WANGGE_CLOCK_START, e2e runs)
  const ticking = opts.ticking === true && start !== undefined;
  let fixed: number | null = start && !ticking ? start.getTime() : null;
  let offset = ticking ? start.getTime() - Date.now() : 0;
  return {
    controllable: true,
    now: () => new Date(fixed ?? Date.now() + offset),
    advance(ms: number) {
      if (!Number.isFinite(ms)) throw new RangeError(`clock advance must be finite, got ${ms}`);
      if (fixed !== null) fixed += ms;
      else offset += ms;
      return this.now();
    },
    set(date: Date) {
      if (Number.isNaN(date.getTime())) throw new RangeError('clock set to an invalid date');
      if (fixed !== null) fixed = date.getTime();
      else offset = date.getTime() - Date.now();
    },
  };
}

/**
 * The app clock a process runs on: the system clock, or (WANGGE_CLOCK_START, tests and demos)
 * one that starts at a fixed instant and ticks from there, so a run does not depend on the day
 * it happens to be run; controllable when the dev clock routes are on.
 */
export function appClock(opts: { start?: Date | null; controllable?: boolean }): Clock {
  if (opts.start) return controllableClock(opts.start, { ticking: true });
  return opts.controllable ? controllableClock() : systemClock;
}

export const isControllable = (c: Clock): c is ControllableClock =>
  (c as Partial<ControllableClock>).controllable === true;
