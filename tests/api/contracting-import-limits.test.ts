import { describe, expect, it } from 'vitest';
import { backends, withMiniCity } from './harness';
import { deflatedZeros, zip } from '../fixtures/xlsx-zip';

interface ErrBody {
  error: string;
  message: string;
  details: { sheet?: string; row?: number; field?: string; feature?: string; reason: string }[];
}
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const phone = (i: number) => `139${String(i).padStart(8, '0')}`;

// Issue 10, findings 3, 13 and 15 through the API: zip bombs refused before reading, every
// problem of a file reported at once (capped, with a count), an empty file called empty.
describe.each(backends())('contracting import limits and problem reports on $name', (backend) => {
  const ctx = withMiniCity(backend);
  const post = (files: { name: string; content: string }[]) =>
    ctx.app.inject({ method: 'POST', url: '/api/contracting/import', headers: ctx.admin.headers, payload: { files } });
  const nothingWritten = async () => {
    const { rows } = await ctx.db.query<{ n: number }>(
      'SELECT (SELECT count(*) FROM units) + (SELECT count(*) FROM people) + (SELECT count(*) FROM assignments) AS n',
    );
    expect(Number(rows[0]!.n)).toBe(0);
  };

  it('reports the unknown grid of an early row and the bad phone of the last row together', async () => {
    // 2,001 grid members: row 1,502 names a grid that does not exist (found by the database
    // stage), row 2,002 has a phone that is no phone (found by the row checks, which used to stop there)
    const rows = Array.from({ length: 2001 }, (_, i) => {
      // rows 2 … 2,002
      const row = i + 2;
      return `${row === 1502 ? '330822009009009' : '330822001001001'},网格员,人员${row},${row === 2002 ? '12345' : phone(row)},2025-01-01`;
    });
    const res = await post([
      { name: 'members.csv', content: b64(`区域编码,职责,姓名,手机号,开始日期\n${rows.join('\n')}\n`) },
    ]);
    expect(res.statusCode, res.body.slice(0, 300)).toBe(422);
    const body = res.json() as ErrBody;
    expect(body.message).toBe('导入被拒绝：2 处问题，未写入任何数据');
    expect(body.details.map((d) => `${d.row} ${d.field}: ${d.reason}`)).toEqual([
      '1502 区域编码: 区域编码 330822009009009 不存在',
      expect.stringMatching(/^2002 手机号: 「12345」不是有效电话号码/),
    ]);
    await nothingWritten();
  });

  it('lists the first 200 problems and counts the rest', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => `330822001001001,网格员,人员${i},1234${i},2025-01-01`);
    const res = await post([
      {
        name: 'bad.csv',
        content: b64(
          `区域编码,职责,姓名,手机号,开始日期\n330822009009009,网格员,甲,${phone(1)},2025-01-01\n${rows.join('\n')}\n`,
        ),
      },
    ]);
    const body = res.json() as ErrBody;
    expect(body.message).toBe('导入被拒绝：251 处问题，未写入任何数据');
    expect(body.details).toHaveLength(201);
    expect(body.details[0]!.reason).toBe('区域编码 330822009009009 不存在');
    expect(body.details[200]!.reason).toBe('另有 51 处问题未列出（只列出前 200 处）');
  });

  it('does not report a unit again as unknown when its own row was refused', async () => {
    const res = await post([
      { name: 'units.csv', content: b64('单位名称,单位类型\n县城管局,外星单位\n') },
      {
        name: 'lead.csv',
        content: b64(
          '区域编码,职责,单位名称,开始日期\n330822001001001,牵头单位,县城管局,2025-01-01\n330822001001002,牵头单位,县城管局,2025-13-01\n',
        ),
      },
    ]);
    const body = res.json() as ErrBody;
    expect(body.details.map((d) => `${d.sheet} ${d.row}: ${d.reason}`)).toEqual([
      expect.stringMatching(/^lead\.csv 3: 「2025-13-01」不是有效日期/),
      expect.stringMatching(/^units\.csv 2: 未知单位类型「外星单位」/),
    ]);
  });

  it('refuses four zip bombs in one request with 413 before reading any', async () => {
    // ~300 KB each, declaring 300 MB of sheet: the tester's 4.8 GB
    const bomb = zip([
      { name: 'xl/worksheets/sheet1.xml', data: await deflatedZeros(300 * 1024 * 1024), declared: 300 * 1024 * 1024 },
    ]);
    expect(bomb.length).toBeLessThan(400 * 1024);
    const heap = process.memoryUsage().heapUsed;
    const res = await post([1, 2, 3, 4].map((i) => ({ name: `bomb${i}.xlsx`, content: bomb.toString('base64') })));
    expect(res.statusCode).toBe(413);
    const body = res.json() as ErrBody;
    expect(body.error).toBe('FileTooLarge');
    expect(body.message).toMatch(/^文件 bomb1\.xlsx 过大，拒绝读取：解压后超过 50\.0 MB/);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(100 * 1024 * 1024);
    await nothingWritten();
  });

  it('says an empty .xlsx is empty', async () => {
    const res = await post([{ name: '空.xlsx', content: '' }]);
    expect(res.statusCode).toBe(422);
    expect((res.json() as ErrBody).message).toBe('无法读取文件 空.xlsx：文件是空的（0 字节）');
  });
});
