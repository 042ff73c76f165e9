import { createHash } from 'node:crypto';
import JSZip from 'jszip';
import type { Db, Queryable } from '../db/types';
import type { Clock } from '../domain/clock';
import { beijingDay } from '../domain/campaign';
import { percent } from '../domain/assessment-index';
import {
  LEDGER_MIME,
  MAX_LEDGER_FILE_BYTES,
  ledgerStep,
  sniffDocument,
  type LedgerKind,
  type LedgerState,
} from '../domain/ledgers';
import { AppError, type Msg } from '../errors';
import { ledgersRepository, type LedgerViewer } from '../repositories/ledgers';
import type { LedgerCreate, LedgerDetail, LedgerReview, LedgerSubmit } from '../schemas/assessment-ledgers';
import { guardZip, newBudget } from './zip-guard';

/** Ledgers (台账申报): docs/ASSESSMENT.md "Ledgers". */
export const LEDGER: Msg = { zh: '该台账', en: 'ledger item' };

const bad = (status: number, code: string, field: string, reason: Msg) =>
  new AppError(status, code, { zh: `${field}：${reason.zh}`, en: `${field}: ${reason.en}` }, [{ field, reason }]);

const MB = MAX_LEDGER_FILE_BYTES / 1024 / 1024;
const ACCEPTED: Msg = {
  zh: 'PDF、Word（docx）、Excel（xlsx）、JPG、PNG',
  en: 'PDF, Word (docx), Excel (xlsx), JPG or PNG',
};

export interface CheckedFile {
  name: string;
  kind: LedgerKind;
  sha256: string;
  bytes: Buffer;
}

