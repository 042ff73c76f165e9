import type { ActionBody, ProblemAction } from './api';

/** What an action's form asks for (docs/PROBLEMS.md, the actions table). */
export type ActionField = 'comment' | 'reason' | 'deadline' | 'unit' | 'photos' | 'holds' | 'duplicateOf';
export interface ActionForm {
  fields: ActionField[];
  required: ActionField[];
  /** primary: moves the problem on; danger: sends it back or refuses it */
  tone: 'primary' | 'danger' | 'plain';
}

const form = (fields: ActionField[], required: ActionField[] = [], tone: ActionForm['tone'] = 'plain'): ActionForm => ({
  fields,
  required,
  tone,
});

export const ACTION_FORMS: Record<ProblemAction, ActionForm> = {
  verify: form(['comment'], [], 'primary'),
  reject: form(['reason'], ['reason'], 'danger'),
  mark_duplicate: form(['duplicateOf', 'comment'], ['duplicateOf']),
  assign: form(['unit', 'deadline', 'comment'], [], 'primary'),
  return: form(['reason'], ['reason'], 'danger'),
  fix: form(['photos', 'comment'], ['photos', 'comment'], 'primary'),
  accept: form(['comment'], [], 'primary'),
  rework: form(['reason'], ['reason'], 'danger'),
  request_extension: form(['deadline', 'reason'], ['deadline', 'reason']),
  approve_extension: form(['comment'], [], 'primary'),
  deny_extension: form(['comment'], [], 'danger'),
  request_suspension: form(['reason'], ['reason']),
  approve_suspension: form(['comment'], [], 'primary'),
  deny_suspension: form(['comment'], [], 'danger'),
  resume: form(['comment'], [], 'primary'),
  revisit: form(['holds', 'photos', 'comment'], ['holds'], 'primary'),
  mark_urgent: form(['comment']),
};

/** The values a form holds while it is filled in. */
export interface ActionValues {
  comment: string;
  reason: string;
  /** an instant with its zone, or null */
  deadline: string | null;
  unitId: number | null;
  photos: { name: string; dataBase64: string }[];
  holds: boolean | null;
  duplicateOf: number | null;
}

/** The first required field left empty, or null when the form may be sent. */
export function missingField(action: ProblemAction, v: ActionValues): ActionField | null {
  for (const f of ACTION_FORMS[action].required) {
    const empty =
      (f === 'comment' && !v.comment.trim()) ||
      (f === 'reason' && !v.reason.trim()) ||
      (f === 'deadline' && !v.deadline) ||
      (f === 'unit' && v.unitId === null) ||
      (f === 'photos' && !v.photos.length) ||
      (f === 'holds' && v.holds === null) ||
      (f === 'duplicateOf' && v.duplicateOf === null);
    if (empty) return f;
  }
  return null;
}

/** The request body (without the version, which the store adds): only the fields the action takes. */
export function actionBody(action: ProblemAction, v: ActionValues): Omit<ActionBody, 'version'> {
  const fields = new Set(ACTION_FORMS[action].fields);
  const body: Omit<ActionBody, 'version'> = {};
  if (fields.has('comment') && v.comment.trim()) body.comment = v.comment.trim();
  if (fields.has('reason') && v.reason.trim()) body.reason = v.reason.trim();
  if (fields.has('deadline') && v.deadline) body.deadline = v.deadline;
  if (fields.has('unit') && v.unitId !== null) body.unitId = v.unitId;
  if (fields.has('photos') && v.photos.length) body.photos = v.photos;
  if (fields.has('holds') && v.holds !== null) body.holds = v.holds;
  if (fields.has('duplicateOf') && v.duplicateOf !== null) body.duplicateOf = v.duplicateOf;
  return body;
}
