import { describe, expect, it } from 'vitest';
import { checkGeometry, explainInvalid, validateAreaCollection } from '../../api/domain/geojson-validate';

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
const feat = (code: unknown, name: unknown, geometry: unknown = square()) => ({
  type: 'Feature',
  properties: { code, name },
  geometry,
});
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('validateAreaCollection', () => {
  it('accepts a clean collection and normalises numeric codes to strings', () => {
    const { features, problems } = validateAreaCollection(fc(feat(330822001, '天马街道')), 'street');
    expect(problems).toEqual([]);
    expect(features).toEqual([{ indexes: [0], code: '330822001', name: '天马街道', geometry: square() }]);
  });

  it('merges features with the same code and name into one area of several parts', () => {
    const { features, problems } = validateAreaCollection(
      fc(feat('330822219', '新昌乡', square(118.3)), feat('330822219', '新昌乡', square(118.31))),
      'street',
    );
    expect(problems).toEqual([]);
    expect(features).toHaveLength(1);
    expect(features[0]!.indexes).toEqual([0, 1]);
    expect(features[0]!.geometry).toEqual({ type: 'GeometryCollection', geometries: [square(118.3), square(118.31)] });
  });

  it('reports a code used for two different names', () => {
    const { problems } = validateAreaCollection(fc(feat('330822001', '甲'), feat('330822001', '乙')), 'street');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ index: 1, field: 'properties.code' });
    expect(problems[0]!.reason.en).toBe('code 330822001 duplicates feature #1 (甲)');
  });

  it('checks the code length of the level and reads other property names when told', () => {
    expect(validateAreaCollection(fc(feat('3308220010', 'x')), 'street').problems[0]!.reason.zh).toContain('9 位数字');
    const datav = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { adcode: 330822, name: '常山县' }, geometry: square() }],
    };
    expect(validateAreaCollection(datav, 'county').problems).toHaveLength(1);
    expect(validateAreaCollection(datav, 'county', { code: 'adcode' }).problems).toEqual([]);
  });

  it('refuses a CRS other than lon/lat and accepts CRS84 and CGCS2000', () => {
    const withCrs = (name: string) => ({
      ...fc(feat('330822', '常山县')),
      crs: { type: 'name', properties: { name } },
    });
    expect(validateAreaCollection(withCrs('EPSG:3857'), 'county').problems[0]!.field).toBe('crs');
    expect(validateAreaCollection(withCrs('urn:ogc:def:crs:OGC:1.3:CRS84'), 'county').problems).toEqual([]);
    expect(validateAreaCollection(withCrs('urn:ogc:def:crs:EPSG::4490'), 'county').problems).toEqual([]);
  });

  it('reports every bad feature, not just the first', () => {
    const { problems, features } = validateAreaCollection(
      fc(feat('1', ''), feat('330822002', '紫港街道'), 'junk'),
      'street',
    );
    expect(problems.map((p) => [p.index, p.field])).toEqual([
      [0, 'properties.code'],
      [0, 'properties.name'],
      [2, 'type'],
    ]);
    expect(features.map((f) => f.code)).toEqual(['330822002']);
  });
});

describe('checkGeometry', () => {
  it.each([
    [undefined, 'geometry is missing'],
    [{ type: 'Point', coordinates: [1, 2] }, 'geometry must be a Polygon or MultiPolygon, got Point'],
    [{ type: 'MultiPolygon', coordinates: [] }, 'geometry is empty'],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      },
      'polygon 1, ring 1 has fewer than 4 positions',
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
      'polygon 1, ring 1 is not closed (first and last positions differ)',
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 'a'],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      'polygon 1, ring 1: position [1,"a"] is not a pair of numbers',
    ],
    [
      {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, NaN],
            [1, 1],
            [0, 0],
          ],
        ],
      },
      'polygon 1, ring 1: position [1,null] is not a pair of numbers',
    ],
  ])('%j → %s', (geometry, en) => {
    expect(checkGeometry(geometry)?.en).toBe(en);
  });

  it('says projected coordinates look projected', () => {
    const r = checkGeometry({
      type: 'Polygon',
      coordinates: [
        [
          [500000, 3200000],
          [500100, 3200000],
          [500100, 3200100],
          [500000, 3200000],
        ],
      ],
    });
    expect(r?.en).toMatch(/outside lon\/lat range: it looks projected/);
    expect(r?.zh).toContain('投影坐标');
  });

  it('says latitude and longitude are swapped when every position reads as (lat, Chinese lon)', () => {
    const r = checkGeometry({
      type: 'Polygon',
      coordinates: [
        [
          [28.9, 118.5],
          [28.9, 118.51],
          [28.91, 118.51],
          [28.9, 118.5],
        ],
      ],
    });
    expect(r?.zh).toContain('经纬度顺序颠倒了（纬度在前）');
    expect(r?.zh).not.toContain('投影');
    expect(r?.en).toMatch(/latitude and longitude swapped/);
  });

  it('passes a valid multipolygon with a hole', () => {
    const withHole = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [0, 0],
            [4, 0],
            [4, 4],
            [0, 4],
            [0, 0],
          ],
          [
            [1, 1],
            [1, 2],
            [2, 2],
            [2, 1],
            [1, 1],
          ],
        ],
      ],
    };
    expect(checkGeometry(withHole)).toBeNull();
  });
});

describe('explainInvalid', () => {
  it('translates the PostGIS reason and keeps the location', () => {
    expect(explainInvalid('Self-intersection[118.5 28.9]')).toEqual({
      zh: '几何无效：自相交，位置 118.5, 28.9',
      en: 'invalid geometry: Self-intersection at 118.5 28.9',
    });
    expect(explainInvalid('Hole lies outside shell[1 2]').zh).toBe('几何无效：内环（洞）位于外环之外，位置 1, 2');
  });
  it('passes an unknown reason through rather than hiding it', () => {
    expect(explainInvalid('Something new').zh).toBe('几何无效：Something new');
  });
});