/** Each file: base64, size ≤ 10 MB, a document by its bytes (a zip must be a docx or an xlsx). */
export async function checkLedgerFiles(files: LedgerSubmit['files']): Promise<CheckedFile[]> {
  const out: CheckedFile[] = [];
  const budget = newBudget();
  for (const [i, f] of files.entries()) {
    const field = `files[${i}]`;
    const text = f.dataBase64.replace(/^data:[\w.+-]+\/[\w.+-]+;base64,/i, '').replace(/\s+/g, '');
    if (Math.floor((text.length * 3) / 4) > MAX_LEDGER_FILE_BYTES + 2)
      throw bad(413, 'FileTooLarge', field, {
        zh: `文件过大，单个不能超过 ${MB} MB`,
        en: `the file is too large: at most ${MB} MB each`,
      });
    if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text))
      throw bad(400, 'BadFile', field, { zh: '不是有效的 base64 编码', en: 'not valid base64' });
    const bytes = Buffer.from(text, 'base64');
    if (!bytes.length) throw bad(400, 'BadFile', field, { zh: '文件为空', en: 'the file is empty' });
    if (bytes.length > MAX_LEDGER_FILE_BYTES)
      throw bad(413, 'FileTooLarge', field, {
        zh: `文件过大，单个不能超过 ${MB} MB`,
        en: `the file is too large: at most ${MB} MB each`,
      });
    const sniffed = sniffDocument(bytes);
    let kind: LedgerKind | null = sniffed === 'zip' ? null : sniffed;
    if (sniffed === 'zip') {
      try {
        guardZip(f.name, bytes, budget);
        const zip = await JSZip.loadAsync(bytes);
        kind = zip.file('word/document.xml') ? 'docx' : zip.file('xl/workbook.xml') ? 'xlsx' : null;
      } catch {
        kind = null;
      }
    }
    if (!kind)
      throw bad(415, 'NotADocument', field, {
        zh: `「${f.name}」不是文档：只接受 ${ACCEPTED.zh}`,
        en: `"${f.name}" is not a document: only ${ACCEPTED.en} are accepted`,
      });
    out.push({ name: f.name.trim(), kind, bytes, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return out;
}

export async function createLedger(db: Db, clock: Clock, by: number, input: LedgerCreate) {
  return db.transaction(async (tx) => {
    const repo = ledgersRepository(tx);
    if (await repo.codeTaken(input.code))
      throw bad(409, 'Conflict', 'code', {
        zh: `台账编码 ${input.code} 已存在`,
        en: `ledger code ${input.code} exists`,
      });
    if (!(await repo.unitExists(input.unitId)))
      throw bad(400, 'BadRequest', 'unitId', {
        zh: `单位 ${input.unitId} 不存在`,
        en: `unit ${input.unitId} does not exist`,
      });
    if (input.schemeId && !(await repo.schemeExists(input.schemeId)))
      throw bad(400, 'BadRequest', 'schemeId', {
        zh: `测评体系 ${input.schemeId} 不存在`,
        en: `scheme ${input.schemeId} does not exist`,
      });
    const area = await repo.area(input.areaId);
    if (!area)
      throw bad(400, 'BadRequest', 'areaId', {
        zh: `区域 ${input.areaId} 不存在`,
        en: `area ${input.areaId} does not exist`,
      });
    const id = await repo.insert(input, area.code, by, clock.now());
    return id;
  });
}

export async function ledgerDetail(q: Queryable, id: number, v: LedgerViewer, now: Date): Promise<LedgerDetail | null> {
  const repo = ledgersRepository(q);
  const item = await repo.item(id, v, now);
  if (!item) return null;
  return { ...item, history: (await repo.history(id)) as LedgerDetail['history'] };
}

const stale = (version: number) =>
  bad(409, 'StaleVersion', 'version', {
    zh: `该台账已被他人修改（当前版本 ${version}），请刷新后重试`,
    en: `the ledger item was changed meanwhile (version now ${version}): reload and retry`,
  });

/** A unit submits (or resubmits after a return) its files; one transaction. */
export async function submitLedger(
  db: Db,
  clock: Clock,
  actor: { id: number; viewer: LedgerViewer },
  id: number,
  input: LedgerSubmit,
): Promise<LedgerDetail | null> {
  // files are checked before any lock: a refused file writes nothing and holds nothing
  if (!(await ledgersRepository(db).item(id, actor.viewer, clock.now()))) return null;
  const files = await checkLedgerFiles(input.files);
  const now = clock.now();
  await db.transaction(async (tx) => {
    const repo = ledgersRepository(tx);
    const row = (await repo.lock(id))!;
    if (row.version !== input.version) throw stale(row.version);
    const next = ledgerStep(row.state, 'submit');
    if (typeof next !== 'string') throw bad(409, 'LedgerState', 'state', next);
    const sub = await repo.insertSubmission(id, input.note?.trim() || null, actor.id, now);
    for (const f of files) await repo.storeFile(sub, f);
    await repo.setState(id, next, true, now);
  });
  return ledgerDetail(db, id, actor.viewer, now);
}

/** Review of the latest submission: pass, or return with a reason; the history keeps both. */
export async function reviewLedger(
  db: Db,
  clock: Clock,
  actor: { id: number; viewer: LedgerViewer },
  id: number,
  input: LedgerReview,
): Promise<LedgerDetail | null> {
  const now = clock.now();
  if (!(await ledgersRepository(db).item(id, actor.viewer, now))) return null;
  const reason = input.reason?.trim() || null;
  if (input.decision === 'returned' && !reason)
    throw bad(400, 'BadRequest', 'reason', { zh: '退回须说明理由', en: 'a return needs a reason' });
  await db.transaction(async (tx) => {
    const repo = ledgersRepository(tx);
    const row = (await repo.lock(id))!;
    if (row.version !== input.version) throw stale(row.version);
    const next = ledgerStep(row.state, input.decision === 'passed' ? 'pass' : 'return');
    if (typeof next !== 'string') throw bad(409, 'LedgerState', 'state', next);
    await repo.review(id, input.decision, reason, actor.id, now);
    await repo.setState(id, next satisfies LedgerState, false, now);
    if (next === 'passed') await repo.resolveNotice(id, now);
  });
  return ledgerDetail(db, id, actor.viewer, now);
}

/** Pass rates per unit and overall at a Beijing day (default today): passed / due by that day. */
export async function ledgerRates(q: Queryable, v: LedgerViewer, now: Date, day?: string, unitId?: number) {
  const d = day ?? beijingDay(now);
  const units = (await ledgersRepository(q).rates(v, d, unitId ?? null)).map((u) => ({
    ...u,
    passRate: percent(u.passed, u.due),
  }));
  const sum = (k: 'items' | 'due' | 'passed' | 'overdue') => units.reduce((s, u) => s + u[k], 0);
  return {
    asOf: d,
    overall: {
      items: sum('items'),
      due: sum('due'),
      passed: sum('passed'),
      overdue: sum('overdue'),
      passRate: percent(sum('passed'), sum('due')),
    },
    units,
  };
}

export const ledgerMime = (kind: string) => LEDGER_MIME[kind as LedgerKind] ?? 'application/octet-stream';
