/**
 * Deadlines of the problem loop. Calendar hours by default; a category may count working days
 * instead: Monday to Friday in Beijing time (Asia/Shanghai, UTC+8 with no daylight saving since
 * 1991, so a fixed offset is exact), each working day counting its 24 hours and weekends
 * skipped. Public holidays and the weekend days worked in exchange (调休) are NOT modelled: they
 * change every year by State Council notice and would need a calendar table an admin keeps.
 */
export interface DeadlineRule {
  deadlineHours: number;
  workingDays: boolean;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const BEIJING = 8 * HOUR;

/** `hours` counted only on Beijing weekdays from `from`; a start on a weekend waits for Monday. */
export function addWorkingHours(from: Date, hours: number): Date {
  let t = from.getTime() + BEIJING; // Beijing wall clock, as if it were UTC
  let left = hours * HOUR;
  for (;;) {
    const dayStart = Math.floor(t / DAY) * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    if (weekday === 0 || weekday === 6) {
      t = dayStart + DAY;
      continue;
    }
    const step = Math.min(left, dayStart + DAY - t);
    t += step;
    left -= step;
    if (left <= 0) return new Date(t - BEIJING);
  }
}

export function computeDeadline(from: Date, rule: DeadlineRule): Date {
  return rule.workingDays
    ? addWorkingHours(from, rule.deadlineHours)
    : new Date(from.getTime() + rule.deadlineHours * HOUR);
}
