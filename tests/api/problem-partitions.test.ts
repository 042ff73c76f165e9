import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import { SQL_DIR, migrate } from '../../api/db/migrate';
import { openPgliteDb } from '../../api/db/pglite';
import { openPgDb } from '../../api/db/pg';
import { controllableClock } from '../../api/domain/clock';
import { sweepOverdueIfFree } from '../../api/services/problem-sweep';
import { problemPartitionsRepository } from '../../api/repositories/problem-partitions';
import { appOn, backends, type Backend } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession } from './accounts';
import { leafIds, problemApi, type ProblemApi } from './problem-fixture';
import { adminUrl, databaseUrl } from './native';
import { POINT_IN_FIRST_GRID } from '../fixtures/mini-city';

// Migration 025 (docs/SCALE.md "Monthly partitions"): a problem's id is yyyymm × 10¹⁰ + n, yyyymm
// the Beijing month of its report; problems and problem_events are partitioned by month on it.
// 23:30 in Beijing on 31 March is still 15:30 UTC on the 31st: the month is Beijing's.
const START = new Date('2026-03-31T23:30:00+08:00');
const [LON, LAT] = POINT_IN_FIRST_GRID;
const monthOf = (id: number) => Math.floor(id / 1e10);

const partitionOf = async (db: Db, table: 'problems' | 'problem_events', column: string, id: number) =>
  (
    await db.query<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM ${table} WHERE ${column} = $1`, [id])
  ).rows.map((r) => r.p);

describe.each(backends())('problems partitioned by month on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let admin: ProblemApi;
  let cat: Record<string, number>;
  const report = () =>
    admin.report({ lon: LON, lat: LAT, categoryId: cat['010101'], source: 'patrol', description: '占道经营' });

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, { clock: controllableClock(START), controllableClock: true });
    const session = await adminSession(app, db);
    admin = problemApi(app, session);
    await loadMiniCity(app, session);
    cat = await leafIds(app, session);
    expect(await problemPartitionsRepository(db).ensure(START, new Date('2026-04-15T00:00:00+08:00'))).toBe(2);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it("keeps a report and its events in the partition of its report's Beijing month, under an id that names it", async () => {
    const march = await report();
    expect(monthOf(march.id)).toBe(202603);
    expect(Number.isSafeInteger(march.id)).toBe(true);
    expect(await partitionOf(db, 'problems', 'id', march.id)).toEqual(['problems_m202603']);
    expect(await partitionOf(db, 'problem_events', 'problem_id', march.id)).toEqual(['problem_events_m202603']);
    // a step reads and writes it by id, as before
    const verified = await admin.act(march.id, 'verify');
    expect(verified).toMatchObject({ id: march.id, state: 'verified', version: 2 });
    expect((await admin.problem(march.id)).timeline.map((e) => e.action)).toEqual(['report', 'verify']);

    const res = await admin.send('POST', '/api/dev/clock', { advanceHours: 1 }); // 00:30 on 1 April in Beijing
    expect(res.statusCode, res.body).toBe(200);
    const april = await report();
    expect(monthOf(april.id)).toBe(202604);
    expect(await partitionOf(db, 'problems', 'id', april.id)).toEqual(['problems_m202604']);
  });

  it('reads one partition for a lookup by id', async () => {
    const { id } = await report();
    const plan = (
      await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT * FROM problems WHERE id = ${Number(id)}`)
    ).rows
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan.match(/ on problems_\w+/g)).toEqual([' on problems_m202604']);
  });

  it('refuses an id that names another month than its report, and an event of no problem', async () => {
    await expect(
      db.query(
        `INSERT INTO problems (id, category_id, source, description, location, reported_at, updated_at)
         VALUES (202601 * 10000000000::bigint + 1, $1, 'patrol', 'x', ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $4)`,
        [cat['010101'], LON, LAT, START],
      ),
    ).rejects.toThrow(/problems_id_month/);
    // an event's key to its problem is checked month to month
    await expect(
      db.query(
        `INSERT INTO problem_events (problem_id, seq, action, to_state, at)
         VALUES (202603 * 10000000000::bigint + 999999, 1, 'report', 'reported', $1)`,
        [START],
      ),
    ).rejects.toThrow(/problem_events_m202603_problem_fkey/);
  });

  it('keeps the months ahead from the overdue sweep, and leaves a month alone whose rows went to the default partition', async () => {
    const { rows } = await db.query<{ id: number; p: string }>(
      `INSERT INTO problems (id, category_id, source, description, location, reported_at, updated_at)
       VALUES (problem_new_id($4), $1, 'patrol', '旧月份', ST_SetSRID(ST_MakePoint($2, $3), 4326), $4, $4)
       RETURNING id, tableoid::regclass::text AS p`,
      [cat['010101'], LON, LAT, new Date('2025-01-10T10:00:00+08:00')],
    );
    expect(rows[0]).toMatchObject({ p: 'problems_default' });
    await db.query(
      `INSERT INTO problem_events (problem_id, seq, action, to_state, at) VALUES ($1, 1, 'report', 'reported', '2025-01-10T02:00:00Z')`,
      [rows[0]!.id],
    );
    expect(monthOf(rows[0]!.id)).toBe(202501);
    const partitions = problemPartitionsRepository(db);
    expect(await partitions.ensure(new Date('2025-01-01T00:00:00+08:00'), new Date('2025-02-01T00:00:00+08:00'))).toBe(
      1, // February; January has a row in the default partition
    );
    const names = async () => (await partitions.list()).map((p) => p.name);
    expect(await names()).not.toContain('problems_m202501');
    expect(await names()).toContain('problems_m202502');
    expect(await partitionOf(db, 'problems', 'id', rows[0]!.id)).toEqual(['problems_default']);
    const kept = await db.query<{ description: string }>(`SELECT description FROM problems WHERE id = $1`, [
      rows[0]!.id,
    ]);
    expect(kept.rows).toEqual([{ description: '旧月份' }]);

    expect(await sweepOverdueIfFree(db, new Date('2026-06-15T12:00:00+08:00'))).not.toBeNull();
    expect(await names()).toEqual(
      expect.arrayContaining(['problems_m202606', 'problems_m202607', 'problems_m202608', 'problems_m202609']),
    );
    const bounds = (await partitions.list()).find((p) => p.name === 'problems_m202609')!.bound;
    expect(bounds).toBe("FOR VALUES FROM ('2026090000000000') TO ('2026100000000000')");
  });
});

