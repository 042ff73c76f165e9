import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../api/config';
import { openDb } from '../api/db/open';
import { migrate } from '../api/db/migrate';
import { AppError, type Lang } from '../api/errors';
import { importAreas } from '../api/services/area-import';
import { AREA_LEVELS, type AreaLevel } from '../api/schemas/areas';
import { generateDemoCity, toFeatureCollection } from './demo/generate';
import { seedDemo } from './demo/seed';

const USAGE = `Wangge command line (database: DATABASE_URL, or the embedded one in WANGGE_DATA_DIR)

  npm run wangge -- import areas FILE --level county|street|community|grid [--tolerance METRES] [--overlap-tolerance M2]
                                     [--code-field adcode] [--name-field NAME]
      Import one level of areas from a GeoJSON FeatureCollection (EPSG:4326), all or nothing.
      Each feature needs properties.code (6/9/12/15 digits) and properties.name; the parent is
      found from the code prefix. --tolerance: how far a child may stick out of its parent;
      --overlap-tolerance: overlap between siblings accepted (default 1 m²).
  npm run wangge -- demo write DIR [--grids N] [--seed S]
      Write the demo city as GeoJSON files (county, streets, communities, grids, basemap).
  npm run wangge -- demo seed [--grids N] [--seed S]
      Seed the demo city into an empty database.
  npm run wangge -- migrate
      Apply pending migrations.

Stop the server first when using the embedded database: it has one connection.`;

const lang: Lang = /^en/i.test(process.env.WANGGE_LANG ?? process.env.LANG ?? '') ? 'en' : 'zh';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      level: { type: 'string' },
      tolerance: { type: 'string' },
      'overlap-tolerance': { type: 'string' },
      'code-field': { type: 'string' },
      'name-field': { type: 'string' },
      grids: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, sub, arg] = positionals;
  if (values.help || !cmd) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a non-negative number, got "${v}"`);
    return n;
  };
  const demoOpts = { grids: num('grids', values.grids), seed: num('seed', values.seed) };

  if (cmd === 'demo' && sub === 'write') {
    if (!arg) throw new UsageError('demo write needs a folder');
    const city = generateDemoCity(demoOpts);
    const dir = resolve(arg);
    await mkdir(dir, { recursive: true });
    const files: [string, unknown[]][] = [['county', [city.county]], ['streets', city.streets], ['communities', city.communities], ['grids', city.grids], ['basemap', city.basemap]];
    for (const [name, features] of files) await writeFile(join(dir, `${name}.geojson`), JSON.stringify(toFeatureCollection(features)));
    console.log(`wrote ${city.grids.length} grids, ${city.communities.length} communities, ${city.streets.length} streets to ${dir}`);
    return 0;
  }

  const config = loadConfig();
  const db = await openDb(config);
  try {
    await migrate(db);
    if (cmd === 'migrate') {
      console.log('migrations applied');
      return 0;
    }
    if (cmd === 'demo' && sub === 'seed') {
      const s = await seedDemo(db, demoOpts);
      console.log(`seeded ${s.grids} grids, ${s.communities} communities, ${s.streets} streets`);
      return 0;
    }
    if (cmd === 'import' && sub === 'areas') {
      if (!arg) throw new UsageError('import areas needs a GeoJSON file');
      const level = values.level as AreaLevel | undefined;
      if (!level || !AREA_LEVELS.includes(level)) throw new UsageError(`--level must be one of ${AREA_LEVELS.join(', ')}`);
      const text = (await readFile(arg, 'utf8')).replace(/^\uFEFF/, ''); // files exported on Windows often carry a BOM
      let collection: unknown;
      try {
        collection = JSON.parse(text);
      } catch (e) {
        throw new UsageError(`${arg} is not valid JSON: ${(e as Error).message}`);
      }
      const r = await importAreas(db, { level, collection, toleranceM: num('tolerance', values.tolerance), overlapToleranceM2: num('overlap-tolerance', values['overlap-tolerance']), fields: { code: values['code-field'], name: values['name-field'] } });
      console.log(lang === 'zh' ? `已导入 ${r.imported} 个${level}：${r.codes.join(', ')}` : `imported ${r.imported} ${level} area(s): ${r.codes.join(', ')}`);
      return 0;
    }
    throw new UsageError(`unknown command: ${positionals.join(' ')}`);
  } finally {
    await db.close();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof AppError) {
      console.error(err.msg[lang]);
      for (const p of err.problems) {
        const where = [p.index !== undefined ? `#${p.index + 1}` : '', p.feature ?? '', p.field ? `[${p.field}]` : ''].filter(Boolean).join(' ');
        console.error(`  ${where}: ${p.reason[lang]}`);
      }
      process.exit(1);
    }
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  },
);
