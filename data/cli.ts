import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cliLang, loadConfig } from '../api/config';
import { areasRepository } from '../api/repositories/areas';
import { openDb } from '../api/db/open';
import { migrate } from '../api/db/migrate';
import { AppError, type Lang } from '../api/errors';
import { importAreas } from '../api/services/area-import';
import { AREA_LEVELS, type AreaLevel } from '../api/schemas/areas';
import { decodeText } from '../api/domain/csv';
import { generateDemoCity, toFeatureCollection } from './demo/generate';
import { seedDemo } from './demo/seed';
import { seedDemoProblemsFor } from './demo/problems-seed';
import { bulkInsertProblems } from './demo/problems-bulk';
import { demoNow } from './demo/day';
import { exportWorkbook, importFiles, writeTemplate } from './contracting-template';
import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../api/auth/roles';
import { hashPassword } from '../api/auth/passwords';
import { setScope } from '../api/services/users';

const USAGE = `Wangge command line (database: DATABASE_URL, or the embedded one in WANGGE_DATA_DIR)

  npm run wangge -- import areas FILE --level county|street|community|grid [--tolerance METRES] [--overlap-tolerance M2]
                                     [--code-field adcode] [--name-field NAME] [--codes FILE.csv]
      Import one level of areas from a GeoJSON FeatureCollection (EPSG:4326), all or nothing.
      Each feature needs properties.code (6/9/12/15 digits) and properties.name; the parent is
      found from the code prefix. --tolerance: how far a child may stick out of its parent;
      --overlap-tolerance: overlap between siblings accepted (default 1 m²). --codes: a CSV
      table of names and codes (header with name and code columns) for features with a name
      but no code; a name like 新昌乡上 takes the code of 新昌乡, and the table's name is stored.
  npm run wangge -- demo write DIR [--grids N] [--seed S]
      Write the demo city as GeoJSON files (county, streets, communities, grids, basemap).
  npm run wangge -- demo seed [--grids N] [--seed S]
      Seed the demo city into an empty database.
  npm run wangge -- demo problems [--count 5000] [--days 90] [--seed S] [--bulk]
      Problems over the last DAYS days for the city in the database, each step replayed through
      the services users use (routing, state machine, overdue sweep). --bulk: the same plans
      written with set-based SQL instead (benchmarks: a million in minutes on PostgreSQL).
  npm run wangge -- user add USERNAME --role ROLE --name 显示名 [--scope CODE,CODE]
      Create an account (the first admin of a deployment); prints a temporary password that
      must be changed at first login. Roles: ${ROLES.join(', ')}.
  npm run wangge -- contracting template FILE.xlsx
      Write the example workbook of units, people and assignments (docs/IMPORT-TEMPLATES.md).
  npm run wangge -- contracting import FILE.xlsx|FILE.csv [FILE…]
      Import units, people and assignments, all or nothing; problems are listed by sheet and row.
  npm run wangge -- contracting export FILE.xlsx
      Export every unit, person and assignment (with history) in the same template.
  npm run wangge -- migrate
      Apply pending migrations.

Stop the server first when using the embedded database: it has one connection.`;

