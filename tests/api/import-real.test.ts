import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../api/db/types';
import { AppError } from '../../api/errors';
import { importAreas } from '../../api/services/area-import';
import { backends } from './harness';
import { hasSharedData, readShared, SHARED_DATA, SKIP_REASON } from './shared-data';
import { readFileSync } from 'node:fs';

if (!hasSharedData) console.warn(`import-real.test.ts skipped: ${SKIP_REASON}`);

// The 14 townships of 常山县 (15 features: 新昌乡 comes in two parts) under the county outline
// from another source (DataV): their edges disagree by up to ~512 m, so the import needs a
// tolerance, and without one it must say which townships stick out and by how much. Two pairs
// of neighbours also overlap by about 0.1 ha (simplified boundaries): reported, then accepted
// with an explicit overlap tolerance.
describe.skipIf(!hasSharedData).each(backends())('real 常山县 townships on $name', (backend) => {
  let db: Db;
  beforeAll(async () => {
    db = await backend.open();
    await importAreas(db, {
      level: 'county',
      collection: readShared('admin-datav/county-330822.wgs84.geojson'),
      fields: { code: 'adcode' },
    });
  });
  afterAll(async () => db?.close());

  it('refuses townships that stick out of the county beyond the tolerance, naming them', async () => {
    const err = await importAreas(db, {
      level: 'street',
      collection: readShared('changshan-330822/townships.geojson'),
      toleranceM: 300,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const names = (err as AppError).problems.map((p) => p.feature);
    expect(names).toEqual(expect.arrayContaining(['330822108 招贤镇', '330822109 青石镇']));
    expect(names).not.toContain('330822002 紫港街道'); // lies well inside
    // both WGS84: sources disagreeing by up to ~500 m is no coordinate-system mix-up
    expect((err as AppError).problems.filter((p) => p.field === 'crs')).toEqual([]);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM areas WHERE level = 'street'`);
    expect(rows[0]!.n).toBe(0);
  });

  it('imports all 14 townships with a 600 m tolerance, merging the two parts of 新昌乡', async () => {
    const overlaps = await importAreas(db, {
      level: 'street',
      collection: readShared('changshan-330822/townships.geojson'),
      toleranceM: 600,
    }).catch((e: AppError) => e.problems);
    expect((overlaps as AppError['problems']).map((p) => `${p.feature}: ${p.reason.zh}`)).toEqual([
      expect.stringMatching(/^330822213 大桥头乡: 与 330822115 辉埠镇 重叠 1\d{3}(\.\d)? 平方米$/),
      expect.stringMatching(/^330822219 新昌乡: 与 330822116 芳村镇 重叠 1\d{3}(\.\d)? 平方米$/),
    ]);
    const r = await importAreas(db, {
      level: 'street',
      collection: readShared('changshan-330822/townships.geojson'),
      toleranceM: 600,
      overlapToleranceM2: 2000,
    });
    expect(r.imported).toBe(14);
    const { rows } = await db.query<{ name: string; parts: number; km2: number }>(
      `SELECT name, ST_NumGeometries(geom) AS parts, area_m2 / 1e6 AS km2 FROM areas WHERE code = '330822219'`,
    );
    expect(rows[0]!.name).toBe('新昌乡');
    expect(rows[0]!.km2).toBeCloseTo(71.65 + 21.69, 0);
    const total = await db.query<{ km2: number }>(`SELECT sum(area_m2) / 1e6 AS km2 FROM areas WHERE level = 'street'`);
    expect(total.rows[0]!.km2).toBeGreaterThan(1090);
    expect(total.rows[0]!.km2).toBeLessThan(1100);
  });
});

// Issue 10, findings 15 and 16, on the real files: the county outline from DataV as it comes
// (GCJ-02) under WGS84 townships, and the township file as it comes (names only, a BOM, 灰埠镇
// misspelt, 新昌乡 in two parts named 新昌乡上/新昌乡下) with the office's name → code table.
describe.skipIf(!hasSharedData).each(backends())('real 常山县 files that need explaining on $name', (backend) => {
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error('expected a refusal');
      },
      (e: unknown) => e as AppError,
    );
  const codesCsv = () => readFileSync(`${SHARED_DATA}township-codes.csv`, 'utf8');

  it('says the GCJ-02 county and the WGS84 townships are in different coordinate systems', async () => {
    const db = await backend.open();
    try {
      await importAreas(db, {
        level: 'county',
        collection: readShared('admin-datav/county-330822.gcj02.json'),
        fields: { code: 'adcode' },
      });
      const err = await refusal(
        importAreas(db, { level: 'street', collection: readShared('changshan-330822/townships.geojson') }),
      );
      const crs = err.problems.find((p) => p.field === 'crs');
      expect(crs?.reason.zh).toMatch(
        /^坐标系似乎不一致：本文件像是 WGS84（CGCS2000），而上级 330822 常山县 像是 GCJ-02（火星坐标）/,
      );
      expect(crs?.reason.en).toMatch(
        /this file looks like WGS84 \(CGCS2000\) and its parent 330822 常山县 like GCJ-02/,
      );
      expect(err.problems.filter((p) => /^超出上级/.test(p.reason.zh)).length).toBeGreaterThan(5);
    } finally {
      await db.close();
    }
  });

  it('imports the names-only township file with the code table, once 灰埠镇 is added to it', async () => {
    const db = await backend.open();
    try {
      await importAreas(db, {
        level: 'county',
        collection: readShared('admin-datav/county-330822.wgs84.geojson'),
        fields: { code: 'adcode' },
      });
      const raw = readShared('changshan-330822/townships.raw.json');
      const opts = { level: 'street' as const, collection: raw, toleranceM: 600, overlapToleranceM2: 2000 };
      const bare = await refusal(importAreas(db, opts));
      expect(bare.problems).toHaveLength(15);
      expect(bare.problems[0]!.reason.zh).toContain('--codes');
      const one = await refusal(importAreas(db, { ...opts, codes: codesCsv() }));
      expect(one.problems.map((p) => `${p.feature}: ${p.reason.zh}`)).toEqual([
        '灰埠镇: 编码表中没有「灰埠镇」的 9 位编码：请在编码表中加一行（名称,编码）',
      ]);
      const r = await importAreas(db, { ...opts, codes: `${codesCsv()}330822115,灰埠镇,330822\n` });
      expect(r.imported).toBe(14);
      const { rows } = await db.query<{ code: string; name: string }>(
        `SELECT code, name FROM areas WHERE level = 'street' AND code IN ('330822115', '330822219') ORDER BY code`,
      );
      expect(rows).toEqual([
        { code: '330822115', name: '辉埠镇' },
        { code: '330822219', name: '新昌乡' },
      ]); // the official names
    } finally {
      await db.close();
    }
  });
});
