import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { adminUrl, databaseUrl } from './native';
import { hasSharedData, SHARED_DATA, SKIP_REASON } from './shared-data';

const run = promisify(execFile);

if (!hasSharedData) console.warn(`cli.test.ts skipped: ${SKIP_REASON}`);

// The command line on the real files, on native PostGIS when there is one (fast), otherwise on
// a fresh embedded database (each command is a process: PGlite starts each time).
describe.skipIf(!hasSharedData)('wangge command line', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, WANGGE_LANG: 'zh' };
  let cleanup = async () => {};
  beforeAll(async () => {
    const url = process.env.TEST_DATABASE_URL;
    const template = inject('nativeTemplate');
    if (url && template) {
      const name = `wangge_cli_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl(url) });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
      await admin.end();
      env.DATABASE_URL = databaseUrl(url, name);
      cleanup = async () => {
        const a = new pg.Client({ connectionString: adminUrl(url) });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
      };
    } else {
      const dir = await mkdtemp(join(tmpdir(), 'wangge-cli-'));
      delete env.DATABASE_URL;
      env.WANGGE_DATA_DIR = dir;
      cleanup = () => rm(dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => cleanup());

  const wangge = async (...args: string[]) => {
    try {
      const r = await run(process.execPath, ['--import', 'tsx', 'data/cli.ts', ...args], { env, timeout: 120_000 });
      return { code: 0, out: r.stdout, err: r.stderr };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, out: x.stdout, err: x.stderr };
    }
  };

  it('imports the real county, refuses the townships without tolerance, naming each, then takes them with it', async () => {
    const county = await wangge(
      'import',
      'areas',
      `${SHARED_DATA}admin-datav/county-330822.wgs84.geojson`,
      '--level',
      'county',
      '--code-field',
      'adcode',
    );
    expect(county.code, county.err).toBe(0);
    expect(county.out).toContain('已导入 1 个county：330822');
    const townships = `${SHARED_DATA}changshan-330822/townships.raw.json`; // the original file, BOM and all
    const refused = await wangge('import', 'areas', townships, '--level', 'street');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('导入被拒绝');
    // the raw file has names only, no codes: every feature is reported, none written
    expect(refused.err).toMatch(/#1 .*\[properties\.code\]: 编码应为 9 位数字.*--codes 文件\.csv/);
    // --codes: the office's name → code table fills 14 of the 15 (新昌乡上/下 → 新昌乡); the
    // source's misspelt 灰埠镇 is the one problem left (all other checks passed), nothing written
    const coded = await wangge(
      'import',
      'areas',
      townships,
      '--level',
      'street',
      '--codes',
      `${SHARED_DATA}township-codes.csv`,
      '--tolerance',
      '600',
      '--overlap-tolerance',
      '2000',
    );
    expect(coded.code).toBe(1);
    expect(coded.err).toContain('导入被拒绝：1 处问题');
    expect(coded.err).toContain('#11 灰埠镇 [properties.code]: 编码表中没有「灰埠镇」的 9 位编码');
    const clean = `${SHARED_DATA}changshan-330822/townships.geojson`;
    const tight = await wangge('import', 'areas', clean, '--level', 'street');
    expect(tight.code).toBe(1);
    expect(tight.err).toMatch(/330822108 招贤镇 \[geometry\]: 超出上级 330822 常山县 的范围：最远 5\d\d(\.\d)? 米/);
    const ok = await wangge(
      'import',
      'areas',
      clean,
      '--level',
      'street',
      '--tolerance',
      '600',
      '--overlap-tolerance',
      '2000',
    );
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('已导入 14 个street');
  });

  it('explains bad usage and creates the first admin with a temporary password', async () => {
    const bad = await wangge('import', 'areas', 'x.geojson', '--level', 'city');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--level must be one of county, street, community, grid');
    const user = await wangge('user', 'add', 'boss', '--role', 'admin', '--name', '管理员');
    expect(user.code, user.err).toBe(0);
    expect(user.out).toMatch(/已创建用户 boss（admin），临时密码：\S{14}/);
  });

  it('writes the contracting template and exports the (empty) contracting tables as .xlsx', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wangge-xlsx-'));
    try {
      const template = await wangge('contracting', 'template', join(dir, 'template.xlsx'));
      expect(template.code, template.err).toBe(0);
      const exported = await wangge('contracting', 'export', join(dir, 'export.xlsx'));
      expect(exported.code, exported.err).toBe(0);
      for (const f of ['template.xlsx', 'export.xlsx']) {
        const head = (await readFile(join(dir, f))).subarray(0, 2).toString();
        expect(head, f).toBe('PK'); // an .xlsx is a zip
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
