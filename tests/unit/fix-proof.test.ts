import { describe, expect, it } from 'vitest';
import { FIX_FLAG_LABELS, distanceM, judgeFix } from '../../api/domain/fix-proof';

const site = { lon: 118.505, lat: 28.905, reportedAt: new Date('2026-03-04T01:00:00Z') };
const at = new Date('2026-03-04T05:00:00Z');
const pos = (over: object = {}) => ({ lon: site.lon, lat: site.lat, accuracyM: 10, at, manual: false, ...over });
const M_PER_DEG_LON = 97_400; // at 28.9° N

describe('fix proof (domain/fix-proof.ts)', () => {
  it('measures great-circle distances in metres', () => {
    expect(distanceM(site, { lon: site.lon, lat: site.lat + 0.001 })).toBeCloseTo(111.2, 0);
    expect(distanceM(site, { lon: site.lon + 500 / M_PER_DEG_LON, lat: site.lat })).toBeCloseTo(500, -1);
    expect(distanceM(site, site)).toBe(0);
  });

  it('a fix at the site, precise, after the report: not flagged', () => {
    const p = judgeFix(site, pos({ lon: site.lon + 50 / M_PER_DEG_LON }), [{ takenAt: at, lon: null, lat: null }]);
    expect(p).toMatchObject({ flagged: false, reasons: [], manual: false, accuracyM: 10 });
    expect(p.distanceM).toBeCloseTo(50, 0);
  });

  it('flags each condition with its own reason', () => {
    expect(judgeFix(site, null, []).reasons).toEqual(['position_missing']);
    expect(judgeFix(site, pos({ manual: true }), []).reasons).toEqual(['position_manual']);
    expect(judgeFix(site, pos({ lon: site.lon + 101 / M_PER_DEG_LON }), []).reasons).toEqual(['too_far']);
    expect(judgeFix(site, pos({ lon: site.lon + 99 / M_PER_DEG_LON }), []).reasons).toEqual([]);
    expect(judgeFix(site, pos({ accuracyM: 2000 }), []).reasons).toEqual(['poor_accuracy']);
    expect(judgeFix(site, pos({ accuracyM: 50 }), []).reasons).toEqual([]);
    expect(judgeFix(site, pos({ accuracyM: Number.NaN }), []).reasons).toEqual(['poor_accuracy']);
    expect(judgeFix(site, pos({ at: new Date('2026-03-03T00:00:00Z') }), []).reasons).toEqual([
      'position_before_report',
    ]);
    const old = { takenAt: new Date('2026-03-01T00:00:00Z'), lon: null, lat: null };
    expect(judgeFix(site, pos(), [old]).reasons).toEqual(['photo_before_report']);
    const elsewhere = { takenAt: null, lon: site.lon + 0.01, lat: site.lat };
    const p = judgeFix(site, pos(), [elsewhere]);
    expect(p.reasons).toEqual(['photo_far']);
    expect(p.photos[0]!.distanceM).toBeGreaterThan(900);
  });

  it('a photo without EXIF is no evidence either way', () => {
    expect(judgeFix(site, pos(), [{ takenAt: null, lon: null, lat: null }]).flagged).toBe(false);
  });

  it('every reason has a label in both languages', () => {
    for (const m of Object.values(FIX_FLAG_LABELS)) expect(m.zh && m.en).toBeTruthy();
  });
});
