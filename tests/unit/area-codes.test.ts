import { describe, expect, it } from 'vitest';
import { lookupCode, parseCodeTable } from '../../api/domain/area-codes';
import { validateAreaCollection } from '../../api/domain/geojson-validate';
import { gcj02Shift, wgs84ToGcj02 } from '../../api/domain/gcj02';
import { hasSharedData, readShared, SKIP_REASON } from '../api/shared-data';

const square = (x = 118.5, y = 28.9, d = 0.01) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});
const named = (name: string) => ({ type: 'Feature', properties: { name }, geometry: square() });

describe('name → code tables (issue 10 finding 16)', () => {
  it('reads a CSV with a BOM, columns in any order and extra columns, as offices keep them', () => {
    const { table, problems } = parseCodeTable(
      '\uFEFFcode,name,county_code\r\n330822001,天马街道,330822\r\n520502104,田坝镇,520502\r\n530381103,田坝镇,530381\r\n',
    );
    expect(problems).toEqual([]);
    expect(table.byName.get('田坝镇')).toEqual(['520502104', '530381103']);
    expect(parseCodeTable('名称,编码\n天马街道,330822001\n').table.nameOf.get('330822001')).toBe('天马街道');
  });

  it('names what is wrong in the table: no header, a bad code', () => {
    expect(parseCodeTable('天马街道,330822001\n').problems[0]!.reason.zh).toContain('表头');
    expect(parseCodeTable('name,code\n天马街道,33082200\n').problems[0]).toMatchObject({ field: 'codes', row: 2 });
  });

  it('finds parts by the area they belong to, narrows a shared name by the stored parent, stores the table name', () => {
    const { table } = parseCodeTable(
      'name,code\n新昌乡,330822219\n辉埠镇,330822115\n灰埠镇,330822115\n田坝镇,520502104\n田坝镇,530381103\n',
    );
    expect(lookupCode(table, '新昌乡上', 'street')).toEqual({ code: '330822219', name: '新昌乡' });
    expect(lookupCode(table, '灰埠镇', 'street')).toEqual({ code: '330822115', name: '辉埠镇' });
    expect(lookupCode(table, '田坝镇', 'street')).toMatchObject({
      problem: { zh: expect.stringContaining('对应多个编码：520502104、530381103') },
    });
    expect(lookupCode(table, '田坝镇', 'street', (c) => c.startsWith('530381'))).toEqual({
      code: '530381103',
      name: '田坝镇',
    });
    expect(lookupCode(table, '新昌乡', 'community')).toMatchObject({
      problem: { en: expect.stringContaining('no 12-digit code') },
    });
  });

  it('gives name-only features their codes in validation, and says how when there is no table', () => {
    const { table } = parseCodeTable({ 新昌乡: '330822219' });
    const file = { type: 'FeatureCollection', features: [named('新昌乡上'), named('新昌乡下')] };
    const ok = validateAreaCollection(file, 'street', {}, (n) => lookupCode(table, n, 'street'));
    expect(ok.problems).toEqual([]);
    expect(ok.features.map((f) => [f.code, f.name, f.indexes])).toEqual([['330822219', '新昌乡', [0, 1]]]);
    const bare = validateAreaCollection(file, 'street');
    expect(bare.problems[0]!.reason.en).toMatch(
      /missing; for a file with names only, give a name→code table: --codes FILE\.csv .* the codes field/,
    );
  });
});

describe('the GCJ-02 shift used to recognise a coordinate-system mix-up (finding 15)', () => {
  it('is about 585 m to the south-east at 常山县, as the shared data README says', () => {
    const [dx, dy] = gcj02Shift(118.52, 28.95);
    expect(dx).toBeGreaterThan(0.004);
    expect(dy).toBeLessThan(-0.002);
  });

  it.skipIf(!hasSharedData)('maps the WGS84 county outline onto the DataV (GCJ-02) original within a metre', () => {
    const pts = (path: string) =>
      (
        readShared(path) as { features: { geometry: { coordinates: number[][][][] } }[] }
      ).features[0]!.geometry.coordinates.flat(2);
    const gcj = pts('admin-datav/county-330822.gcj02.json'),
      wgs = pts('admin-datav/county-330822.wgs84.geojson');
    expect(wgs.length).toBe(gcj.length);
    const worst = Math.max(
      ...wgs.map(([x, y], i) => {
        const [gx, gy] = wgs84ToGcj02(x!, y!);
        return Math.hypot((gx - gcj[i]![0]!) * 97_500, (gy - gcj[i]![1]!) * 111_000);
      }),
    );
    expect(worst).toBeLessThan(1);
  });
  if (!hasSharedData) console.warn(`area-codes.test.ts: GCJ-02 check skipped: ${SKIP_REASON}`);
});
