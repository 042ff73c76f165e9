import type { Queryable } from '../db/types';
import type { Problem } from '../errors';
import { gcj02Shift } from '../domain/gcj02';
import { areaCentre, shiftedContainment } from '../repositories/area-shift';

export interface Outside {
  id: number;
  parentId: number;
  /** how far it sticks out, m, and over how much area, m² */
  maxM: number;
  m2: number;
}

/**
 * Children refused as outside their parent by about the GCJ-02 shift (300–700 m across China)
 * are often in the other coordinate system (GCJ-02 from Gaode/DataV vs WGS84/CGCS2000): a bare
 * "926 m outside" sends people looking for a drawing error. Move them by the shift both ways;
 * when one way (and only that one) takes away most of the area outside, say so. Two features
 * at least, sticking out by 0.5–2.5 times the shift: a lone grid drawn 300 m too far north may
 * fit after any move, and must not be told its coordinate system is wrong.
 */
export async function crsMismatchHint(tx: Queryable, outside: Outside[], parentName: string): Promise<Problem | null> {
  if (!outside.length) return null;
  const centre = await areaCentre(tx, outside[0]!.parentId);
  if (!centre) return null;
  const [dx, dy] = gcj02Shift(centre[0], centre[1]);
  const shiftM = Math.hypot(dx * 111_320 * Math.cos((centre[1] * Math.PI) / 180), dy * 110_574);
  const candidates = outside.filter((o) => o.maxM >= 0.5 * shiftM && o.maxM <= 2.5 * shiftM);
  if (candidates.length < 2 || candidates.length < outside.length / 2) return null;
  const rows = await shiftedContainment(
    tx,
    candidates.map((c) => c.id),
    dx,
    dy,
  );
  const before = candidates.reduce((a, c) => a + c.m2, 0);
  const maxOf = new Map(candidates.map((c) => [c.id, c.maxM]));
  const after = (sign: number) => rows.filter((r) => r.sign === sign).reduce((a, r) => a + r.m2, 0) / before;
  for (const sign of [1, -1]) {
    const better = rows.filter((r) => r.sign === sign && r.max_m <= 0.6 * maxOf.get(r.id)!).length;
    if (after(sign) > 0.25 || after(-sign) < 0.5 || better < (candidates.length * 2) / 3) continue;
    const pct = Math.round((1 - after(sign)) * 100),
      metres = Math.round(shiftM);
    const [file, parent] =
      sign === 1 ? ['WGS84（CGCS2000）', 'GCJ-02（火星坐标）'] : ['GCJ-02（火星坐标）', 'WGS84（CGCS2000）'];
    const [fileEn, parentEn] = sign === 1 ? ['WGS84 (CGCS2000)', 'GCJ-02'] : ['GCJ-02', 'WGS84 (CGCS2000)'];
    return {
      field: 'crs',
      reason: {
        zh: `坐标系似乎不一致：本文件像是 ${file}，而上级 ${parentName} 像是 ${parent}（高德、阿里云 DataV、腾讯地图的数据是 GCJ-02）。按 GCJ-02 偏移（约 ${metres} 米）平移后，超出上级的面积减少 ${pct}%。请先把两者转换为同一坐标系（WGS84/CGCS2000，EPSG:4326）再导入`,
        en: `the coordinate systems seem to differ: this file looks like ${fileEn} and its parent ${parentName} like ${parentEn} (Gaode, Aliyun DataV and Tencent data are GCJ-02). Moved by the GCJ-02 shift (about ${metres} m), the area outside the parent shrinks by ${pct}%. Convert both to one system (WGS84/CGCS2000, EPSG:4326) before importing`,
      },
    };
  }
  return null;
}
