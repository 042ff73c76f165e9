/**
 * A queued fix refused with 409 (the problem's version moved while the phone was offline), said
 * plainly: what the problem was when I acted, what it is now, and who changed it when — e.g.
 * "已被 张三 于 10:42 标记紧急（整改中 → 整改中）". Pure: the screen passes the translator.
 */

/** What the phone saw when the write was queued (stored on the outbox item). */
export interface Seen {
  state: string;
  version: number;
  /** when I read it (the to-do's `at`): every event after it is "what changed" */
  asOf: string;
}

/** The problem as the server answered after the 409 (a slice of ProblemDetail). */
export interface Current {
  state: string;
  version: number;
  /** the server's clock when it answered */
  now: string;
  allowedActions: readonly string[];
  timeline: readonly { action: string; actorName: string | null; at: string; toState: string }[];
}

export interface Conflict {
  fromState: string;
  toState: string;
  /** the version to re-apply on, and when it was read */
  version: number;
  asOf: string;
  /** the changes since I saw it, oldest first */
  changes: { action: string; actorName: string | null; at: string }[];
  /** the same action is still allowed on the new version */
  reapply: boolean;
}

/** Compares what I saw with what the problem is now; `action` is the queued write's action. */
export function diffConflict(seen: Seen, now: Current, action: string): Conflict {
  const since = Date.parse(seen.asOf);
  return {
    fromState: seen.state,
    toState: now.state,
    version: now.version,
    asOf: now.now,
    changes: now.timeline
      .filter((e) => Date.parse(e.at) > since)
      .map((e) => ({ action: e.action, actorName: e.actorName, at: e.at })),
    reapply: now.allowedActions.includes(action),
  };
}

type T = (key: string, named?: Record<string, unknown>) => string;

/**
 * One line: the last change (who, when, what), how many more, and the state before → now.
 * Times in Beijing (the city's clock), HH:mm.
 */
export function conflictText(c: Conflict, t: T): string {
  const state = (s: string) => t(`problemState.${s}`);
  const states = t('field.conflict.states', { from: state(c.fromState), to: state(c.toState) });
  const last = c.changes.at(-1);
  if (!last) return `${t('field.conflict.unknown')}${states}`;
  const time = new Date(Date.parse(last.at) + 8 * 3600_000).toISOString().slice(11, 16);
  const who = last.actorName ?? t('field.conflict.system');
  const line = t('field.conflict.by', { who, time, action: t(`problemEvent.${last.action}`) });
  const more = c.changes.length > 1 ? t('field.conflict.more', { n: c.changes.length - 1 }) : '';
  return `${line}${more}${states}`;
}
