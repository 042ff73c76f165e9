import type { Db, Queryable } from '../db/types';
import type { Problem } from '../errors';
import { AREA_LEVELS, CODE_LENGTH, type AreaImportResult, type AreaLevel } from '../schemas/areas';
import {
  explainInvalid,
  levelZh,
  validateAreaCollection,
  type CleanAreaFeature,
  type FieldNames,
  type NameToCode,
} from '../domain/geojson-validate';
import { lookupCode, parseCodeTable, type CodeTable } from '../domain/area-codes';
import { importRefused } from '../domain/problem-list';
import { checkImportSize, countPositions, IMPORT_LIMITS, IMPORT_LIMITS_EMBEDDED } from '../domain/import-limits';
import { areaImportRepository, type AreaInsertRow } from '../repositories/area-import';
import { crsMismatchHint } from './area-crs-hint';

export interface AreaImportOptions {
  level: AreaLevel;
  collection: unknown;
  /** how far a child may stick out of its parent, metres (sources rarely match exactly); default 0.5 */
  toleranceM?: number;
  /** sibling overlaps up to this many m² are accepted (simplified real boundaries); default 1 */
  overlapToleranceM2?: number;
  /** property names of code and name in the file, when they are not "code" and "name" */
  fields?: FieldNames;
  /** name → code table (CSV text with name and code columns, or a map) for features without a code */
  codes?: string | Record<string, string>;
}

const CHUNK = 2000;

const fail = (problems: Problem[]) => importRefused('InvalidAreas', problems);

/**
 * Imports one level of areas from GeoJSON, all or nothing: structure, coordinates and CRS are
 * checked in JS, geometry validity by PostGIS, then everything is inserted in one transaction
 * and containment in the parent and overlap with siblings are checked over the new rows. Each
 * stage runs on what passed the earlier ones, whatever they found, so every problem is reported
 * at once; any problem rolls the whole import back.
 */
export async function importAreas(db: Db, opts: AreaImportOptions): Promise<AreaImportResult> {
  // bounded work per request: a file over the limits is refused before any geometry work
  checkImportSize(opts.collection, db.kind === 'pglite' ? IMPORT_LIMITS_EMBEDDED : IMPORT_LIMITS);
  // Geometry validity depends on the file alone: checked before the transaction, in steps that
  // yield, so on the embedded database (one connection, this thread) other requests run between
  // them instead of waiting behind the whole import.
  const { codeFor } = await codeLookup(db, opts.level, opts.codes);
  const { features } = validateAreaCollection(opts.collection, opts.level, opts.fields, codeFor);
  const validity = await invalidInSteps(db, features);
  return db.transaction((tx) => importAreasIn(tx, opts, validity));
}

/** Vertices per validity statement: ~0.1–0.5 s of GEOS each on PGlite. */
const VALIDITY_STEP_VERTICES = 20_000;
const vertexCount = (g: CleanAreaFeature['geometry']): number =>
  g.type === 'GeometryCollection'
    ? g.geometries.reduce((n, part) => n + countPositions('coordinates' in part ? part.coordinates : []), 0)
    : countPositions(g.coordinates);
const yieldToOthers = () => new Promise<void>((ok) => setImmediate(ok));

/** ST_IsValidReason of each feature, a few thousand vertices a statement: code → reason. */
async function invalidInSteps(db: Queryable, features: CleanAreaFeature[]): Promise<Map<string, string>> {
  const invalid = new Map<string, string>();
  for (let i = 0; i < features.length;) {
    let j = i;
    let vertices = 0;
    while (j < features.length && (j === i || vertices + vertexCount(features[j]!.geometry) <= VALIDITY_STEP_VERTICES))
      vertices += vertexCount(features[j++]!.geometry);
    const step = features.slice(i, j);
    for (const r of await areaImportRepository(db).invalidGeometries(step.map((f) => f.geometry)))
      invalid.set(step[r.i]!.code, r.reason);
    i = j;
    await yieldToOthers();
  }
  return invalid;
}

/**
 * The import inside a caller's transaction (the demo seeds all levels in one). `validity`: the
 * geometry check already done outside it (importAreas), code → reason of the invalid ones.
 */
export async function importAreasIn(
  tx: Queryable,
  opts: AreaImportOptions,
  validity?: Map<string, string>,
): Promise<AreaImportResult> {
  const { level } = opts;
  const tolerance = opts.toleranceM ?? 0.5;
  const { codeFor, problems } = await codeLookup(tx, level, opts.codes);
  const checked = validateAreaCollection(opts.collection, level, opts.fields, codeFor);
  problems.push(...checked.problems);
  const { features } = checked;

  const label = (f: CleanAreaFeature) => `${f.code} ${f.name}`;
  const invalid = new Set<string>();
  if (features.length) {
    const found = validity
      ? features.flatMap((f, i) => (validity.has(f.code) ? [{ i, reason: validity.get(f.code)! }] : []))
      : await areaImportRepository(tx).invalidGeometries(features.map((f) => f.geometry));
    for (const r of found) {
      const f = features[r.i]!;
      invalid.add(f.code);
      problems.push({ index: f.indexes[0]!, feature: label(f), field: 'geometry', reason: explainInvalid(r.reason) });
    }
  }

  // Invalid geometry never reaches an overlay (PGlite would hide a GEOS exception): those are
  // left out of the insert, everything else is checked against its parent and siblings.
  const rows = (await resolveParents(tx, level, features, problems)).filter((r) => !invalid.has(r.code));
  const ids = new Map<number, CleanAreaFeature>();
  const byCode = new Map(features.map((f) => [f.code, f]));
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    for (const r of await areaImportRepository(tx).insert(level, chunk)) ids.set(r.id, byCode.get(r.code)!);
  }
  if (ids.size) await checkTopology(tx, level, ids, tolerance, opts.overlapToleranceM2 ?? 1, problems);
  if (problems.length) throw fail(problems);
  return { level, imported: features.length, codes: features.map((f) => f.code) };
}

