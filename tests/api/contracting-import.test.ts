import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import type { Assignment } from '../../api/schemas/contracting';
import { appOn, backends, withMiniCity } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession } from './accounts';

type Rows = (string | number | Date | null)[][];
/** A workbook as offices make them: a merged title row above the header of every sheet. */
async function workbook(sheets: Record<string, Rows>, title = true): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    if (title) {
      ws.mergeCells(1, 1, 1, rows[0]!.length);
      ws.getCell(1, 1).value = `常山县创文网格${name}`;
    }
    for (const r of rows) ws.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer()).toString('base64');
}
const csv = (text: string) => Buffer.from(text, 'utf8').toString('base64');

const UNITS: Rows = [
  ['单位名称', '单位类型', '负责人', '联系人', '联系电话'],
  ['县教育局', '县直单位', '王局长', '李干事', '0570-5012345'],
  ['国网常山县供电公司', '驻县单位', '赵经理', '钱主任', '138 5700 1111'],
];
const PEOPLE: Rows = [
  ['姓名', '手机号'],
  ['张建国', '13805700001'],
  ['陈小红', '13805700002'],
];
const ASSIGN_HEAD = ['网格编码', '网格名称', '职责', '单位名称', '姓名', '手机号', '开始日期', '结束日期'];
const ASSIGN: Rows = [
  ASSIGN_HEAD,
  ['330822001001001', '文峰社区第01网格', '牵头单位', '县教育局', null, null, '2024-01-01', '2025-06-30 14:30'],
  ['330822001001001', '文峰社区第01网格', '牵头单位', '国网常山县供电公司', null, null, '2025-06-30 14:30', null],
  [
    '330822001001001',
    '文峰社区第01网格',
    '网格长',
    null,
    '张建国',
    '13805700001',
    new Date(Date.UTC(2024, 0, 1)),
    null,
  ],
  ['330822001001002', '文峰社区第02网格', '网格员', null, '陈小红', '13805700002', '2024/3/1', null],
  ['330822001001', '文峰社区', '协助单位', '县教育局', null, null, '2024年1月1日', null],
];
const key = (a: Assignment) =>
  `${a.areaCode} ${a.role} ${a.unitName ?? a.personName} ${a.phone ?? ''} ${a.validFrom} ${a.validTo}`;

