import type { Queryable } from '../../../api/db/types';
import type { PlanCategory, PlanCity, PlanPolygon } from '../problems';

/**
 * Reading what the planner needs from a database (any city, not only the demo): the county's and
 * the grids' polygons and the named road centre lines (PlanCity), and the active leaf categories
 * with their deadlines, revisit days, handler and the names of the 大类 and 小类 above them.
 * Both writers plan from these, so the seed and the bulk writer plan the same problems.
 */

/** The city as the plan generator needs it, read from the database (any city, not only the demo). */
export async function loadPlanCity(q: Queryable): Promise<PlanCity> {
  const polys = (json: string): PlanPolygon[] => {
    const g = JSON.parse(json) as GeoJSON.Polygon | GeoJSON.MultiPolygon;
    return (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as PlanPolygon[];
  };
  const county = (
    await q.query<{ g: string }>(`SELECT ST_AsGeoJSON(geom, 7) AS g FROM areas WHERE level = 'county' ORDER BY code`)
  ).rows.flatMap((r) => polys(r.g));
  const grids = (
    await q.query<{ code: string; g: string }>(
      `SELECT code, ST_AsGeoJSON(geom, 7) AS g FROM areas WHERE level = 'grid' ORDER BY code`,
    )
  ).rows.map((r) => ({ code: r.code, polygons: polys(r.g) }));
  const roads = (
    await q.query<{ name: string | null; g: string }>(
      `SELECT name, ST_AsGeoJSON(geom, 7) AS g FROM basemap_features
     WHERE kind IN ('road_major', 'road_minor') AND GeometryType(geom) = 'LINESTRING' ORDER BY id`,
    )
  ).rows.map((r) => ({
    name: r.name,
    coordinates: (JSON.parse(r.g) as GeoJSON.LineString).coordinates as [number, number][],
  }));
  return { county, grids, roads };
}

/** Active leaf categories (by code: ids differ between databases). */
export async function loadPlanCategories(
  q: Queryable,
): Promise<(PlanCategory & { id: number; handler: string | null })[]> {
  return (
    await q.query<
      PlanCategory & { id: number; handler: string | null; parent: string | null; grandparent: string | null }
    >(
      `SELECT c.id, c.code, c.name_zh AS "nameZh", c.deadline_hours AS "deadlineHours", c.working_days AS "workingDays",
            c.revisit_days AS "revisitDays", c.urgent, c.handler, p.name_zh AS parent, gp.name_zh AS grandparent
     FROM problem_categories c
     LEFT JOIN problem_categories p ON p.id = c.parent_id LEFT JOIN problem_categories gp ON gp.id = p.parent_id
     WHERE c.level = 3 AND c.active ORDER BY c.code`,
    )
  ).rows.map(({ parent, grandparent, ...c }) => ({
    ...c,
    parentNamesZh: [grandparent, parent].filter((n): n is string => !!n),
  }));
}
