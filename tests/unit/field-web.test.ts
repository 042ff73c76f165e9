import { describe, expect, it } from 'vitest';
import { circle, distanceM, positionFeatures } from '../../web/src/features/field/geo';
import { parseIdempotencyKey } from '../../api/plugins/idempotency';

describe('field workspace helpers', () => {
  it('draws the accuracy circle with its radius in metres', () => {
    const ring = circle(118.5, 28.9, 50).coordinates[0]!;
    expect(ring[0]).toEqual(ring.at(-1));
    for (const [lon, lat] of ring)
      expect(distanceM({ lon: 118.5, lat: 28.9 }, { lon: lon!, lat: lat! })).toBeCloseTo(50, 0);
    expect(positionFeatures(null).features).toEqual([]);
    expect(positionFeatures({ lon: 118.5, lat: 28.9, accuracyM: 0 }).features).toHaveLength(2);
  });

  it('reads an Idempotency-Key as the draft writes it (sf-string) or bare, and refuses the malformed', () => {
    expect(parseIdempotencyKey(undefined)).toBeNull();
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('abc-123')).toBe('abc-123');
    for (const bad of ['', '""', 'has space', '"a"b"', 'x'.repeat(256), ['a', 'b']])
      expect(() => parseIdempotencyKey(bad)).toThrow(/Idempotency-Key/);
  });
});
