import { afterEach, describe, expect, it, vi } from 'vitest';
import ExcelJS from 'exceljs';
import { AppError } from '../../api/errors';
import { READ_LIMITS, readCsv, readFiles, readXlsx } from '../../api/services/contracting-files';
import { ZIP_LIMITS } from '../../api/services/zip-guard';
import { deflatedZeros, zip } from '../fixtures/xlsx-zip';

const MB = 1024 * 1024;

/** An assignments sheet of n rows under a title row, as offices keep them. */
async function workbook(n: number): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('挂联分配');
  ws.addRow(['常山县网格挂联分配表']);
  ws.addRow(['区域编码', '区域名称', '职责', '单位名称', '姓名', '手机号', '开始日期', '结束日期']);
  for (let i = 0; i < n; i++)
    ws.addRow([
      `330822001001${String(i % 1000).padStart(3, '0')}`,
      `网格${i}`,
      '网格员',
      null,
      `人员${i}`,
      `138${String(i).padStart(8, '0')}`,
      '2025-01-01',
      null,
    ]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/**
 * Counts every call of a method or getter of exceljs's Row and Cell classes (whatever the
 * reader uses): the work per row must not grow with the number of rows.
 */
function countRowAndCellWork(): { count: () => number; restore: () => void } {
  const ws = new ExcelJS.Workbook().addWorksheet('x');
  const protos = [Object.getPrototypeOf(ws.getRow(1)), Object.getPrototypeOf(ws.getRow(1).getCell(1))] as Record<
    string,
    unknown
  >[];
  let n = 0;
  const undo: (() => void)[] = [];
  for (const proto of protos) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      const wrapped = { ...d };
      if (typeof d.value === 'function') {
        const f = d.value as (...a: unknown[]) => unknown;
        wrapped.value = function (this: unknown, ...a: unknown[]) {
          n++;
          return f.apply(this, a);
        };
      } else if (d.get) {
        const g = d.get;
        wrapped.get = function (this: unknown) {
          n++;
          return g.call(this);
        };
      } else continue;
      Object.defineProperty(proto, key, wrapped);
      undo.push(() => Object.defineProperty(proto, key, d));
    }
  }
  return { count: () => n, restore: () => undo.forEach((u) => u()) };
}

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

describe('reading .xlsx in linear time (issue 10 finding 3)', () => {
  it('does 4× the work for 4× the rows: 20,000 rows against 5,000', async () => {
    const small = await workbook(5000),
      big = await workbook(20_000);
    const work = async (bytes: Uint8Array) => {
      const probe = countRowAndCellWork();
      try {
        const sheets = await readXlsx('x.xlsx', bytes);
        expect(sheets[0]!.rows.length).toBeGreaterThan(5000);
        return probe.count();
      } finally {
        probe.restore();
      }
    };
    const a = await work(small),
      b = await work(big);
    console.log(`row/cell work: 5,000 rows ${a}, 20,000 rows ${b}, ratio ${(b / a).toFixed(2)}`);
    // quadratic (ws.columnCount per cell) gave 16×; linear is ~4× (a fixed part makes it less)
    expect(b / a).toBeGreaterThan(2);
    expect(b / a).toBeLessThan(5);
    const sheets = await readXlsx('x.xlsx', big);
    expect(sheets[0]!.rows[20_001]).toEqual([
      '330822001001999',
      '网格19999',
      '网格员',
      null,
      '人员19999',
      '13800019999',
      '2025-01-01',
    ]);
  }, 120_000);
});

