/** Pure helpers of the field map: a circle of a radius in metres as a GeoJSON polygon. */
const M_PER_DEG_LAT = 111_320;

export function circle(lon: number, lat: number, radiusM: number, steps = 48): GeoJSON.Polygon {
  const dLat = radiusM / M_PER_DEG_LAT;
  const dLon = radiusM / (M_PER_DEG_LAT * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  const ring: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    const a = (i / steps) * 2 * Math.PI;
    ring.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

/** Metres between two points on the local plane (enough within a city; the server judges exactly). */
export function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const kx = M_PER_DEG_LAT * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  return Math.hypot((a.lon - b.lon) * kx, (a.lat - b.lat) * M_PER_DEG_LAT);
}

/** My position and its accuracy circle, as the field map's one GeoJSON source. */
export function positionFeatures(p: { lon: number; lat: number; accuracyM: number } | null): GeoJSON.FeatureCollection {
  if (!p) return { type: 'FeatureCollection', features: [] };
  return {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { kind: 'accuracy' }, geometry: circle(p.lon, p.lat, Math.max(1, p.accuracyM)) },
      { type: 'Feature', properties: { kind: 'me' }, geometry: { type: 'Point', coordinates: [p.lon, p.lat] } },
    ],
  };
}