/** An empty database of the backend, migrated only as far as `sqlDir` goes. */
async function emptyDb(backend: Backend): Promise<Db> {
  if (backend.name === 'pglite') return openPgliteDb();
  const url = process.env.TEST_DATABASE_URL!;
  const name = `wangge_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl(url) });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const db = openPgDb(databaseUrl(url, name));
  return {
    ...db,
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: adminUrl(url) });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

describe.each(backends())('migration 025 over problems written before it, on $name', (backend) => {
  let db: Db;
  let before: string;
  beforeAll(async () => {
    db = await emptyDb(backend);
    before = await mkdtemp(join(tmpdir(), 'wangge-sql-'));
    await cp(SQL_DIR, before, { recursive: true });
    await rm(join(before, 'migrations', '025-problems-by-month.sql'));
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await rm(before, { recursive: true, force: true });
  });

  it('keeps their ids, events, photos and links in the legacy partitions; new problems get monthly ids', async () => {
    await migrate(db, before);
    const category = (
      await db.query<{ id: number }>(`SELECT id FROM problem_categories WHERE level = 3 ORDER BY code LIMIT 1`)
    ).rows[0]!.id;
    // two problems and their events as the code before 025 wrote them (identity ids 1, 2)
    const { rows: old } = await db.query<{ id: number }>(
      `INSERT INTO problems (category_id, source, description, location, reported_at, updated_at)
       SELECT $1, 'patrol', '旧问题 ' || i, ST_SetSRID(ST_MakePoint(118.5, 28.9), 4326), '2026-02-01T00:00:00Z', now()
       FROM generate_series(1, 2) i RETURNING id::int AS id`,
      [category],
    );
    await db.query(`UPDATE problems SET state = 'duplicate', duplicate_of = $1 WHERE id = $2`, [
      old[0]!.id,
      old[1]!.id,
    ]);
    await db.query(
      `INSERT INTO problem_events (problem_id, seq, action, to_state, at) SELECT id, 1, 'report', 'reported', now() FROM problems`,
    );
    await db.query(
      `INSERT INTO photo_blobs (sha256, mime, width, height, bytes, thumb) VALUES ('ab', 'image/jpeg', 1, 1, '\\x00', '\\x00')`,
    );
    await db.query(
      `INSERT INTO problem_photos (problem_id, event_id, kind, sha256, uploaded_at)
       SELECT problem_id, id, 'before', 'ab', now() FROM problem_events WHERE problem_id = $1`,
      [old[0]!.id],
    );

    const report = await migrate(db);
    expect(report.applied).toEqual(['025-problems-by-month.sql']);
    const kept = await db.query<{ id: number; p: string; duplicateOf: number | null }>(
      `SELECT id, tableoid::regclass::text AS p, duplicate_of AS "duplicateOf" FROM problems ORDER BY id`,
    );
    expect(kept.rows).toEqual([
      { id: old[0]!.id, p: 'problems_legacy', duplicateOf: null },
      { id: old[1]!.id, p: 'problems_legacy', duplicateOf: old[0]!.id },
    ]);
    const events = await db.query<{ p: string }>(`SELECT DISTINCT tableoid::regclass::text AS p FROM problem_events`);
    expect(events.rows).toEqual([{ p: 'problem_events_legacy' }]);
    expect((await db.query(`SELECT 1 FROM problem_photos`)).rows).toHaveLength(1);
    // the day counts were kept by the trigger before and are rebuilt the same from the rows after
    const counts = async () =>
      (await db.query<{ n: number }>(`SELECT coalesce(sum(found), 0)::int AS n FROM problem_day_counts`)).rows[0]!.n;
    const counted = await counts();
    await db.query(`SELECT problem_day_counts_rebuild()`);
    expect(await counts()).toBe(counted);

    // the foreign keys hold on the partitioned tables
    await expect(
      db.query(
        `INSERT INTO problem_events (problem_id, seq, action, to_state, at) VALUES (999, 1, 'report', 'reported', now())`,
      ),
    ).rejects.toThrow(/problem_events_legacy_problem_fkey/);
    await expect(
      db.query(
        `INSERT INTO problem_photos (problem_id, event_id, kind, sha256, uploaded_at)
         SELECT $1, id, 'before', 'ab', now() FROM problem_events WHERE problem_id = $2`,
        [old[1]!.id, old[0]!.id],
      ),
    ).rejects.toThrow(/problem_photos_event_id_fkey/);

    // a new problem continues with a monthly id, next to the old ones
    const { rows: fresh } = await db.query<{ id: number }>(
      `INSERT INTO problems (id, category_id, source, description, location, reported_at, updated_at)
       VALUES (problem_new_id('2026-12-06T10:00:00+08:00'), $1, 'patrol', '新问题', ST_SetSRID(ST_MakePoint(118.5, 28.9), 4326),
               '2026-12-06T10:00:00+08:00', now()) RETURNING id`,
      [category],
    );
    expect(monthOf(fresh[0]!.id)).toBe(202612);
    const { rows: next } = await db.query<{ id: number }>(
      `INSERT INTO problem_events (problem_id, seq, action, to_state, at) VALUES ($1, 1, 'report', 'reported', now()) RETURNING id`,
      [fresh[0]!.id],
    );
    expect(next[0]!.id).toBeGreaterThan(2); // the events' identity continues after the old rows
  }, 180_000);
});