describe.each(backends())('contracting import/export on $name', (backend) => {
  const ctx = withMiniCity(backend);
  const post = (files: { name: string; content: string }[]) =>
    ctx.app.inject({ method: 'POST', url: '/api/contracting/import', headers: ctx.admin.headers, payload: { files } });
  const history = async (app = ctx.app, headers = ctx.admin.headers) => {
    const out: Assignment[] = [];
    for (const code of ['330822001001001', '330822001001002', '330822001001']) {
      const area = (await app.inject({ url: `/api/areas/by-code/${code}`, headers })).json() as { id: number };
      out.push(...((await app.inject({ url: `/api/grids/${area.id}/assignments`, headers })).json() as Assignment[]));
    }
    return out.map(key).sort();
  };
  const refused = async (files: { name: string; content: string }[]) => {
    const res = await post(files);
    expect(res.statusCode, res.body).toBe(422);
    return (res.json() as { details: { sheet?: string; row?: number; field?: string; reason: string }[] }).details;
  };

  it('refuses bad rows with sheet, row and reason, writing nothing', async () => {
    const details = await refused([
      {
        name: 'bad.xlsx',
        content: await workbook({
          包保单位: [
            ...UNITS,
            ['县教育局', '县直单位', null, null, null],
            ['县城管局', '外星单位', null, null, '12345'],
          ],
          网格人员: [...PEOPLE, ['张三', '13805700001']],
          挂联分配: [
            ASSIGN_HEAD,
            ['330822009009009', null, '牵头单位', '县教育局', null, null, '2024-01-01', null],
            ['330822001001001', null, '牵头单位', '不存在的局', null, null, '2024-01-01', null],
            ['330822001001002', null, '网格长', null, '张建国', '13805700001', '2024-05-01', '2024-04-01'],
            ['330822001001002', null, '网格长', null, '张建国', '13805700001', '2024-13-01', null],
          ],
        }),
      },
    ]);
    const at = (sheet: string, row: number) =>
      details
        .filter((d) => d.sheet === sheet && d.row === row)
        .map((d) => d.reason)
        .join(' | ');
    expect(at('包保单位', 5)).toMatch(/与第 3 行重复/); // title row 1, header row 2: data start at 3
    expect(at('包保单位', 6)).toMatch(/未知单位类型「外星单位」/);
    expect(at('包保单位', 6)).toMatch(/「12345」不是有效电话号码/);
    expect(at('网格人员', 5)).toMatch(/人员重复：手机号 13805700001 已在第 3 行出现/);
    expect(at('挂联分配', 5)).toMatch(/结束日期必须晚于开始日期/);
    expect(at('挂联分配', 6)).toMatch(/「2024-13-01」不是有效日期/);
    expect((await ctx.app.inject({ url: '/api/units', headers: ctx.admin.headers })).json()).toEqual([]);
  });

  it('refuses unknown codes and overlapping periods, in the file and against stored rows', async () => {
    const base = { 包保单位: UNITS, 网格人员: PEOPLE };
    const details = await refused([
      {
        name: 'x.xlsx',
        content: await workbook({
          ...base,
          挂联分配: [
            ASSIGN_HEAD,
            ['330822009009009', null, '牵头单位', '县教育局', null, null, '2024-01-01', null],
            ['330822001001001', null, '牵头单位', '不存在的局', null, null, '2024-01-01', null],
            ['330822001001001', null, '牵头单位', '县教育局', null, null, '2024-01-01', '2024-07-01'],
            ['330822001001001', null, '牵头单位', '国网常山县供电公司', null, null, '2024-06-01', null],
            ['330822001001', null, '网格长', null, '张建国', '13805700001', '2024-01-01', null],
          ],
        }),
      },
    ]);
    const reasons = details.map((d) => `${d.row}: ${d.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        '3: 区域编码 330822009009009 不存在',
        expect.stringMatching(/^4: 单位「不存在的局」不存在/),
        expect.stringMatching(/^6: 与第 5 行时间段重叠（同一时间只能有一个330822001001001 的牵头单位）/),
        expect.stringMatching(/^7: 网格长只能分配到网格/),
      ]),
    );
    // Against stored rows: import once, then a second file overlapping it.
    expect((await post([{ name: 'ok.xlsx', content: await workbook({ ...base, 挂联分配: ASSIGN }) }])).statusCode).toBe(
      201,
    );
    const again = await refused([
      {
        name: 'more.csv',
        content: csv(`区域编码,职责,姓名,手机号,开始日期\n330822001001001,网格长,陈小红,13805700002,2025-01-01\n`),
      },
    ]);
    expect(again[0]).toMatchObject({ sheet: 'more.csv', row: 2, field: '开始日期' });
    expect(again[0]!.reason).toMatch(/与已有分配 #\d+ 冲突：330822001001001 网格长 张建国（2024-01-01 — 今）/);
  });

  it('re-importing the same file changes nothing', async () => {
    const res = await post([
      { name: 'ok.xlsx', content: await workbook({ 包保单位: UNITS, 网格人员: PEOPLE, 挂联分配: ASSIGN }) },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({
      units: { created: 0, updated: 2 },
      people: { created: 0, updated: 2 },
      assignments: { created: 0, unchanged: 5 },
    });
  });

  it('refuses a file with the wrong sheet or columns', async () => {
    const wrong = await refused([
      {
        name: 'w.xlsx',
        content: await workbook({
          Sheet1: [
            ['序号', '备注'],
            [1, 'x'],
          ],
        }),
      },
    ]);
    expect(wrong[0]!.reason).toMatch(/没有可识别的表/);
    const missing = await refused([
      {
        name: 'm.xlsx',
        content: await workbook({
          单位: [
            ['单位名称', '负责人', '联系人'],
            ['县教育局', 'a', 'b'],
          ],
        }),
      },
    ]);
    expect(missing[0]).toMatchObject({ sheet: '单位', field: '单位类型' });
    const notXlsx = await post([{ name: 'n.xlsx', content: csv('not a zip') }]);
    expect(notXlsx.statusCode).toBe(422);
    expect(notXlsx.body).toMatch(/这是文本文件而不是 \.xlsx：如果是 CSV，请把扩展名改为 \.csv/);
    expect((await post([{ name: 'n.txt', content: csv('x') }])).statusCode).toBe(400);
  });

  it('exports to .xlsx and CSV, and a round trip into a fresh database reproduces the assignments', async () => {
    const before = await history();
    expect(before).toHaveLength(5);
    expect(before).toContain('330822001001001 lead 县教育局  2023-12-31T16:00:00.000Z 2025-06-30T06:30:00.000Z');
    const xlsx = await ctx.app.inject({ url: '/api/contracting/export.xlsx', headers: ctx.admin.headers });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const csvRes = await ctx.app.inject({
      url: '/api/contracting/export.csv?table=assignments',
      headers: ctx.admin.headers,
    });
    expect(csvRes.body.charCodeAt(0)).toBe(0xfeff);
    expect(csvRes.body).toContain(
      '330822001001001,文峰社区第01网格,牵头单位,县教育局,,,2024-01-01,2025-06-30 14:30:00',
    );

    for (const format of ['xlsx', 'csv'] as const) {
      const db2 = await backend.open();
      const app2 = await appOn(db2);
      try {
        const admin2 = await adminSession(app2, db2);
        await loadMiniCity(app2, admin2);
        const files =
          format === 'xlsx'
            ? [{ name: 'export.xlsx', content: xlsx.rawPayload.toString('base64') }]
            : await Promise.all(
                (['units', 'people', 'assignments'] as const).map(async (t) => ({
                  name: `${t}.csv`,
                  content: (
                    await ctx.app.inject({ url: `/api/contracting/export.csv?table=${t}`, headers: ctx.admin.headers })
                  ).rawPayload.toString('base64'),
                })),
              );
        const res = await app2.inject({
          method: 'POST',
          url: '/api/contracting/import',
          headers: admin2.headers,
          payload: { files },
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(await history(app2, admin2.headers)).toEqual(before);
        const units = (await app2.inject({ url: '/api/units', headers: admin2.headers })).json() as {
          name: string;
          contactPhone: string;
        }[];
        expect(units.map((u) => [u.name, u.contactPhone])).toEqual([
          ['县教育局', '0570-5012345'],
          ['国网常山县供电公司', '13857001111'],
        ]);
      } finally {
        await app2.close();
        await db2.close();
      }
    }
  });
});