describe('refusing zip bombs before exceljs inflates them', () => {
  afterEach(() => vi.restoreAllMocks());
  const loads = () => vi.spyOn(ExcelJS.Workbook.prototype, 'xlsx', 'get');

  it('refuses an entry declaring 200 MB (a 200 KB file) with 413, never calling exceljs', async () => {
    const zeros = await deflatedZeros(200 * MB);
    expect(zeros.length).toBeLessThan(400 * 1024);
    const spy = loads();
    const e = await refusal(
      readXlsx('bomb.xlsx', zip([{ name: 'xl/worksheets/sheet1.xml', data: zeros, declared: 200 * MB }])),
    );
    expect(e.status).toBe(413);
    expect(e.msg.zh).toMatch(/bomb\.xlsx 过大.*解压后超过 50\.0 MB/);
    expect(spy).not.toHaveBeenCalled();
  });

  it('refuses an entry compressed more than 100× even within the size limit', async () => {
    const e = await refusal(
      readXlsx(
        'dense.xlsx',
        zip([{ name: 'xl/sharedStrings.xml', data: await deflatedZeros(40 * MB), declared: 40 * MB }]),
      ),
    );
    expect(e.status).toBe(413);
    expect(e.msg.en).toMatch(/compressed more than 100×.*zip bomb/);
  });

  it('refuses an entry that inflates to more than it declares, stopping at the declared size', async () => {
    const zeros = await deflatedZeros(200 * MB);
    const spy = loads();
    const before = process.memoryUsage();
    const e = await refusal(
      readXlsx('liar.xlsx', zip([{ name: 'xl/worksheets/sheet1.xml', data: zeros, declared: 1000 }])),
    );
    const after = process.memoryUsage();
    expect(e.status).toBe(422);
    expect(e.msg.zh).toContain('实际大小与声明不符');
    expect(spy).not.toHaveBeenCalled();
    expect(after.arrayBuffers + after.heapUsed - before.arrayBuffers - before.heapUsed).toBeLessThan(50 * MB);
  });

  it('shares one budget among the files of a request: four small bombs are refused together', async () => {
    const total = ZIP_LIMITS.totalBytes;
    ZIP_LIMITS.totalBytes = 2 * MB; // four entries of 0.9 MB (below the ratio check's 1 MB)
    try {
      const one = zip([{ name: 'xl/worksheets/sheet1.xml', data: await deflatedZeros(0.9 * MB), declared: 0.9 * MB }]);
      const spy = loads();
      const e = await refusal(readFiles([1, 2, 3, 4].map((i) => ({ name: `b${i}.xlsx`, content: one }))));
      expect(e.status).toBe(413);
      expect(e.msg.zh).toContain('b3.xlsx'); // b1 and b2 fit the budget; all are checked before any is read
      expect(spy).not.toHaveBeenCalled();
    } finally {
      ZIP_LIMITS.totalBytes = total;
    }
  });

  it('caps rows and cells, CSV included', async () => {
    const rows = READ_LIMITS.rows,
      cells = READ_LIMITS.cells;
    try {
      READ_LIMITS.rows = 10;
      expect(
        (await refusal(Promise.resolve().then(() => readCsv('a.csv', Buffer.from('x\n'.repeat(11)))))).status,
      ).toBe(413);
      READ_LIMITS.rows = rows;
      READ_LIMITS.cells = 100;
      const e = await refusal(readXlsx('w.xlsx', await workbook(20)));
      expect(e.status).toBe(413);
      expect(e.msg.zh).toContain('单元格总数超过 100');
    } finally {
      READ_LIMITS.rows = rows;
      READ_LIMITS.cells = cells;
    }
  });
});

describe('telling what a file that is not an .xlsx is (finding 15)', () => {
  it('says a 0-byte file is empty, not that it is an old .xls', async () => {
    const e = await refusal(readXlsx('空.xlsx', new Uint8Array()));
    expect(e.msg.zh).toBe('无法读取文件 空.xlsx：文件是空的（0 字节）');
    expect(e.msg.zh).not.toContain('.xls ');
    expect((await refusal(Promise.resolve().then(() => readCsv('空.csv', new Uint8Array())))).msg.en).toContain(
      'the file is empty (0 bytes)',
    );
  });

  it('recognises an old .xls, a CSV named .xlsx, and a zip that is no workbook', async () => {
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]);
    expect((await refusal(readXlsx('old.xlsx', ole))).msg.zh).toContain('旧版 Excel（.xls）');
    expect(
      (await refusal(readXlsx('t.xlsx', Buffer.from('区域编码,职责\n330822001001001,网格长\n')))).msg.zh,
    ).toContain('扩展名改为 .csv');
    const notBook = zip([{ name: 'readme.txt', data: await deflatedZeros(10), declared: 10 }]);
    expect((await refusal(readXlsx('z.xlsx', notBook))).msg.zh).toContain('不是有效的 Excel 工作簿');
  });
});
