import { CODE_LENGTH, type AreaLevel } from '../schemas/areas';
import type { Problem } from '../errors';
import type { CodeLookup } from './area-codes';

/** A feature that passed the structural checks, ready for the database. */
export interface CleanAreaFeature {
  /** indexes of the source features (more than one when parts of one area are merged) */
  indexes: number[];
  code: string;
  name: string;
  /** Polygon/MultiPolygon, or a GeometryCollection of the parts to be unioned */
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon | GeoJSON.GeometryCollection;
}

// CRS names that mean lon/lat on WGS84 or CGCS2000 (the two differ by centimetres).
const LONLAT_CRS = /(CRS84|EPSG:{1,2}4326|EPSG:{1,2}4490|EPSG::?4326)$/i;

type Pos = number[];

/**
 * Structural validation of a GeoJSON FeatureCollection of areas of one level, without a
 * database: shape, CRS, coordinate ranges, ring closure, codes and names. Topology (self-
 * intersection) is checked by PostGIS afterwards. Features with the same code and name are
 * parts of one area (e.g. 新昌乡 in two pieces) and are merged.
 */
export interface FieldNames {
  /** property holding the code; default "code" (DataV files: "adcode") */
  code?: string;
  /** property holding the name; default "name" */
  name?: string;
}

/** name → code for features that have a name but no code (area-codes.ts); absent: codes are required */
export type NameToCode = (name: string) => CodeLookup;

export function validateAreaCollection(
  input: unknown,
  level: AreaLevel,
  fields: FieldNames = {},
  codeFor?: NameToCode,
): { features: CleanAreaFeature[]; problems: Problem[] } {
  const codeKey = fields.code || 'code';
  const nameKey = fields.name || 'name';
  const problems: Problem[] = [];
  const fc = input as { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } } | null;
  if (typeof fc !== 'object' || fc === null || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    problems.push({
      reason: {
        zh: '不是 GeoJSON FeatureCollection（需要 type 为 "FeatureCollection" 且有 features 数组）',
        en: 'not a GeoJSON FeatureCollection (type "FeatureCollection" with a features array expected)',
      },
    });
    return { features: [], problems };
  }
  if (fc.features.length === 0) {
    problems.push({ field: 'features', reason: { zh: '要素集合为空', en: 'the FeatureCollection has no features' } });
    return { features: [], problems };
  }
  const crsName = fc.crs?.properties?.name;
  if (crsName !== undefined && !(typeof crsName === 'string' && LONLAT_CRS.test(crsName))) {
    problems.push({
      field: 'crs',
      reason: {
        zh: `坐标系 ${String(crsName)} 不受支持，请先转换为经纬度 EPSG:4326（WGS84/CGCS2000）`,
        en: `coordinate system ${String(crsName)} is not supported: convert to lon/lat EPSG:4326 (WGS84/CGCS2000) first`,
      },
    });
    return { features: [], problems };
  }
  const byCode = new Map<string, CleanAreaFeature & { parts: (GeoJSON.Polygon | GeoJSON.MultiPolygon)[] }>();
  fc.features.forEach((raw: unknown, index: number) => {
    const f = raw as {
      type?: unknown;
      geometry?: { type?: unknown; coordinates?: unknown } | null;
      properties?: Record<string, unknown> | null;
    };
    const props = f?.properties ?? {};
    const rawCode = props[codeKey];
    let code = typeof rawCode === 'number' ? String(rawCode) : rawCode;
    const rawName = props[nameKey];
    let name = typeof rawName === 'string' ? rawName.trim() : '';
    const noCode = code === undefined || code === null || code === '';
    // A name-only file: the code (and the table's name for it) come from the code table.
    const looked = noCode && name && codeFor ? codeFor(name) : null;
    if (looked && 'code' in looked) ({ code, name } = looked);
    const label = typeof code === 'string' && code ? code : name || `#${index + 1}`;
    const add = (field: string, zh: string, en: string) =>
      problems.push({ index, feature: label, field, reason: { zh, en } });
    if (typeof f !== 'object' || f === null || f.type !== 'Feature')
      return add('type', '不是 GeoJSON Feature', 'not a GeoJSON Feature');
    const want = CODE_LENGTH[level];
    if (looked && 'problem' in looked) add(`properties.${codeKey}`, looked.problem.zh, looked.problem.en);
    else if (noCode && !codeFor) {
      add(
        `properties.${codeKey}`,
        `编码应为 ${want} 位数字（${levelZh(level)}），实际缺少；文件只有名称时，可用名称→编码对照表补全：命令行 --codes 文件.csv，接口 codes 字段（两列 name,code）`,
        `code must be ${want} digits for a ${level}, but it is missing; for a file with names only, give a name→code table: --codes FILE.csv on the command line, the codes field in the API (columns name,code)`,
      );
    } else if (typeof code !== 'string' || !new RegExp(`^[0-9]{${want}}$`).test(code)) {
      add(
        `properties.${codeKey}`,
        `编码应为 ${want} 位数字（${levelZh(level)}），实际为 ${JSON.stringify(code ?? null)}`,
        `code must be ${want} digits for a ${level}, got ${JSON.stringify(code ?? null)}`,
      );
    }
    if (!name) add(`properties.${nameKey}`, '缺少名称', 'name is missing');
    else if (name.length > 100)
      add(`properties.${nameKey}`, '名称超过 100 个字符', 'name is longer than 100 characters');
    const geomProblem = checkGeometry(f.geometry);
    if (geomProblem) add('geometry', geomProblem.zh, geomProblem.en);
    if (problems.some((p) => p.index === index) || typeof code !== 'string') return;
    const geometry = f.geometry as GeoJSON.Polygon | GeoJSON.MultiPolygon;
    const seen = byCode.get(code);
    if (!seen) {
      byCode.set(code, { indexes: [index], code, name, geometry, parts: [geometry] });
    } else if (seen.name !== name) {
      add(
        `properties.${codeKey}`,
        `编码 ${code} 与第 ${seen.indexes[0]! + 1} 个要素（${seen.name}）重复`,
        `code ${code} duplicates feature #${seen.indexes[0]! + 1} (${seen.name})`,
      );
    } else {
      seen.indexes.push(index);
      seen.parts.push(geometry);
    }
  });
  const features = [...byCode.values()].map(({ parts, ...f }) =>
    parts.length === 1 ? f : { ...f, geometry: { type: 'GeometryCollection' as const, geometries: parts } },
  );
  return { features, problems };
}

