/**
 * Ledger (台账) rules, pure (docs/ASSESSMENT.md "Ledgers"): which files are documents, and the
 * review steps a ledger item may take.
 */
import type { Msg } from '../errors';

export const LEDGER_KINDS = ['pdf', 'docx', 'xlsx', 'jpg', 'png'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];
export const LEDGER_MIME: Record<LedgerKind, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  jpg: 'image/jpeg',
  png: 'image/png',
};
/** Per file; a scanned ledger of some pages fits, a video does not. */
export const MAX_LEDGER_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_LEDGER_FILES = 10;

/**
 * The type from the first bytes, whatever the name says. A zip is only a candidate: the service
 * looks inside it for word/document.xml (docx) or xl/workbook.xml (xlsx).
 */
export function sniffDocument(b: Uint8Array): 'pdf' | 'zip' | 'jpg' | 'png' | null {
  const s = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 5 && s(0, 5) === '%PDF-') return 'pdf';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return 'zip';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpg';
  if (b.length >= 8 && b[0] === 0x89 && s(1, 4) === 'PNG' && b[4] === 0x0d && b[5] === 0x0a) return 'png';
  return null;
}

export type LedgerState = 'pending' | 'submitted' | 'passed' | 'returned';
export type LedgerAction = 'submit' | 'pass' | 'return';

/** The state an action leads to from a state, or why it may not be taken. */
export function ledgerStep(state: LedgerState, action: LedgerAction): LedgerState | Msg {
  if (action === 'submit') {
    if (state === 'pending' || state === 'returned') return 'submitted';
    return state === 'passed'
      ? { zh: '该台账已审核通过，无需再次申报', en: 'this ledger item has passed review: nothing to submit' }
      : { zh: '该台账已申报，正在等待审核', en: 'this ledger item is submitted and waiting for review' };
  }
  if (state !== 'submitted')
    return { zh: '该台账没有待审核的申报', en: 'this ledger item has no submission waiting for review' };
  return action === 'pass' ? 'passed' : 'returned';
}