const lang: Lang = cliLang();

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
      codes: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string' },
      grids: { type: 'string' },
      seed: { type: 'string' },
      count: { type: 'string' },
      days: { type: 'string' },
      bulk: { type: 'boolean' },
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
    const files: [string, unknown[]][] = [
      ['county', [city.county]],
      ['streets', city.streets],
      ['communities', city.communities],
      ['grids', city.grids],
      ['basemap', city.basemap],
    ];
    for (const [name, features] of files)
      await writeFile(join(dir, `${name}.geojson`), JSON.stringify(toFeatureCollection(features)));
    console.log(
      `wrote ${city.grids.length} grids, ${city.communities.length} communities, ${city.streets.length} streets to ${dir}`,
    );
    return 0;
  }

  // Usage errors are answered before the database is opened.
  let problemArgs: { count: number; days: number } | null = null;
  if (cmd === 'demo' && sub === 'problems') {
    const count = num('count', values.count) ?? 5000,
      days = num('days', values.days) ?? 90;
    if (!Number.isInteger(count) || count < 1 || count > 10_000_000)
      throw new UsageError('--count must be an integer from 1 to 10000000');
    if (!(days > 0 && days <= 3650)) throw new UsageError('--days must be more than 0 and at most 3650');
    problemArgs = { count, days };
  }
  let importArgs: { level: AreaLevel; collection: unknown; codes?: string } | null = null;
  if (cmd === 'import' && sub === 'areas') {
    if (!arg) throw new UsageError('import areas needs a GeoJSON file');
    const level = values.level as AreaLevel | undefined;
    if (!level || !AREA_LEVELS.includes(level))
      throw new UsageError(`--level must be one of ${AREA_LEVELS.join(', ')}`);
    const text = (
      await readFile(arg, 'utf8').catch(() => {
        throw new UsageError(`cannot read ${arg}`);
      })
    ).replace(/^\uFEFF/, ''); // files exported on Windows often carry a BOM
    try {
      importArgs = { level, collection: JSON.parse(text) };
    } catch (e) {
      throw new UsageError(`${arg} is not valid JSON: ${(e as Error).message}`);
    }
    if (values.codes !== undefined) {
      const file = values.codes;
      importArgs.codes = decodeText(
        await readFile(file).catch(() => {
          throw new UsageError(`cannot read --codes ${file}`);
        }),
      ); // BOM and GBK handled
    }
  }
  if (cmd === 'user' && sub === 'add') {
    if (!arg || !/^[a-z0-9_.-]{3,40}$/.test(arg))
      throw new UsageError('user add needs a username of 3–40 characters a-z 0-9 _ . -');
    if (!values.role || !ROLES.includes(values.role as Role))
      throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  }

  if (cmd === 'contracting') {
    if (!arg || !['template', 'import', 'export'].includes(sub ?? ''))
      throw new UsageError('contracting template|import|export needs a file');
    if (sub === 'template') {
      await writeTemplate(arg);
      console.log(lang === 'zh' ? `已写入模板 ${arg}` : `wrote the template ${arg}`);
      return 0;
    }
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
    if (cmd === 'demo' && sub === 'problems') {
      const count = problemArgs!.count,
        days = problemArgs!.days,
        seed = demoOpts.seed ?? 20261125;
      if (!(await areasRepository(db).countsByLevel()).grid)
        throw new AppError(409, 'NoCity', {
          zh: '数据库中没有网格：请先 demo seed 或导入区域',
          en: 'the database has no grids: run demo seed (or import areas) first',
        });
      // the start of today in Beijing: the same seed writes the same problems all day (demoNow)
      const now = demoNow(new Date());
      if (values.bulk) {
        const r = await bulkInsertProblems(db, {
          count,
          from: now.getTime() - days * 86400_000,
          to: now,
          seed,
          onProgress: (done, total) => {
            if (done % 100_000 === 0 || done === total) console.log(`${done} / ${total}`);
          },
        });
        console.log(
          `wrote ${r.problems} problems, ${r.events} events, ${r.notices} notices in ${(r.ms.total / 1000).toFixed(1)} s (plan and replay ${(r.ms.js / 1000).toFixed(1)} s, routing ${(r.ms.routing / 1000).toFixed(1)} s, inserts ${(r.ms.insert / 1000).toFixed(1)} s)`,
        );
      } else {
        const r = await seedDemoProblemsFor(db, { count, days, seed, now });
        console.log(
          `seeded ${r.problems} problems (${Object.entries(r.states)
            .map(([k, n]) => `${k} ${n}`)
            .join(
              ', ',
            )}), ${r.notices.supervision} supervision and ${r.notices.accountability} accountability notices, in ${(r.ms / 1000).toFixed(1)} s`,
        );
      }
      return 0;
    }
    if (importArgs) {
      const r = await importAreas(db, {
        ...importArgs,
        toleranceM: num('tolerance', values.tolerance),
        overlapToleranceM2: num('overlap-tolerance', values['overlap-tolerance']),
        fields: { code: values['code-field'], name: values['name-field'] },
      });
      const level = importArgs.level;
      console.log(
        lang === 'zh'
          ? `已导入 ${r.imported} 个${level}：${r.codes.join(', ')}`
          : `imported ${r.imported} ${level} area(s): ${r.codes.join(', ')}`,
      );
      return 0;
    }
    if (cmd === 'user' && sub === 'add') {
      const role = values.role as Role;
      const password = `${randomBytes(9).toString('base64url')}7a`; // letters and digits guaranteed
      const hash = await hashPassword(password);
      await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: number }>(
          'INSERT INTO users (username, display_name, role, password_hash, must_change_password) VALUES ($1, $2, $3, $4, true) RETURNING id',
          [arg, values.name?.trim() || arg, role, hash],
        );
        await setScope(
          tx,
          rows[0]!.id,
          role,
          values.scope
            ? values.scope
                .split(',')
                .map((c) => c.trim())
                .filter(Boolean)
            : [],
        );
      });
      console.log(
        lang === 'zh'
          ? `已创建用户 ${arg}（${role}），临时密码：${password}（首次登录须修改）`
          : `created ${arg} (${role}); temporary password: ${password} (must be changed at first login)`,
      );
      return 0;
    }
    if (cmd === 'contracting' && sub === 'import') {
      const r = await importFiles(db, positionals.slice(2));
      console.log(
        lang === 'zh'
          ? `已导入：单位 新增 ${r.units.created}、更新 ${r.units.updated}；人员 新增 ${r.people.created}、更新 ${r.people.updated}；分配 新增 ${r.assignments.created}、未变 ${r.assignments.unchanged}`
          : `imported: units ${r.units.created} new, ${r.units.updated} updated; people ${r.people.created} new, ${r.people.updated} updated; assignments ${r.assignments.created} new, ${r.assignments.unchanged} unchanged`,
      );
      return 0;
    }
    if (cmd === 'contracting' && sub === 'export') {
      await exportWorkbook(db, arg!);
      console.log(lang === 'zh' ? `已导出到 ${arg}` : `exported to ${arg}`);
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
        const where = [
          p.index !== undefined ? `#${p.index + 1}` : '',
          p.sheet ? `${p.sheet}${p.row ? `!${p.row}` : ''}` : '',
          p.feature ?? '',
          p.field ? `[${p.field}]` : '',
        ]
          .filter(Boolean)
          .join(' ');
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
