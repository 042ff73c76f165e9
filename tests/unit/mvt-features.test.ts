import { describe, expect, it } from 'vitest';
import { toVtFeature } from '../../api/tiles/mvt';
import { buildAreaTree } from '../../api/domain/area-tree';
import { langOf } from '../../api/errors';
import { loadConfig } from '../../api/config';

describe('toVtFeature', () => {
  it('flattens a multipolygon into rings and drops null properties', () => {
    const f = toVtFeature(
      7,
      {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
          [
            [
              [5, 5],
              [6, 5],
              [6, 6],
              [5, 5],
            ],
          ],
        ],
      },
      { code: '1', parent_id: null },
    );
    expect(f).toEqual({
      id: 7,
      type: 3,
      geometry: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 0],
        ],
        [
          [5, 5],
          [6, 5],
          [6, 6],
          [5, 5],
        ],
      ],
      tags: { code: '1' },
    });
  });
  it('maps points and lines to MVT geometry types 1 and 2, and ignores collections', () => {
    expect(toVtFeature(1, { type: 'Point', coordinates: [3, 4] }, {})).toMatchObject({ type: 1, geometry: [[3, 4]] });
    expect(
      toVtFeature(
        1,
        {
          type: 'MultiLineString',
          coordinates: [
            [
              [0, 0],
              [1, 1],
            ],
          ],
        },
        {},
      ),
    ).toMatchObject({
      type: 2,
      geometry: [
        [
          [0, 0],
          [1, 1],
        ],
      ],
    });
    expect(toVtFeature(1, { type: 'GeometryCollection', geometries: [] }, {})).toBeNull();
  });
});

describe('buildAreaTree', () => {
  it('nests rows by parent and keeps code order', () => {
    const rows = [
      { id: 1, level: 'county' as const, code: '330822', name: '常山县', parentId: null, childCount: 2 },
      { id: 2, level: 'street' as const, code: '330822001', name: '天马街道', parentId: 1, childCount: 1 },
      { id: 4, level: 'community' as const, code: '330822001001', name: '文峰社区', parentId: 2, childCount: 9 },
      { id: 3, level: 'street' as const, code: '330822002', name: '紫港街道', parentId: 1, childCount: 0 },
    ];
    const tree = buildAreaTree(rows);
    expect(tree.roots).toHaveLength(1);
    expect(tree.roots[0]!.children.map((s) => s.name)).toEqual(['天马街道', '紫港街道']);
    expect(tree.roots[0]!.children[0]!.children[0]).toMatchObject({ name: '文峰社区', childCount: 9, children: [] });
  });
});

describe('langOf and loadConfig', () => {
  it('answers in English only when English comes first', () => {
    expect(langOf('en-US,en;q=0.9')).toBe('en');
    expect(langOf('zh-CN,en;q=0.5')).toBe('zh');
    expect(langOf(undefined)).toBe('zh');
  });
  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow('PORT must be an integer between 0 and 65535, got "abc"');
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must start with postgres/);
    expect(loadConfig({}).port).toBe(8080);
  });
});
