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
export function controllableClock(start?: Date): ControllableClock {
  let fixed: number | null = start ? start.getTime() : null;
  let offset = 0;
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

export const isControllable = (c: Clock): c is ControllableClock => (c as Partial<ControllableClock>).controllable === true;
