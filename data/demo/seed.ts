import type { Db } from '../../api/db/types';
import { importAreasIn } from '../../api/services/area-import';
import { generateDemoCity, toFeatureCollection } from './generate';

export interface SeedSummary {
  streets: number;
  communities: number;
  grids: number;
}

/**
 * Seeds the demo city through the same importer users use (so every geometry is validated,
 * contained and non-overlapping), level by level, plus its offline basemap.
 */
export async function seedDemo(db: Db, options: { seed?: number; grids?: number } = {}): Promise<SeedSummary> {
  const city = generateDemoCity(options);
  // One transaction: a crash mid-seed leaves an empty database, which the next start reseeds.
  await db.transaction(async (tx) => {
    await importAreasIn(tx, { level: 'county', collection: toFeatureCollection([city.county]) });
    await importAreasIn(tx, { level: 'street', collection: toFeatureCollection(city.streets) });
    await importAreasIn(tx, { level: 'community', collection: toFeatureCollection(city.communities) });
    await importAreasIn(tx, { level: 'grid', collection: toFeatureCollection(city.grids) });
    await tx.query(
      `INSERT INTO basemap_features (kind, name, geom)
       SELECT f->'properties'->>'kind', f->'properties'->>'name', ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326)
       FROM jsonb_array_elements($1::jsonb) f`,
      [JSON.stringify(city.basemap)],
    );
  });
  return { streets: city.streets.length, communities: city.communities.length, grids: city.grids.length };
}

/** First start: the demo city goes into an empty database; a database with areas is left alone. */
export async function seedDemoIfEmpty(db: Db, options: { seed?: number; grids?: number } = {}): Promise<SeedSummary | null> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM areas');
  if ((rows[0]?.n ?? 0) > 0) return null;
  return seedDemo(db, options);
}
