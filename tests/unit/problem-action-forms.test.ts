import { describe, expect, it } from 'vitest';
import {
  ACTION_FORMS,
  actionBody,
  missingField,
  type ActionValues,
} from '../../web/src/features/problems/action-forms';

const empty: ActionValues = {
  comment: '',
  reason: '',
  deadline: null,
  unitId: null,
  photos: [],
  holds: null,
  duplicateOf: null,
};
const photo = { name: 'after.jpg', dataBase64: '/9j/4AAQ' };

describe('action forms (docs/PROBLEMS.md, the actions table)', () => {
  it('ask for what the contract requires before anything is sent', () => {
    expect(missingField('reject', empty)).toBe('reason');
    expect(missingField('rework', { ...empty, reason: '   ' })).toBe('reason');
    expect(missingField('fix', { ...empty, comment: '已清理' })).toBe('photos');
    expect(missingField('fix', { ...empty, photos: [photo] })).toBe('comment');
    expect(missingField('fix', { ...empty, photos: [photo], comment: '已清理' })).toBeNull();
    expect(missingField('request_extension', { ...empty, reason: '材料未到' })).toBe('deadline');
    expect(missingField('revisit', empty)).toBe('holds');
    expect(missingField('revisit', { ...empty, holds: false })).toBeNull();
    expect(missingField('mark_duplicate', empty)).toBe('duplicateOf');
    // verify, accept and assign need nothing (assign defaults to the routed unit and the category's hours)
    for (const a of ['verify', 'accept', 'assign'] as const) expect(missingField(a, empty)).toBeNull();
  });

  it('send only the fields the action takes, trimmed', () => {
    const all: ActionValues = {
      comment: ' 好 ',
      reason: ' 原因 ',
      deadline: '2026-03-10T18:00:00+08:00',
      unitId: 7,
      photos: [photo],
      holds: true,
      duplicateOf: 3,
    };
    expect(actionBody('assign', all)).toEqual({ comment: '好', deadline: '2026-03-10T18:00:00+08:00', unitId: 7 });
    expect(actionBody('reject', all)).toEqual({ reason: '原因' });
    expect(actionBody('fix', all)).toEqual({ comment: '好', photos: [photo] });
    expect(actionBody('revisit', all)).toEqual({ comment: '好', photos: [photo], holds: true });
    expect(actionBody('revisit', { ...all, holds: false })).toMatchObject({ holds: false });
    expect(actionBody('verify', empty)).toEqual({});
  });

  it('cover every action the API knows', () => {
    expect(Object.keys(ACTION_FORMS).sort()).toEqual([
      'accept',
      'approve_extension',
      'approve_suspension',
      'assign',
      'deny_extension',
      'deny_suspension',
      'fix',
      'mark_duplicate',
      'mark_urgent',
      'reject',
      'request_extension',
      'request_suspension',
      'resume',
      'return',
      'revisit',
      'rework',
      'verify',
    ]);
  });
});
