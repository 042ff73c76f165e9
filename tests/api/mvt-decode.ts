import { expect } from 'vitest';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

/** lon/lat → the XYZ tile containing it */
export function tileOf(lon: number, lat: number, z: number): [number, number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [z, x, y];
}

export interface DecodedFeature {
  layer: string;
  id: number | undefined;
  type: number;
  properties: Record<string, unknown>;
  rings: [number, number][][];
}

/** Decodes an MVT into a canonical, comparable list (sorted by layer, id). */
export function decode(buf: Uint8Array): DecodedFeature[] {
  if (buf.length === 0) return [];
  const tile = new VectorTile(new PbfReader(buf));
  const out: DecodedFeature[] = [];
  for (const [name, layer] of Object.entries(tile.layers)) {
    expect(layer.extent).toBe(4096);
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      out.push({
        layer: name,
        id: f.id,
        type: f.type,
        properties: f.properties,
        rings: f.loadGeometry().map((r) => r.map((p) => [p.x, p.y] as [number, number])),
      });
    }
  }
  return out.sort((a, b) => a.layer.localeCompare(b.layer) || (a.id ?? 0) - (b.id ?? 0));
}