const LEVEL_ZH: Record<AreaLevel, string> = {
  county: '县（市、区）',
  street: '街道/乡镇',
  community: '社区/村',
  grid: '网格',
};
export const levelZh = (level: AreaLevel) => LEVEL_ZH[level];

/** Shape and coordinate checks of one geometry; null when fine. */
export function checkGeometry(g: unknown): { zh: string; en: string } | null {
  const geom = g as { type?: unknown; coordinates?: unknown } | null | undefined;
  if (!geom || typeof geom !== 'object') return { zh: '缺少几何图形', en: 'geometry is missing' };
  let polygons: unknown[];
  if (geom.type === 'Polygon') polygons = [geom.coordinates];
  else if (geom.type === 'MultiPolygon' && Array.isArray(geom.coordinates)) polygons = geom.coordinates;
  else
    return {
      zh: `几何类型应为 Polygon 或 MultiPolygon，实际为 ${String(geom.type)}`,
      en: `geometry must be a Polygon or MultiPolygon, got ${String(geom.type)}`,
    };
  if (polygons.length === 0) return { zh: '几何图形为空', en: 'geometry is empty' };
  for (const [pi, poly] of polygons.entries()) {
    if (!Array.isArray(poly) || poly.length === 0)
      return { zh: `第 ${pi + 1} 个多边形为空`, en: `polygon ${pi + 1} is empty` };
    for (const [ri, ring] of poly.entries()) {
      const where = { zh: `第 ${pi + 1} 个多边形第 ${ri + 1} 个环`, en: `polygon ${pi + 1}, ring ${ri + 1}` };
      if (!Array.isArray(ring) || ring.length < 4)
        return { zh: `${where.zh}少于 4 个点`, en: `${where.en} has fewer than 4 positions` };
      for (const p of ring as unknown[]) {
        const bad = checkPosition(p);
        if (bad === OUT_OF_RANGE) return outOfRange(p as Pos, polygons, where);
        if (bad) return { zh: `${where.zh}：${bad.zh}`, en: `${where.en}: ${bad.en}` };
      }
      const a = ring[0] as Pos,
        b = ring[ring.length - 1] as Pos;
      if (a[0] !== b[0] || a[1] !== b[1])
        return {
          zh: `${where.zh}未闭合（首尾点不同）`,
          en: `${where.en} is not closed (first and last positions differ)`,
        };
    }
  }
  return null;
}

