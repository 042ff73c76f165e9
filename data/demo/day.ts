const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Midnight in Beijing (UTC+8 all year, no daylight saving) at or before `t`, epoch ms. */
export const beijingMidnight = (t: number) => Math.floor((t + 8 * HOUR) / DAY) * DAY - 8 * HOUR;

/**
 * The demo's "now": the start (00:00 +08:00) of the Beijing day that `now` falls in. The seeded
 * history (contracting, ~90 days of problems) ends there rather than at the minute of the first
 * start, so two first starts on the same day, with the same seed, write the same database — and
 * the two backends can be compared on identical data (ISSUES #10 finding 14). `now` is the app
 * clock's (WANGGE_CLOCK_START pins it for tests and demos).
 */
export const demoNow = (now: Date): Date => new Date(beijingMidnight(now.getTime()));
