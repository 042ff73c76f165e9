import { describe, expect, it } from 'vitest';
import { AppError } from '../../api/errors';
import { checkImportSize, IMPORT_LIMITS } from '../../api/domain/import-limits';

// Bounded work per import (issue 15): counted before any geometry work, refused naming the limit.
const ring = (n: number, x0 = 0): number[][] => {
  const pts = Array.from({ length: n - 1 }, (_, i) => {
    const a = (2 * Math.PI * i) / (n - 1);
    return [x0 + Math.cos(a) * 0.01, Math.sin(a) * 0.01];
  });
  return [...pts, pts[0]!];
};
const feature = (code: string, n: number, x0 = 0) => ({
  type: 'Feature',
  properties: { code, name: `area ${code}` },
  geometry: { type: 'Polygon', coordinates: [ring(n, x0)] },
});
const fc = (features: unknown[]) => ({ type: 'FeatureCollection', features });
const refusal = (f: () => void) => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('not refused');
};
const small = { features: 3, verticesPerFeature: 100, vertices: 250 };

describe('import limits', () => {
  it('accepts a file at the limits', () => {
    expect(() => checkImportSize(fc([feature('1', 100), feature('2', 100)]), small)).not.toThrow();
    expect(() => checkImportSize(fc([feature('1', 1000)]))).not.toThrow();
    expect(IMPORT_LIMITS.verticesPerFeature).toBeGreaterThanOrEqual(14_000); // 常山's townships together
  });

  it('refuses too many features with 413, naming the limit', () => {
    const e = refusal(() => checkImportSize(fc([1, 2, 3, 4].map((i) => feature(String(i), 4))), small));
    expect(e.status).toBe(413);
    expect(e.msg.en).toContain('more than the 3 one import may hold');
    expect(e.msg.zh).toContain('上限 3 个');
  });

  it('refuses too many vertices in the file with 413', () => {
    const e = refusal(() => checkImportSize(fc([feature('1', 100), feature('2', 100), feature('3', 60)]), small));
    expect(e.status).toBe(413);
    expect(e.msg.en).toMatch(/260 or more vertices, more than the 250/);
  });

  it('names each feature with too dense a boundary, 422', () => {
    const e = refusal(() => checkImportSize(fc([feature('1', 50), feature('2', 101)]), small));
    expect(e.status).toBe(422);
    expect(e.code).toBe('GeometryTooDense');
    expect(e.problems).toEqual([expect.objectContaining({ index: 1, feature: '2 area 2', field: 'geometry' })]);
    expect(e.problems[0]!.reason.en).toContain('101 vertices, more than the 100 one area may have');
  });

  it('leaves what is not a feature collection to the validator', () => {
    expect(() => checkImportSize({ type: 'Nope' })).not.toThrow();
    expect(() => checkImportSize(null)).not.toThrow();
  });
});
