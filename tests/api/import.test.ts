import { describe, expect, it } from 'vitest';
import { backends, withMiniCity } from './harness';
import { fc, feature, rectPolygon } from '../fixtures/mini-city';

interface ErrBody {
  error: string;
  message: string;
  details: { index?: number; feature?: string; field?: string; reason: string }[];
}

describe.each(backends())('area import refuses bad input on $name, writing nothing', (backend) => {
  const t = withMiniCity(backend);

  const count = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM areas')).rows[0]!.n;
  const refused = async (level: string, collection: unknown, lang = 'zh-CN') => {
    const before = await count();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/areas/import',
      payload: { level, collection },
      headers: { ...t.admin.headers, 'accept-language': lang },
    });
    expect(await count()).toBe(before);
    return { status: res.statusCode, body: res.json() as ErrBody };
  };
  // A grid inside 文峰社区 (330822001001 covers 118.50–118.52 E, 28.90–28.91 N) that is free.
  const fresh = (code = '330822001001003', geometry: unknown = rectPolygon([118.501, 28.901, 118.502, 28.902])) => ({
    type: 'Feature',
    properties: { code, name: '测试网格' },
    geometry,
  });

  it('refuses what is not a FeatureCollection, and an empty one', async () => {
    expect((await refused('grid', { type: 'Feature' })).status).toBe(422);
    const empty = await refused('grid', fc([]));
    expect(empty.body.details[0]!.reason).toContain('为空');
  });

  it('names a self-intersecting polygon and where it crosses itself', async () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [118.501, 28.901],
          [118.503, 28.903],
          [118.503, 28.901],
          [118.501, 28.903],
          [118.501, 28.901],
        ],
      ],
    };
    const { status, body } = await refused('grid', {
      type: 'FeatureCollection',
      features: [fresh('330822001001009', bowtie)],
    });
    expect(status).toBe(422);
    expect(body.details).toHaveLength(1);
    expect(body.details[0]).toMatchObject({ index: 0, feature: '330822001001009 测试网格', field: 'geometry' });
    expect(body.details[0]!.reason).toBe('几何无效：自相交，位置 118.502, 28.902');
    const en = await refused('grid', { type: 'FeatureCollection', features: [fresh('330822001001009', bowtie)] }, 'en');
    expect(en.body.details[0]!.reason).toBe('invalid geometry: Self-intersection at 118.502 28.902');
  });

  it('recognises projected coordinates and out-of-range ones', async () => {
    const mercator = rectPolygon([13191359, 3362924, 13191459, 3363024]);
    const { body } = await refused('grid', {
      type: 'FeatureCollection',
      features: [fresh('330822001001009', mercator)],
    });
    expect(body.details[0]!.reason).toContain('投影坐标');
    const crs = await refused('grid', {
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } },
      features: [fresh()],
    });
    expect(crs.body.details[0]).toMatchObject({ field: 'crs' });
  });

  it('refuses unclosed rings, wrong geometry types, bad codes and missing names — all reported at once', async () => {
    const open = {
      type: 'Polygon',
      coordinates: [
        [
          [118.501, 28.901],
          [118.502, 28.901],
          [118.502, 28.902],
          [118.501, 28.902],
        ],
      ],
    };
    const line = {
      type: 'LineString',
      coordinates: [
        [118.501, 28.901],
        [118.502, 28.902],
      ],
    };
    const { body } = await refused('grid', {
      type: 'FeatureCollection',
      features: [
        fresh('330822001001011', open),
        fresh('330822001001012', line),
        fresh('33082200100', undefined),
        {
          type: 'Feature',
          properties: { code: '330822001001013' },
          geometry: rectPolygon([118.501, 28.901, 118.502, 28.902]),
        },
      ],
    });
    expect(body.details.map((d) => [d.index, d.field])).toEqual([
      [0, 'geometry'],
      [1, 'geometry'],
      [2, 'properties.code'],
      [3, 'properties.name'],
    ]);
    expect(body.details[0]!.reason).toContain('未闭合');
    expect(body.details[2]!.reason).toContain('15 位数字');
  });

  it('refuses unknown parents, duplicate codes in the file and codes already stored', async () => {
    const orphan = await refused(
      'grid',
      fc([feature('330822009001001', '孤儿网格', rectPolygon([118.501, 28.901, 118.502, 28.902]))]),
    );
    expect(orphan.body.details[0]!.reason).toBe('上级社区/村编码 330822009001 不存在');
    const dup = await refused('grid', {
      type: 'FeatureCollection',
      features: [
        fresh('330822001001020'),
        { ...fresh('330822001001020'), properties: { code: '330822001001020', name: '另一个' } },
      ],
    });
    expect(dup.body.details[0]!.reason).toContain('重复');
    const taken = await refused(
      'grid',
      fc([feature('330822001001001', '已有', rectPolygon([118.501, 28.901, 118.502, 28.902]))]),
    );
    expect(taken.body.details[0]!.reason).toContain('已存在');
  });

  it('refuses a grid outside its community, saying how far', async () => {
    // 文峰社区 ends at 28.91 N; this grid reaches 28.912 N (≈ 222 m beyond)
    const { body } = await refused(
      'grid',
      fc([feature('330822001001030', '越界网格', rectPolygon([118.501, 28.905, 118.502, 28.912]))]),
    );
    expect(body.details[0]!.reason).toMatch(/超出上级 330822001001 文峰社区 的范围：最远 22\d\.\d 米/);
  });

  it('refuses overlapping grids, naming the pair and the overlap area', async () => {
    // overlaps the stored 文峰社区第01网格 (118.50–118.51) wholly: 0.001° × 0.001° ≈ 10 809 m²
    const { body } = await refused(
      'grid',
      fc([feature('330822001001040', '重叠网格', rectPolygon([118.501, 28.901, 118.502, 28.902]))]),
    );
    expect(body.details).toHaveLength(1);
    expect(body.details[0]!.feature).toBe('330822001001040 重叠网格');
    expect(body.details[0]!.reason).toMatch(/^与 330822001001001 文峰社区第01网格 重叠 108\d\d(\.\d)? 平方米$/);
  });

  it('accepts siblings that share an edge: touching is not overlapping', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/areas/import',
      payload: {
        level: 'county',
        collection: fc([feature('330823', '邻县', rectPolygon([118.6, 28.9, 118.62, 28.92]))]),
      },
      headers: t.admin.headers,
    });
    expect(res.statusCode).toBe(201);
    const streets = fc([
      feature('330823001', '甲街道', rectPolygon([118.6, 28.9, 118.61, 28.92])),
      feature('330823002', '乙街道', rectPolygon([118.61, 28.9, 118.62, 28.92])),
    ]);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/areas/import',
      payload: { level: 'street', collection: streets },
      headers: t.admin.headers,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toEqual({ level: 'street', imported: 2, codes: ['330823001', '330823002'] });
  });
});
