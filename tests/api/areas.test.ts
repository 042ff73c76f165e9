import { describe, expect, it } from 'vitest';
import type { AreaDetail, AreaSearchHit, AreaSummary, AreaTree } from '../../api/schemas/areas';
import { backends, withMiniCity } from './harness';
import { POINT_IN_FIRST_GRID } from '../fixtures/mini-city';

describe.each(backends())('areas API on $name', (backend) => {
  const t = withMiniCity(backend);

  const get = async <T>(url: string, lang = 'zh-CN') => {
    const res = await t.app.inject({ method: 'GET', url, headers: { ...t.admin.headers, 'accept-language': lang } });
    return { status: res.statusCode, body: res.json() as T };
  };

  it('reports health with the backend and the counts per level', async () => {
    const { status, body } = await get<{ database: string; areas: Record<string, number>; mvtEncoder: string }>(
      '/api/health',
    );
    expect(status).toBe(200);
    expect(body.database).toBe(backend.name);
    expect(body.mvtEncoder).toBe(backend.name === 'pglite' ? 'js' : 'postgis');
    expect(body.areas).toEqual({ county: 1, street: 2, community: 4, grid: 8 });
  });

  it('serves the tree county → street → community with child counts', async () => {
    const { body } = await get<AreaTree>('/api/areas/tree');
    expect(body.roots).toHaveLength(1);
    const root = body.roots[0]!;
    expect(root).toMatchObject({ code: '330822', name: '常山县', childCount: 2 });
    expect(root.children.map((s) => s.code)).toEqual(['330822001', '330822002']);
    expect(root.children[0]!.children.map((c) => [c.name, c.childCount])).toEqual([
      ['文峰社区', 2],
      ['定阳社区', 2],
    ]);
  });

  it('gives one grid by code with its parent chain and geodesic area', async () => {
    const { status, body } = await get<AreaDetail>('/api/areas/by-code/330822001001001');
    expect(status).toBe(200);
    expect(body).toMatchObject({ level: 'grid', name: '文峰社区第01网格', childCount: 0 });
    expect(body.chain.map((a) => a.code)).toEqual(['330822', '330822001', '330822001001']);
    // 0.01° × 0.01° at 28.905°N on the WGS84 ellipsoid: 1108.5 m (N–S) × 975.1 m (E–W) ≈ 1.0809 km²
    expect(body.areaM2).toBeGreaterThan(1.0805e6);
    expect(body.areaM2).toBeLessThan(1.0815e6);
    expect(body.bbox[0]).toBeCloseTo(118.5, 9);
    expect(body.bbox[3]).toBeCloseTo(28.91, 9);
    const byId = await get<AreaDetail>(`/api/areas/${body.id}`);
    expect(byId.body).toEqual(body);
  });

  it('lists children and finds areas containing a point, county first', async () => {
    const community = (await get<AreaDetail>('/api/areas/by-code/330822002002')).body;
    const kids = await get<AreaSummary[]>(`/api/areas/${community.id}/children`);
    expect(kids.body.map((k) => k.code)).toEqual(['330822002002001', '330822002002002']);
    const [lon, lat] = POINT_IN_FIRST_GRID;
    const at = await get<AreaSummary[]>(`/api/areas/at?lon=${lon}&lat=${lat}`);
    expect(at.body.map((a) => a.level)).toEqual(['county', 'street', 'community', 'grid']);
    expect(at.body[3]!.code).toBe('330822001001001');
    const outside = await get<AreaSummary[]>('/api/areas/at?lon=100&lat=20');
    expect(outside.body).toEqual([]);
  });

  it('searches by name substring and by code prefix, with the path', async () => {
    const byName = await get<AreaSearchHit[]>(`/api/areas/search?q=${encodeURIComponent('东门')}`);
    expect(byName.body[0]).toMatchObject({ code: '330822002002', path: '常山县 › 紫港街道 › 东门社区' });
    expect(byName.body.map((h) => h.level)).toEqual(['community', 'grid', 'grid']);
    const byCode = await get<AreaSearchHit[]>('/api/areas/search?q=330822001002');
    expect(byCode.body.map((h) => h.code)).toEqual(['330822001002', '330822001002001', '330822001002002']);
    // LIKE wildcards in the query are literal
    expect((await get<AreaSearchHit[]>('/api/areas/search?q=%25')).body).toEqual([]);
  });

  it('answers unknown areas and bad parameters with a clear error in the caller language', async () => {
    const missing = await get<{ error: string; message: string }>('/api/areas/999999');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('未找到');
    const en = await get<{ message: string }>('/api/areas/by-code/999999', 'en');
    expect(en.status).toBe(404);
    expect(en.body.message).toBe('area not found');
    const bad = await get<{ error: string; details: { field: string }[] }>('/api/areas/at?lon=500&lat=28');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0]!.field).toContain('lon');
    const badCode = await get<{ error: string }>('/api/areas/by-code/12ab');
    expect(badCode.status).toBe(400);
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' }); // public: it documents, it holds no data
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/areas/tree', '/api/areas/import', '/tiles/{tileset}/{z}/{x}/{y}.mvt']),
    );
  });
});
