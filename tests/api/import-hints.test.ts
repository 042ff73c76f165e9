import { describe, expect, it } from 'vitest';
import { backends, withMiniCity } from './harness';
import { fc, feature, rectPolygon, type Rect } from '../fixtures/mini-city';
import { gcj02Shift } from '../../api/domain/gcj02';

interface ErrBody {
  error: string;
  message: string;
  details: { index?: number; feature?: string; field?: string; reason: string }[];
}
const named = (name: string, geometry: GeoJSON.Geometry): GeoJSON.Feature => ({
  type: 'Feature',
  properties: { name },
  geometry,
});
const shift = ([w, s, e, n]: Rect, dx: number, dy: number): Rect => [w + dx, s + dy, e + dx, n + dy];

// Issue 10, findings 13, 15 and 16: every problem of an area file at once, hints that point at
// the real cause (swapped axes, GCJ-02 against WGS84), and names-only files with a code table.
describe.each(backends())('area import explains itself on $name', (backend) => {
  const t = withMiniCity(backend);
  const count = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM areas')).rows[0]!.n;
  const post = (payload: Record<string, unknown>, lang = 'zh-CN') =>
    t.app.inject({
      method: 'POST',
      url: '/api/areas/import',
      payload,
      headers: { ...t.admin.headers, 'accept-language': lang },
    });
  const refused = async (payload: Record<string, unknown>, lang = 'zh-CN') => {
    const before = await count();
    const res = await post(payload, lang);
    expect(res.statusCode, res.body).toBe(422);
    expect(await count()).toBe(before);
    return res.json() as ErrBody;
  };

  it('reports a bad code, an unknown parent and a grid outside its community in one answer', async () => {
    const body = await refused({
      level: 'grid',
      collection: fc([
        feature('3308220010010', '十三位', rectPolygon([118.501, 28.901, 118.502, 28.902])),
        feature('330822009001001', '无上级', rectPolygon([118.501, 28.901, 118.502, 28.902])),
        feature('330822001001031', '越界网格', rectPolygon([118.5015, 28.905, 118.5025, 28.912])),
      ]),
    });
    // the third also overlaps the stored 文峰社区第01网格: the last stage, reported as well
    expect(body.message).toBe('导入被拒绝：4 处问题，未写入任何数据');
    expect(body.details.map((d) => [d.index, d.reason])).toEqual([
      [0, expect.stringMatching(/^编码应为 15 位数字（网格），实际为 "3308220010010"$/)],
      [1, '上级社区/村编码 330822009001 不存在'],
      [2, expect.stringMatching(/^超出上级 330822001001 文峰社区 的范围：最远 2\d\d/)],
      [2, expect.stringMatching(/^与 330822001001001 文峰社区第01网格 重叠/)],
    ]);
  });

  it('says lat/lon are swapped rather than projected', async () => {
    const swapped: GeoJSON.Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [28.901, 118.501],
          [28.901, 118.502],
          [28.902, 118.502],
          [28.902, 118.501],
          [28.901, 118.501],
        ],
      ],
    };
    const body = await refused({ level: 'grid', collection: fc([feature('330822001001032', '颠倒', swapped)]) });
    expect(body.details[0]!.reason).toContain('经纬度顺序颠倒');
    expect(body.details[0]!.reason).not.toContain('投影');
    const en = await refused({ level: 'grid', collection: fc([feature('330822001001032', '颠倒', swapped)]) }, 'en');
    expect(en.details[0]!.reason).toMatch(/latitude and longitude swapped/);
  });

  it('recognises GCJ-02 children under a WGS84 parent, and does not say so for a plain offset', async () => {
    const rect: Rect = [118.7, 28.9, 118.76, 28.94];
    expect(
      (await post({ level: 'county', collection: fc([feature('330824', '邻县', rectPolygon(rect))]) })).statusCode,
    ).toBe(201);
    const [dx, dy] = gcj02Shift(118.73, 28.92); // what Gaode/DataV data of the same place are off by
    const halves = (d: [number, number]) =>
      fc([
        feature('330824001', '甲街道', rectPolygon(shift([118.7, 28.9, 118.73, 28.94], ...d))),
        feature('330824002', '乙街道', rectPolygon(shift([118.73, 28.9, 118.76, 28.94], ...d))),
      ]);
    const gcj = await refused({ level: 'street', collection: halves([dx, dy]) });
    const crs = gcj.details.find((d) => d.field === 'crs');
    expect(crs?.reason).toMatch(
      /^坐标系似乎不一致：本文件像是 GCJ-02（火星坐标），而上级 330824 邻县 像是 WGS84（CGCS2000）.*约 5\d\d 米.*面积减少 100%/,
    );
    expect(gcj.details.filter((d) => d.reason.startsWith('超出上级'))).toHaveLength(2);
    const north = await refused({ level: 'street', collection: halves([0, 0.005]) }); // ~550 m north: a drawing error
    expect(north.details.map((d) => d.field)).toEqual(['geometry', 'geometry']);
  });

  it('fills codes from a name → code table (CSV text or a map), merging parts like 新昌乡上/新昌乡下', async () => {
    expect(
      (
        await post({
          level: 'county',
          collection: fc([feature('330825', '又一县', rectPolygon([118.8, 28.9, 118.86, 28.94]))]),
        })
      ).statusCode,
    ).toBe(201);
    const file = fc([
      named('甲街道', rectPolygon([118.8, 28.9, 118.83, 28.94])),
      named('乙街道上', rectPolygon([118.83, 28.92, 118.86, 28.94])),
      named('乙街道下', rectPolygon([118.83, 28.9, 118.86, 28.92])),
    ]);
    const none = await refused({ level: 'street', collection: file });
    expect(none.details).toHaveLength(3);
    expect(none.details[0]!.reason).toMatch(/编码应为 9 位数字.*实际缺少.*--codes 文件\.csv.*codes 字段/);
    const partial = await refused({ level: 'street', collection: file, codes: { 甲街道: '330825001' } });
    expect(partial.details.map((d) => d.reason)).toEqual([
      '编码表中没有「乙街道上」的 9 位编码：请在编码表中加一行（名称,编码）',
      '编码表中没有「乙街道下」的 9 位编码：请在编码表中加一行（名称,编码）',
    ]);
    const badTable = await refused({ level: 'street', collection: file, codes: '名字,号码\n甲街道,330825001\n' });
    expect(badTable.details[0]).toMatchObject({ field: 'codes' });
    // columns in any order, others ignored; a name with a second code in another county (like 田坝镇)
    const csv = 'code,name,county_code\n330825001,甲街道,330825\n330825002,乙街道,330825\n520502002,乙街道,520502\n';
    const ok = await post({ level: 'street', collection: file, codes: csv });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toEqual({ level: 'street', imported: 2, codes: ['330825001', '330825002'] });
    const { rows } = await t.db.query<{ name: string; parts: number }>(
      `SELECT name, ST_NumGeometries(geom) AS parts FROM areas WHERE code = '330825002'`,
    );
    expect(rows[0]).toEqual({ name: '乙街道', parts: 1 }); // the two halves dissolved into one
  });
});
