import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import zhCN from '../../web/src/i18n/zh-CN';
import en from '../../web/src/i18n/en';
import { conflictText, diffConflict, type Current, type Seen } from '../../web/src/features/field/conflict';

/** The app's real messages, so the test reads what the phone shows. */
const translator = (locale: 'zh-CN' | 'en') => {
  const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, en } });
  return (key: string, named?: Record<string, unknown>) => i18n.global.t(key, named ?? {});
};
const zh = translator('zh-CN');

/** Queued a fix of an assigned problem (version 3) after reading the to-do at 10:30 Beijing. */
const seen: Seen = { state: 'assigned', version: 3, asOf: '2026-11-18T02:30:00.000Z' };
const ev = (action: string, actorName: string | null, at: string, toState = 'assigned') => ({
  action,
  actorName,
  at,
  toState,
});
const current = (over: Partial<Current> = {}): Current => ({
  state: 'assigned',
  version: 4,
  now: '2026-11-18T02:50:00.000Z',
  allowedActions: ['fix', 'request_extension'],
  timeline: [
    ev('report', '李四', '2026-11-18T01:00:00.000Z', 'reported'),
    ev('assign', '李四', '2026-11-18T01:10:00.000Z'),
    ev('mark_urgent', '张三', '2026-11-18T02:42:00.000Z'),
  ],
  ...over,
});

describe('a queued fix refused as stale (409): what changed, said plainly', () => {
  it('names who changed it, when (Beijing time), what, and the state before → now; still fixable', () => {
    const c = diffConflict(seen, current(), 'fix');
    expect(c).toMatchObject({ fromState: 'assigned', toState: 'assigned', version: 4, reapply: true });
    expect(c.changes).toEqual([{ action: 'mark_urgent', actorName: '张三', at: '2026-11-18T02:42:00.000Z' }]);
    expect(conflictText(c, zh)).toBe('已被 张三 于 10:42 标记紧急：整改中 → 整改中');
  });

  it('accepted meanwhile by another: no re-apply, the last change named and the others counted', () => {
    const now = current({
      state: 'closed',
      version: 6,
      allowedActions: ['revisit'],
      timeline: [
        ...current().timeline,
        ev('fix', '王五', '2026-11-18T02:44:00.000Z', 'fixed'),
        ev('accept', '张三', '2026-11-18T02:48:00.000Z', 'closed'),
      ],
    });
    const c = diffConflict(seen, now, 'fix');
    expect(c.reapply).toBe(false);
    expect(c.changes.map((x) => x.action)).toEqual(['mark_urgent', 'fix', 'accept']);
    expect(conflictText(c, zh)).toBe('已被 张三 于 10:48 验收通过（另有 2 项变更）：整改中 → 已销号');
    expect(conflictText(c, translator('en'))).toBe('Accepted by 张三 at 10:48 (and 2 more changes): Assigned → Closed');
  });

  it('a change by the system, and no event found after what I saw', () => {
    const bySystem = diffConflict(
      seen,
      current({ timeline: [ev('request_extension', null, '2026-11-18T03:00:00.000Z')] }),
      'fix',
    );
    expect(conflictText(bySystem, zh)).toBe('已被 系统 于 11:00 申请延期：整改中 → 整改中');
    const none = diffConflict(seen, current({ timeline: [ev('assign', '李四', '2026-11-18T01:10:00.000Z')] }), 'fix');
    expect(none.changes).toEqual([]);
    expect(conflictText(none, zh)).toBe('状态已变更：整改中 → 整改中');
  });
});
