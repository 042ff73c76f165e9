import { inflateRawSync } from 'node:zlib';
import { AppError, type Msg } from '../errors';

/**
 * An .xlsx is a zip. exceljs (through JSZip) inflates every entry whole, so a 300 KB zip of
 * zeros becomes gigabytes before anything else runs. The central directory says what each
 * entry will inflate to: read it first, refuse what is too big or compressed suspiciously
 * well, and check that no entry inflates to more than it declared (a bomb can lie), each
 * inflate capped at its declared size so the check itself never allocates more than that.
 */
export const ZIP_LIMITS = {
  /** uncompressed bytes of all the workbooks of one request together */
  totalBytes: 50 * 1024 * 1024,
  entries: 2000,
  /** an entry bigger than bigEntry may not inflate more than maxRatio times */
  bigEntry: 1024 * 1024,
  maxRatio: 100,
};

/** What one request may still inflate; shared by all its files. */
export interface InflateBudget {
  left: number;
}
export const newBudget = (): InflateBudget => ({ left: ZIP_LIMITS.totalBytes });

const MB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
const tooLarge = (file: string, reason: Msg) =>
  new AppError(
    413,
    'FileTooLarge',
    { zh: `文件 ${file} 过大，拒绝读取：${reason.zh}`, en: `file ${file} is too large to read: ${reason.en}` },
    [{ feature: file, reason }],
  );
const broken = (file: string, reason: Msg) =>
  new AppError(
    422,
    'UnreadableFile',
    { zh: `无法读取文件 ${file}：${reason.zh}`, en: `cannot read ${file}: ${reason.en}` },
    [{ feature: file, reason }],
  );

interface Entry {
  name: string;
  method: number;
  compressed: number;
  size: number;
  localOffset: number;
}

/** The central directory's entries; throws when the zip structure cannot be read. */
function centralDirectory(file: string, b: Buffer): Entry[] {
  const notZip = () =>
    broken(file, { zh: 'zip 结构损坏（.xlsx 应为 zip 格式）', en: 'the zip structure is damaged (an .xlsx is a zip)' });
  // End of central directory: 22 bytes plus a comment of at most 65535, at the very end.
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw notZip();
  const count = b.readUInt16LE(eocd + 10),
    cdSize = b.readUInt32LE(eocd + 12),
    cdOffset = b.readUInt32LE(eocd + 16);
  // ZIP64 markers: no workbook within our limits needs them.
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw tooLarge(file, {
      zh: 'ZIP64 格式（超过 4 GB 或 65535 个条目）不受支持',
      en: 'ZIP64 (over 4 GB or 65535 entries) is not supported',
    });
  }
  if (count > ZIP_LIMITS.entries)
    throw tooLarge(file, {
      zh: `包含 ${count} 个条目，最多 ${ZIP_LIMITS.entries} 个`,
      en: `${count} entries, at most ${ZIP_LIMITS.entries}`,
    });
  if (cdOffset + cdSize > eocd) throw notZip();
  const entries: Entry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || b.readUInt32LE(p) !== 0x02014b50) throw notZip();
    const nameLen = b.readUInt16LE(p + 28),
      extraLen = b.readUInt16LE(p + 30),
      commentLen = b.readUInt16LE(p + 32);
    entries.push({
      name: b.toString('utf8', p + 46, Math.min(eocd, p + 46 + nameLen)),
      method: b.readUInt16LE(p + 10),
      compressed: b.readUInt32LE(p + 20),
      size: b.readUInt32LE(p + 24),
      localOffset: b.readUInt32LE(p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * Checks a workbook before it is handed to exceljs; charges its declared size to the budget.
 * Cost: one capped inflate per entry, never more than the limits allow.
 */
export function guardZip(file: string, bytes: Uint8Array, budget: InflateBudget): void {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = centralDirectory(file, b);
  let total = 0;
  for (const e of entries) {
    total += e.size;
    if (total > budget.left) {
      throw tooLarge(file, {
        zh: `解压后超过 ${MB(ZIP_LIMITS.totalBytes)}（条目 ${e.name} 声明 ${MB(e.size)}）`,
        en: `it inflates to more than ${MB(ZIP_LIMITS.totalBytes)} (entry ${e.name} declares ${MB(e.size)})`,
      });
    }
    if (e.size > ZIP_LIMITS.bigEntry && e.size > ZIP_LIMITS.maxRatio * Math.max(1, e.compressed)) {
      throw tooLarge(file, {
        zh: `条目 ${e.name} 压缩比超过 ${ZIP_LIMITS.maxRatio} 倍（${MB(e.compressed)} → ${MB(e.size)}），疑似压缩炸弹`,
        en: `entry ${e.name} is compressed more than ${ZIP_LIMITS.maxRatio}× (${MB(e.compressed)} → ${MB(e.size)}): a likely zip bomb`,
      });
    }
  }
  for (const e of entries) verifyEntry(file, b, e);
  budget.left -= total;
}

/** Inflates one entry capped at its declared size: a lying header fails here, cheaply. */
function verifyEntry(file: string, b: Buffer, e: Entry) {
  const lying = broken(file, {
    zh: `条目 ${e.name} 的实际大小与声明不符`,
    en: `entry ${e.name} does not match its declared size`,
  });
  const at = e.localOffset;
  if (at + 30 > b.length || b.readUInt32LE(at) !== 0x04034b50) throw lying;
  const start = at + 30 + b.readUInt16LE(at + 26) + b.readUInt16LE(at + 28);
  if (start + e.compressed > b.length) throw lying;
  const data = b.subarray(start, start + e.compressed);
  if (e.size === 0 && e.compressed <= 2) return; // an empty entry (stored, or an empty deflate block)
  if (e.method === 0) {
    if (e.compressed !== e.size) throw lying;
    return;
  }
  if (e.method !== 8)
    throw broken(file, {
      zh: `条目 ${e.name} 使用了不支持的压缩方式 ${e.method}`,
      en: `entry ${e.name} uses the unsupported compression method ${e.method}`,
    });
  let out: Buffer;
  try {
    out = inflateRawSync(data, { maxOutputLength: Math.max(1, e.size) });
  } catch {
    throw lying; // more than declared (RangeError from the cap) or not deflate at all
  }
  if (out.length !== e.size) throw lying;
}
