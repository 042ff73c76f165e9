import type { Db } from '../../api/db/types';
import { importAreasIn } from '../../api/services/area-import';
import { generateDemoCity, toFeatureCollection } from './generate';
import { demoAccounts, seedAccounts, type DemoAccount } from './accounts';
import { importRecordsIn } from '../../api/services/contracting-import';
import { demoContracting } from './contracting';
import { demoNow } from './day';

export interface SeedSummary {
  streets: number;
  communities: number;
  grids: number;
  /** demo accounts created (when the database had none) */
  accounts: DemoAccount[];
  units: number;
  assignments: number;
}

export interface DemoSeedOptions {
  seed?: number;
  grids?: number;
  /**
   * "today" for the assignment history (a year of it, a reshuffle ~3 months back), taken as the
   * start of its Beijing day (demoNow); default the system clock
   */
  now?: Date;
  /** the share of the city written so far (0…1), after each step (the first start's progress) */
  onProgress?: (share: number) => void;
}

/**
 * Seeds the demo city through the same importer users use (so every geometry is validated,
 * contained and non-overlapping), level by level, plus its offline basemap.
 */
export async function seedDemo(db: Db, options: DemoSeedOptions = {}): Promise<SeedSummary> {
  const city = generateDemoCity(options);
  const done = (share: number) => options.onProgress?.(share);
  done(0.2);
  const contracting = demoContracting(
    city.grids.map((g) => g.properties.code),
    options.seed ?? 20261125,
    demoNow(options.now ?? new Date()),
  );
  // One transaction: a crash mid-seed leaves an empty database, which the next start reseeds.
  const accounts = await db.transaction(async (tx) => {
    await importAreasIn(tx, { level: 'county', collection: toFeatureCollection([city.county]) });
    await importAreasIn(tx, { level: 'street', collection: toFeatureCollection(city.streets) });
    await importAreasIn(tx, { level: 'community', collection: toFeatureCollection(city.communities) });
    done(0.35);
    await importAreasIn(tx, { level: 'grid', collection: toFeatureCollection(city.grids) });
    done(0.7);
    await tx.query(
      `INSERT INTO basemap_features (kind, name, geom)
       SELECT f->'properties'->>'kind', f->'properties'->>'name', ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326)
       FROM jsonb_array_elements($1::jsonb) f`,
      [JSON.stringify(city.basemap)],
    );
    // Units, staff and their history through the importer users use (all its checks apply).
    await importRecordsIn(tx, contracting);
    done(0.85);
    // One account per role, unless the database already has accounts of its own.
    const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    if ((rows[0]?.n ?? 0) > 0) return [];
    const list = await demoAccounts(tx);
    await seedAccounts(tx, list);
    return list;
  });
  return {
    streets: city.streets.length,
    communities: city.communities.length,
    grids: city.grids.length,
    accounts,
    units: contracting.units.length,
    assignments: contracting.assignments.length,
  };
}

/** The demo accounts as a table for the console on first start. */
export function formatAccounts(accounts: DemoAccount[]): string {
  const scope = (codes: string[] | null | undefined) =>
    !codes
      ? '全市 city-wide'
      : codes.length <= 3
        ? codes.join(' ')
        : `${codes.slice(0, 2).join(' ')} …（共 ${codes.length} 个 / ${codes.length} areas）`;
  const rows = accounts.map((a) => [a.username, a.password, a.role, a.displayName, scope(a.scopeNow)]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join('  ')).join('\n');
}

/** First start: the demo city goes into an empty database; a database with areas is left alone. */
export async function seedDemoIfEmpty(db: Db, options: DemoSeedOptions = {}): Promise<SeedSummary | null> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM areas');
  if ((rows[0]?.n ?? 0) > 0) return null;
  return seedDemo(db, options);
}

/** A demo database from before accounts existed gets its demo accounts on the next start. */
export async function seedDemoAccountsIfNone(db: Db): Promise<DemoAccount[]> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    if ((rows[0]?.n ?? 0) > 0) return [];
    const list = await demoAccounts(tx);
    await seedAccounts(tx, list);
    return list;
  });
}