/** The name → code lookup of opts.codes, narrowing a name with several codes to stored parents. */
async function codeLookup(
  tx: Queryable,
  level: AreaLevel,
  codes: AreaImportOptions['codes'],
): Promise<{ codeFor?: NameToCode; problems: Problem[] }> {
  if (codes === undefined) return { problems: [] };
  const { table, problems } = parseCodeTable(codes);
  const parentLevel: AreaLevel | undefined = AREA_LEVELS[AREA_LEVELS.indexOf(level) - 1];
  const known = parentLevel ? await storedParents(tx, table, level, parentLevel) : null;
  return {
    problems,
    codeFor: (name) =>
      lookupCode(table, name, level, known ? (c) => known.has(c.slice(0, CODE_LENGTH[parentLevel!])) : undefined),
  };
}

async function storedParents(
  tx: Queryable,
  table: CodeTable,
  level: AreaLevel,
  parentLevel: AreaLevel,
): Promise<Set<string>> {
  const prefixes = [
    ...new Set(
      [...table.nameOf.keys()]
        .filter((c) => c.length === CODE_LENGTH[level])
        .map((c) => c.slice(0, CODE_LENGTH[parentLevel])),
    ),
  ];
  return new Set((await areaImportRepository(tx).idsAtLevel(prefixes, parentLevel)).keys());
}

type InsertRow = AreaInsertRow;

async function resolveParents(
  tx: Queryable,
  level: AreaLevel,
  features: CleanAreaFeature[],
  problems: Problem[],
): Promise<InsertRow[]> {
  const repo = areaImportRepository(tx);
  const taken = await repo.namesByCode(features.map((f) => f.code));
  const parentLevel: AreaLevel | undefined = AREA_LEVELS[AREA_LEVELS.indexOf(level) - 1];
  const parents = parentLevel
    ? await repo.idsAtLevel([...new Set(features.map((f) => f.code.slice(0, CODE_LENGTH[parentLevel])))], parentLevel)
    : new Map<string, number>();
  return features.flatMap((f): InsertRow[] => {
    const at = { index: f.indexes[0]!, feature: `${f.code} ${f.name}`, field: 'properties.code' };
    if (taken.has(f.code)) {
      problems.push({
        ...at,
        reason: {
          zh: `编码 ${f.code} 已存在（${taken.get(f.code)}）`,
          en: `code ${f.code} already exists (${taken.get(f.code)})`,
        },
      });
      return [];
    }
    if (!parentLevel) return [{ code: f.code, name: f.name, parentId: null, geometry: f.geometry }];
    const parentCode = f.code.slice(0, CODE_LENGTH[parentLevel]);
    const parentId = parents.get(parentCode);
    if (parentId === undefined) {
      problems.push({
        ...at,
        reason: {
          zh: `上级${levelZh(parentLevel)}编码 ${parentCode} 不存在`,
          en: `parent ${parentLevel} code ${parentCode} does not exist`,
        },
      });
      return [];
    }
    return [{ code: f.code, name: f.name, parentId, geometry: f.geometry }];
  });
}

async function checkTopology(
  tx: Queryable,
  level: AreaLevel,
  ids: Map<number, CleanAreaFeature>,
  toleranceM: number,
  overlapM2: number,
  problems: Problem[],
) {
  const idList = [...ids.keys()];
  const repo = areaImportRepository(tx);
  if (level !== 'county') {
    const out = await repo.containmentViolations(idList, toleranceM);
    const n = await repo.labels(out.map((r) => r.parent_id));
    const hint = out.length
      ? await crsMismatchHint(
          tx,
          out.map((r) => ({ id: r.id, parentId: r.parent_id, maxM: r.outside_max_m, m2: r.outside_m2 })),
          n.get(out[0]!.parent_id) ?? '',
        )
      : null;
    if (hint) problems.push(hint);
    for (const r of out) {
      const f = ids.get(r.id)!;
      const m = Math.round(r.outside_max_m * 10) / 10,
        a = Math.round(r.outside_m2);
      problems.push({
        index: f.indexes[0]!,
        feature: `${f.code} ${f.name}`,
        field: 'geometry',
        reason: {
          zh: `超出上级 ${n.get(r.parent_id)} 的范围：最远 ${m} 米，面积 ${a} 平方米（容差 ${toleranceM} 米）`,
          en: `lies outside its parent ${n.get(r.parent_id)}: up to ${m} m, ${a} m² (tolerance ${toleranceM} m)`,
        },
      });
    }
  }
  const overlaps = await repo.overlapViolations(idList, overlapM2);
  const n = await repo.labels(overlaps.map((r) => r.b_id));
  for (const r of overlaps) {
    const f = ids.get(r.a_id)!;
    const a = Math.round(r.overlap_m2 * 10) / 10;
    problems.push({
      index: f.indexes[0]!,
      feature: `${f.code} ${f.name}`,
      field: 'geometry',
      reason: {
        zh: `与 ${n.get(r.b_id)} 重叠 ${a} 平方米`,
        en: `overlaps ${n.get(r.b_id)} by ${a} m²`,
      },
    });
  }
}