const OUT_OF_RANGE = { zh: '', en: '' };

function checkPosition(p: unknown): { zh: string; en: string } | null {
  if (!Array.isArray(p) || p.length < 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return { zh: `坐标 ${JSON.stringify(p)} 不是数字对`, en: `position ${JSON.stringify(p)} is not a pair of numbers` };
  }
  const [x, y] = p as [number, number];
  return Math.abs(x) > 180 || Math.abs(y) > 90 ? OUT_OF_RANGE : null;
}

/** China's longitudes: a second coordinate in this range and a first within ±90 is lat, lon. */
const CHINA_LON = [73, 136];

/**
 * A position outside lon/lat: latitude and longitude swapped (every position reads as
 * (≤ 90, a Chinese longitude)), or projected metres (EPSG:3857, Gauss-Krüger).
 */
function outOfRange([x, y]: Pos, polygons: unknown[], where: { zh: string; en: string }): { zh: string; en: string } {
  const all = (polygons as unknown[][][]).flat(2) as Pos[];
  const swapped = all.every(
    (q) => Array.isArray(q) && Math.abs(q[0]!) <= 90 && q[1]! >= CHINA_LON[0]! && q[1]! <= CHINA_LON[1]!,
  );
  if (swapped) {
    return {
      zh: `${where.zh}：坐标 (${x}, ${y}) 的经纬度顺序颠倒了（纬度在前）：GeoJSON 要求经度在前、纬度在后，请交换两者`,
      en: `${where.en}: position (${x}, ${y}) has latitude and longitude swapped (latitude first): GeoJSON wants longitude, latitude; swap them`,
    };
  }
  return {
    zh: `${where.zh}：坐标 (${x}, ${y}) 超出经纬度范围，看起来是投影坐标（如 EPSG:3857 或 CGCS2000 高斯-克吕格），请转换为 EPSG:4326`,
    en: `${where.en}: position (${x}, ${y}) is outside lon/lat range: it looks projected (e.g. EPSG:3857 or CGCS2000 Gauss-Krüger); convert to EPSG:4326`,
  };
}

/** PostGIS ST_IsValidReason text → both languages, keeping the location it names. */
export function explainInvalid(reason: string): { zh: string; en: string } {
  const m = /^([^[]+)(?:\[([-0-9.e]+) ([-0-9.e]+)\])?/.exec(reason);
  const kind = (m?.[1] ?? reason).trim();
  const at = m?.[2] ? { zh: `，位置 ${m[2]}, ${m[3]}`, en: ` at ${m[2]} ${m[3]}` } : { zh: '', en: '' };
  const zh: Record<string, string> = {
    'Self-intersection': '自相交',
    'Ring Self-intersection': '环自相交',
    'Too few points in geometry component': '几何部件点数过少',
    'Hole lies outside shell': '内环（洞）位于外环之外',
    'Nested shells': '外环相互嵌套',
    'Interior is disconnected': '内部不连通',
    'Duplicate Rings': '重复的环',
    'Invalid Coordinate': '无效坐标',
    'Nested holes': '内环相互嵌套',
  };
  return { zh: `几何无效：${zh[kind] ?? kind}${at.zh}`, en: `invalid geometry: ${kind}${at.en}` };
}
