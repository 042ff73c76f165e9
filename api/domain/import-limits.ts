import { AppError, type Problem } from '../errors';

/**
 * How much one area import may ask of the server (issue 15): on the embedded database every
 * statement runs in the server's one thread, so an unbounded file (a 200,000-vertex ring took
 * 37 s to refuse) made every other request wait. Counted in JS before any geometry reaches
 * PostGIS. A county's real boundaries stay far below (DataV's 常山 county: ~2,300 vertices; its
 * townships ~14,000 together); a 10,000-grid city is imported a level at a time.
 */
export const IMPORT_LIMITS = {
  /** features in one file */
  features: 20_000,
  /** points (ring vertices) of one feature, all its parts together */
  verticesPerFeature: 50_000,
  /** points of the whole file */
  vertices: 1_000_000,
};
export type ImportLimits = typeof IMPORT_LIMITS;

/**
 * The embedded database (PGlite) runs the import's transaction — insert, containment, overlaps —
 * in the server's thread while every other request waits: ~1.5–3 s per 50,000-vertex area
 * measured on the 2-core development machine under load (docs/BENCHMARKS.md). So a file holds
 * a fifth of what PostgreSQL takes.
 */
export const IMPORT_LIMITS_EMBEDDED: ImportLimits = { ...IMPORT_LIMITS, vertices: 200_000 };

/** Positions in a GeoJSON coordinates array, counting up to `stop` (an absurd file ends early). */
export function countPositions(coords: unknown, stop = Infinity): number {
  let n = 0;
  const walk = (a: unknown): void => {
    if (n > stop || !Array.isArray(a)) return;
    if (typeof a[0] === 'number') {
      n++;
      return;
    }
    for (const x of a) walk(x);
  };
  walk(coords);
  return n;
}

/**
 * Refuses a file over the limits before any work: 413 for the whole file (too many features or
 * vertices), 422 naming each feature with too many vertices. Anything that is not a feature
 * collection passes: the validator says what is wrong with it.
 */
export function checkImportSize(collection: unknown, limits: ImportLimits = IMPORT_LIMITS): void {
  const features = (collection as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) return;
  if (features.length > limits.features) {
    throw new AppError(
      413,
      'ImportTooLarge',
      {
        zh: `文件含 ${features.length} 个要素，超过单次导入上限 ${limits.features} 个，请分批导入`,
        en: `the file has ${features.length} features, more than the ${limits.features} one import may hold: split it`,
      },
      [
        {
          field: 'collection.features',
          reason: { zh: `最多 ${limits.features} 个要素`, en: `at most ${limits.features} features` },
        },
      ],
    );
  }
  let total = 0;
  const tooDense: Problem[] = [];
  features.forEach((f: unknown, index) => {
    const g = (f as { geometry?: { coordinates?: unknown } | null } | null)?.geometry;
    const n = countPositions(g?.coordinates, limits.vertices);
    total += n;
    if (n > limits.verticesPerFeature) {
      const props = (f as { properties?: Record<string, unknown> | null }).properties ?? {};
      const label = [props.code, props.name].filter((x) => typeof x === 'string' || typeof x === 'number').join(' ');
      tooDense.push({
        index,
        ...(label ? { feature: label } : {}),
        field: 'geometry',
        reason: {
          zh: `边界有 ${n > limits.vertices ? `超过 ${limits.vertices}` : n} 个顶点，超过每个区域 ${limits.verticesPerFeature} 个的上限，请先简化`,
          en: `the boundary has ${n > limits.vertices ? `more than ${limits.vertices}` : n} vertices, more than the ${limits.verticesPerFeature} one area may have: simplify it first`,
        },
      });
    }
  });
  if (total > limits.vertices) {
    throw new AppError(
      413,
      'ImportTooLarge',
      {
        zh: `文件共含 ${total} 个以上顶点，超过单次导入上限 ${limits.vertices} 个，请简化或分批导入`,
        en: `the file has ${total} or more vertices, more than the ${limits.vertices} one import may hold: simplify or split it`,
      },
      [
        {
          field: 'collection',
          reason: { zh: `最多 ${limits.vertices} 个顶点`, en: `at most ${limits.vertices} vertices` },
        },
      ],
    );
  }
  if (tooDense.length) {
    throw new AppError(
      422,
      'GeometryTooDense',
      {
        zh: `${tooDense.length} 个区域的边界顶点过多（每个最多 ${limits.verticesPerFeature} 个）`,
        en: `${tooDense.length} area(s) have too many boundary vertices (at most ${limits.verticesPerFeature} each)`,
      },
      tooDense.slice(0, 200),
    );
  }
}
