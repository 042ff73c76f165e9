import type { Db, Queryable } from '../../api/db/types';

/**
 * Problems written straight into the table with given states and times, routed to a grid of the
 * mini city the way the loop stores them (grid, community, street, area code, units), so figure
 * tests do not depend on the loop's service. Categories: a small tree of our own (code 97…).
 */
export interface ProblemSpec {
  /** grid code, or null for a point outside every grid (give `at`) */
  grid: string | null;
  at?: [number, number];
  state: 'reported' | 'invalid' | 'verified' | 'assigned' | 'suspended' | 'fixed' | 'closed';
  source?: 'inspection' | 'undercover' | 'patrol' | 'citizen' | 'camera' | 'higher_level';
  category?: number;
  reportedAt: Date;
  verifiedAt?: Date | null;
  assignedAt?: Date | null;
  deadline?: Date | null;
  fixedAt?: Date | null;
  closedAt?: Date | null;
  closedOnTime?: boolean | null;
  revisitedAt?: Date | null;
  suspendedAt?: Date | null;
  leadUnitId?: number | null;
  assigneeUnitId?: number | null;
  rework?: number;
  relapse?: number;
  returned?: number;
  supervision?: number;
  accountability?: number;
}

export async function ensureCategories(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM problem_categories WHERE code IN ('970101', '970102') ORDER BY code`,
  );
  if (rows.length === 2) return rows.map((r) => r.id);
  const top = (
    await db.query<{ id: number }>(
      `INSERT INTO problem_categories (code, level, name_zh, name_en) VALUES ('97', 1, '测试大类', 'test') RETURNING id`,
    )
  ).rows[0]!.id;
  const mid = (
    await db.query<{ id: number }>(
      `INSERT INTO problem_categories (code, parent_id, level, name_zh, name_en) VALUES ('9701', $1, 2, '测试小类', 'test sub') RETURNING id`,
      [top],
    )
  ).rows[0]!.id;
  const leaves = await db.query<{ id: number }>(
    `
    INSERT INTO problem_categories (code, parent_id, level, name_zh, name_en, deadline_hours) VALUES
      ('970101', $1, 3, '暴露垃圾（测试）', 'exposed garbage (test)', 24),
      ('970102', $1, 3, '乱贴乱画（测试）', 'posters (test)', 48)
    RETURNING id`,
    [mid],
  );
  return leaves.rows.map((r) => r.id);
}

// Routing as the loop stores it: the grid and its ancestors by code, the point at the grid's
// label point (or the given one), the unit as given.
const SQL_INSERT = `
  INSERT INTO problems (id, street_code, category_id, source, description, location, reported_at, grid_id, community_id, street_id, area_code,
    lead_unit_id, state, assignee_unit_id, verified_at, assigned_at, deadline, fixed_at, closed_at, closed_on_time, revisited_at,
    suspended_at, rework_count, relapse_count, return_count, supervision_count, accountability_count, cycle, updated_at)
  SELECT problem_new_id(r.reported_at), coalesce(s.code, (SELECT a.code FROM areas a WHERE a.level = 'street' AND ST_Intersects(a.geom, pt.geom) LIMIT 1)),
         r.category, r.source::problem_source, '测试问题 #' || r.i, pt.geom, r.reported_at, g.id, c.id, s.id,
         coalesce(g.code, (SELECT a.code FROM areas a WHERE ST_Intersects(a.geom, pt.geom) ORDER BY length(a.code) DESC LIMIT 1)),
         r.lead_unit, r.state::problem_state, r.assignee_unit, r.verified_at, r.assigned_at, r.deadline, r.fixed_at, r.closed_at, r.closed_on_time,
         r.revisited_at, r.suspended_at, r.rework, r.relapse, r.returned, r.supervision, r.accountability,
         CASE WHEN r.assigned_at IS NULL THEN 0 ELSE 1 + r.rework + r.relapse END, r.reported_at
  FROM jsonb_to_recordset($1::jsonb) AS r(i int, grid text, lon float8, lat float8, state text, source text, category int, reported_at timestamptz,
       verified_at timestamptz, assigned_at timestamptz, deadline timestamptz, fixed_at timestamptz, closed_at timestamptz, closed_on_time boolean,
       revisited_at timestamptz, suspended_at timestamptz, lead_unit int, assignee_unit int, rework int, relapse int, returned int, supervision int, accountability int)
  LEFT JOIN areas g ON g.code = r.grid AND g.level = 'grid'
  LEFT JOIN areas c ON c.id = g.parent_id
  LEFT JOIN areas s ON s.id = c.parent_id
  CROSS JOIN LATERAL (SELECT coalesce(g.label_point, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)) AS geom) pt
  ORDER BY r.i
  RETURNING id`;

/** Inserts the problems in one statement; returns their ids in order. */
export async function insertProblems(db: Db | Queryable, specs: ProblemSpec[]): Promise<number[]> {
  const [cat] = await ensureCategories(db);
  const ids: number[] = [];
  for (let i = 0; i < specs.length; i += 5000) {
    const chunk = specs.slice(i, i + 5000).map((s, j) => {
      const filed = s.state !== 'reported' && s.state !== 'invalid';
      const assigned = ['assigned', 'suspended', 'fixed', 'closed'].includes(s.state);
      return {
        i: i + j,
        grid: s.grid,
        lon: s.at?.[0] ?? null,
        lat: s.at?.[1] ?? null,
        state: s.state,
        source: s.source ?? 'inspection',
        category: s.category ?? cat,
        reported_at: s.reportedAt,
        verified_at: s.verifiedAt !== undefined ? s.verifiedAt : filed ? s.reportedAt : null,
        assigned_at: s.assignedAt !== undefined ? s.assignedAt : assigned ? s.reportedAt : null,
        deadline: s.deadline ?? (assigned ? new Date(s.reportedAt.getTime() + 24 * 3600_000) : null),
        fixed_at: s.fixedAt ?? null,
        closed_at: s.closedAt ?? null,
        closed_on_time: s.closedOnTime ?? null,
        revisited_at: s.revisitedAt ?? null,
        suspended_at: s.suspendedAt ?? (s.state === 'suspended' ? s.reportedAt : null),
        lead_unit: s.leadUnitId ?? null,
        assignee_unit: s.assigneeUnitId ?? null,
        rework: s.rework ?? 0,
        relapse: s.relapse ?? 0,
        returned: s.returned ?? 0,
        supervision: s.supervision ?? 0,
        accountability: s.accountability ?? 0,
      };
    });
    ids.push(...(await db.query<{ id: number }>(SQL_INSERT, [JSON.stringify(chunk)])).rows.map((r) => Number(r.id)));
  }
  return ids;
}

const H = 3600_000;
/**
 * The worked example: in one grid, over one week, 972 problems due (应结案) of which 911 closed
 * (销号), 737 of them on time; 61 past their deadline and not fixed. Around them, problems that
 * must NOT count: suspended (挂账), still within their deadline, rejected, outside the week.
 * Expected: 整改达标率 911 / 972 = 93.72 %, 按期结案率 737 / 972 = 75.82 %.
 */
export function workedExample(grid: string, weekStart: Date, asOf: Date): ProblemSpec[] {
  const at = (k: number) => new Date(weekStart.getTime() + (k % 120) * H); // within the first 5 days
  const out: ProblemSpec[] = [];
  for (let k = 0; k < 737; k++) {
    const r = at(k);
    out.push({
      grid,
      state: 'closed',
      reportedAt: r,
      deadline: new Date(r.getTime() + 24 * H),
      fixedAt: new Date(r.getTime() + 20 * H),
      closedAt: new Date(r.getTime() + 22 * H),
      closedOnTime: true,
    });
  }
  for (let k = 0; k < 174; k++) {
    const r = at(k);
    out.push({
      grid,
      state: 'closed',
      reportedAt: r,
      deadline: new Date(r.getTime() + 24 * H),
      fixedAt: new Date(r.getTime() + 30 * H),
      closedAt: new Date(r.getTime() + 31 * H),
      closedOnTime: false,
      supervision: 1,
    });
  }
  for (let k = 0; k < 61; k++) {
    const r = at(k);
    out.push({
      grid,
      state: 'assigned',
      reportedAt: r,
      deadline: new Date(r.getTime() + 24 * H),
      supervision: 1,
      accountability: k < 20 ? 1 : 0,
    });
  }
  for (let k = 0; k < 15; k++)
    out.push({ grid, state: 'suspended', reportedAt: at(k), deadline: new Date(at(k).getTime() + 24 * H) });
  // still within the deadline at asOf: open, not yet due
  for (let k = 0; k < 9; k++)
    out.push({
      grid,
      state: 'assigned',
      reportedAt: new Date(asOf.getTime() - 2 * H),
      deadline: new Date(asOf.getTime() + 20 * H),
    });
  for (let k = 0; k < 7; k++) out.push({ grid, state: 'invalid', reportedAt: at(k) });
  out.push({ grid, state: 'reported', reportedAt: at(3) });
  // just outside the week on both sides
  out.push({
    grid,
    state: 'closed',
    reportedAt: new Date(weekStart.getTime() - 1),
    deadline: weekStart,
    fixedAt: weekStart,
    closedAt: weekStart,
    closedOnTime: true,
  });
  out.push({
    grid,
    state: 'assigned',
    reportedAt: new Date(weekStart.getTime() + 7 * 24 * H),
    deadline: new Date(weekStart.getTime() + 8 * 24 * H),
  });
  return out;
}
