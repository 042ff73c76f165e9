import type { Queryable } from '../../api/db/types';

/**
 * Problems written straight into the tables, for the tests of what reads them (photos, problem
 * tiles), independent of the problem service: a small category tree of our own, and problems at
 * given points with their area code (the deepest area containing the point) and a report event
 * (seq 1). (tests/api/problem-rows.ts is another helper's fixture of the same kind.)
 */
export interface ProblemRow {
  lon: number;
  lat: number;
  source?: string;
  state?: string;
  urgent?: boolean;
  /** leaf category code: '900101' (default) or '910101' */
  category?: string;
  reportedAt?: Date;
  assignedAt?: Date | null;
  deadline?: Date | null;
}

/**
 * Two branches of three levels of our own, 90/9001/900101 and 91/9101/910101 (codes no seeded
 * taxonomy uses), so the tests do not depend on the seeded one. Idempotent.
 */
export async function ensureCategories(db: Queryable): Promise<Record<string, number>> {
  // Level by level: a row's parent must exist when it is inserted (problem_categories_parent).
  for (const level of [1, 2, 3]) {
    await db.query(
      `
      INSERT INTO problem_categories (code, parent_id, level, name_zh, name_en, deadline_hours)
      SELECT v.code, p.id, v.level, v.zh, v.en, v.hours
      FROM (VALUES ('90', 1, '测试大类一', 'test group 1', NULL::int), ('9001', 2, '测试小类一', 'test class 1', NULL),
                   ('900101', 3, '测试细类一', 'test leaf 1', 24),
                   ('91', 1, '测试大类二', 'test group 2', NULL), ('9101', 2, '测试小类二', 'test class 2', NULL),
                   ('910101', 3, '测试细类二', 'test leaf 2', 48)) v(code, level, zh, en, hours)
      LEFT JOIN problem_categories p ON v.level > 1 AND p.code = left(v.code, (v.level - 1) * 2)
      WHERE v.level = $1
      ON CONFLICT (code) DO NOTHING`,
      [level],
    );
  }
  const { rows } = await db.query<{ code: string; id: number }>(
    `SELECT code, id FROM problem_categories WHERE code LIKE '9%'`,
  );
  return Object.fromEntries(rows.map((r) => [r.code, r.id]));
}

const DEFAULT_AT = new Date('2026-03-01T02:00:00Z');

/** Inserts the problems (one statement) and their report events; returns ids in input order. */
export async function insertProblems(db: Queryable, rows: ProblemRow[]): Promise<number[]> {
  await ensureCategories(db);
  const data = rows.map((r, i) => ({
    i,
    lon: r.lon,
    lat: r.lat,
    source: r.source ?? 'patrol',
    state: r.state ?? 'reported',
    urgent: r.urgent ?? false,
    category: r.category ?? '900101',
    reported_at: (r.reportedAt ?? DEFAULT_AT).toISOString(),
    assigned_at: r.assignedAt?.toISOString() ?? null,
    deadline: r.deadline?.toISOString() ?? null,
  }));
  const { rows: ids } = await db.query<{ id: string | number; i: number }>(
    `
    WITH d AS (
      SELECT d.*, ST_SetSRID(ST_MakePoint(d.lon, d.lat), 4326) AS pt
      FROM jsonb_to_recordset($1::jsonb) AS d(i int, lon float8, lat float8, source text, state text, urgent boolean,
           category text, reported_at timestamptz, assigned_at timestamptz, deadline timestamptz)
    ), ins AS (
      INSERT INTO problems (id, category_id, source, description, location, reported_at, updated_at, state, urgent,
                            assigned_at, deadline, area_code, street_code)
      SELECT problem_new_id(d.reported_at), c.id, d.source::problem_source, 'test problem ' || d.i, d.pt, d.reported_at, d.reported_at, d.state::problem_state,
             d.urgent, d.assigned_at, d.deadline,
             (SELECT a.code FROM areas a WHERE ST_Covers(a.geom, d.pt) ORDER BY length(a.code) DESC, a.code LIMIT 1),
             (SELECT a.code FROM areas a WHERE a.level = 'street' AND ST_Covers(a.geom, d.pt) ORDER BY a.code LIMIT 1)
      FROM d JOIN problem_categories c ON c.code = d.category
      ORDER BY d.i
      RETURNING id, description, reported_at
    ), ev AS (
      INSERT INTO problem_events (problem_id, seq, action, from_state, to_state, at)
      SELECT id, 1, 'report', NULL, 'reported', reported_at FROM ins
    )
    SELECT id, substr(description, 14)::int AS i FROM ins`,
    [JSON.stringify(data)],
  );
  if (ids.length !== rows.length) throw new Error(`inserted ${ids.length} of ${rows.length} problems`);
  const out: number[] = [];
  for (const r of ids) out[r.i] = Number(r.id);
  return out;
}

/** The report event of a problem (photos point at an event). */
export async function reportEventOf(db: Queryable, problemId: number): Promise<number> {
  const { rows } = await db.query<{ id: string | number }>(
    `SELECT id FROM problem_events WHERE problem_id = $1 AND seq = 1`,
    [problemId],
  );
  return Number(rows[0]!.id);
}

/** A deterministic pseudo-random generator (the same problems on both backends): the demo's one. */
export { mulberry32 as seeded } from '../../data/demo/random';
