import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import type { Db } from '../../api/db/types';
import { controllableClock, type ControllableClock } from '../../api/domain/clock';
import type { ProblemDetail } from '../../api/schemas/problems';
import type { PatrolCoverage } from '../../api/schemas/field';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession, createUser, login, type Session } from './accounts';
import { contractingApi } from './contracting-fixture';
import { jpegPhoto, leafIds, problemApi, userWithUnit, writtenRows, type ProblemApi } from './problem-fixture';
import { POINT_IN_FIRST_GRID } from '../fixtures/mini-city';

const START = new Date('2026-03-04T09:00:00+08:00'); // a Wednesday morning
const FROM = '2024-01-01T00:00:00+08:00';
const [LON, LAT] = POINT_IN_FIRST_GRID; // 文峰社区第01网格 (330822001001001)
// ~500 m east of the point (1° of longitude ≈ 97.5 km at 28.9° N)
const FAR_LON = LON + 500 / 97_500;

describe.each(backends())('field workspace API on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let clock: ControllableClock;
  let leaderSess: Session;
  let leader: ProblemApi;
  let sup: ProblemApi;
  let unitStaff: ProblemApi;
  let cat: Record<string, number>;
  let gridId: number;
  let key = 0;
  const newKey = () => `test-key-${++key}`;

  const body = (over: object = {}) => ({
    lon: LON,
    lat: LAT,
    categoryId: cat['010101'],
    source: 'patrol',
    description: '商铺门前乱摆放货物',
    ...over,
  });
  const post = (s: Session, url: string, payload: object, idemKey?: string, lang = 'zh-CN') =>
    app.inject({
      method: 'POST',
      url,
      payload,
      headers: { ...s.headers, 'accept-language': lang, ...(idemKey ? { 'idempotency-key': idemKey } : {}) },
    });
  const problemCount = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM problems')).rows[0]!.n;
  /** reported by the grid leader, verified by the supervisor, assigned to the grid's unit */
  const assigned = async () => {
    const p = await leader.report(body());
    await sup.act(p.id, 'verify');
    return sup.act(p.id, 'assign');
  };
  type Proof = { flagged: boolean; reasons: string[]; distanceM: number; photos: { takenAt: string }[] };
  const fixProof = (p: ProblemDetail) => p.timeline.filter((e) => e.action === 'fix').at(-1)!.data.proof as Proof;

  beforeAll(async () => {
    db = await backend.open();
    clock = controllableClock(START);
    app = await appOn(db, { clock, controllableClock: true });
    const adminSess = await adminSession(app, db);
    await loadMiniCity(app, adminSess);
    const c = contractingApi(app, adminSess);
    const unitId = (await c.unit('县住建局')).id;
    const grid = await c.area('330822001001001');
    gridId = grid.id;
    await c.assign({ areaId: grid.id, role: 'lead', unitId, validFrom: FROM });
    await createUser(db, 'f-sup', 'supervisor', ['330822001']);
    const leaderUser = await createUser(db, 'f-leader', 'grid_leader');
    const person = await c.send('POST', '/api/people', { name: '张建国', phone: '13805700001', userId: leaderUser });
    await c.assign({
      areaId: grid.id,
      role: 'leader',
      personId: (person.json() as { id: number }).id,
      validFrom: FROM,
    });
    leaderSess = await login(app, 'f-leader');
    leader = problemApi(app, leaderSess);
    sup = problemApi(app, await login(app, 'f-sup'));
    unitStaff = problemApi(app, (await userWithUnit(app, db, 'f-unit', 'unit_staff', unitId)).session);
    cat = await leafIds(app, adminSess);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  describe('Idempotency-Key', () => {
    it('the same report sent three times is one problem, each answer the same', async () => {
      const before = await writtenRows(db);
      const k = newKey();
      const payload = body({ photos: [await jpegPhoto()] });
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await post(leaderSess, '/api/problems', payload, k));
      expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201]);
      expect(answers[0]!.headers['idempotent-replayed']).toBeUndefined();
      expect(answers[1]!.headers['idempotent-replayed']).toBe('true');
      expect(answers[1]!.json()).toEqual(answers[0]!.json());
      expect(answers[2]!.body).toBe(answers[1]!.body);
      const after = await writtenRows(db);
      expect(after.problems! - before.problems!).toBe(1);
      expect(after.events! - before.events!).toBe(1);
      expect(after.photos! - before.photos!).toBe(1);
    });

    it('the same report sent three times at once is one problem', async () => {
      const before = await problemCount();
      const k = `"${newKey()}"`; // the draft's sf-string form, quoted
      const payload = body({ description: '同时发送三次' });
      const answers = await Promise.all([0, 1, 2].map(() => post(leaderSess, '/api/problems', payload, k)));
      expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201]);
      const ids = answers.map((a) => (a.json() as ProblemDetail).id);
      expect(new Set(ids).size).toBe(1);
      expect((await problemCount()) - before).toBe(1);
    });

    it('without a key each send writes (the header is what makes a retry safe)', async () => {
      const before = await problemCount();
      await post(leaderSess, '/api/problems', body());
      await post(leaderSess, '/api/problems', body());
      expect((await problemCount()) - before).toBe(2);
    });

    it('the same key with another body is refused (422) in the caller’s language and writes nothing', async () => {
      const k = newKey();
      expect((await post(leaderSess, '/api/problems', body(), k)).statusCode).toBe(201);
      const before = await problemCount();
      const zh = await post(leaderSess, '/api/problems', body({ description: '另一个问题' }), k);
      expect(zh.statusCode).toBe(422);
      expect(zh.json()).toMatchObject({ error: 'IdempotencyKeyReused' });
      expect(zh.json().message).toContain('Idempotency-Key 已用于另一个');
      const en = await post(leaderSess, '/api/problems', body({ description: 'another' }), k, 'en');
      expect(en.json().message).toContain('already used for a different request');
      expect(await problemCount()).toBe(before);
    });

    it('keys are per user and expire after 24 hours', async () => {
      const k = newKey();
      const first = (await post(leaderSess, '/api/problems', body(), k)).json() as ProblemDetail;
      // the supervisor's request with the same key text is not the leader's
      const other = await post(await login(app, 'f-sup'), '/api/problems', body(), k);
      expect(other.statusCode).toBe(201);
      expect((other.json() as ProblemDetail).id).not.toBe(first.id);
      clock.advance(25 * 3600_000);
      const later = await post(leaderSess, '/api/problems', body(), k);
      expect(later.statusCode).toBe(201);
      expect((later.json() as ProblemDetail).id).not.toBe(first.id);
      // and the write cleared the other expired keys on its way
      const { rows } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM idempotency_keys WHERE expires_at <= $1',
        [clock.now()],
      );
      expect(rows[0]!.n).toBe(0);
    });

    it('a malformed key is a 400 naming the header; a failed write stores nothing and may be retried', async () => {
      const bad = await post(leaderSess, '/api/problems', body(), 'bad key with spaces');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details[0].field).toBe('Idempotency-Key');
      const k = newKey();
      const outside = await post(leaderSess, '/api/problems', body({ lon: 118.6, lat: 28.95 }), k);
      expect(outside.statusCode).toBe(400);
      expect((await post(leaderSess, '/api/problems', body(), k)).statusCode).toBe(201);
    });

    it('a step retried with its key is applied once (no 409 for the replay)', async () => {
      const p = await assigned();
      const k = newKey();
      const payload = {
        version: p.version,
        comment: '已清理',
        photos: [await jpegPhoto()],
        position: { lon: LON, lat: LAT, accuracyM: 8, at: clock.now().toISOString() },
      };
      const a = await post(leaderSess, `/api/problems/${p.id}/actions/fix`, payload, k);
      const b = await post(leaderSess, `/api/problems/${p.id}/actions/fix`, payload, k);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      expect(b.json()).toEqual(a.json());
      const now = await leader.problem(p.id);
      expect(now.timeline.filter((e) => e.action === 'fix')).toHaveLength(1);
      // without the key the same retry is the stale version it is
      expect((await post(leaderSess, `/api/problems/${p.id}/actions/fix`, payload)).statusCode).toBe(409);
    });
  });

  describe('fix with proof', () => {
    const fix = async (p: ProblemDetail, extra: object) => {
      const res = await post(leaderSess, `/api/problems/${p.id}/actions/fix`, {
        version: p.version,
        comment: '已整改',
        photos: [await jpegPhoto()],
        ...extra,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as ProblemDetail;
    };
    const at = () => clock.now().toISOString();

    it('at the site with a good fix: not flagged', async () => {
      const p = await fix(await assigned(), { position: { lon: LON + 0.0003, lat: LAT, accuracyM: 12, at: at() } });
      expect(fixProof(p)).toMatchObject({ flagged: false, reasons: [] });
    });

    it('500 m away: flagged too_far, shown to the supervisor who accepts it', async () => {
      const p = await fix(await assigned(), { position: { lon: FAR_LON, lat: LAT, accuracyM: 10, at: at() } });
      const seen = await sup.problem(p.id);
      const proof = fixProof(seen);
      expect(proof.flagged).toBe(true);
      expect(proof.reasons).toEqual(['too_far']);
      expect(proof.distanceM).toBeGreaterThan(450);
      expect(proof.distanceM).toBeLessThan(550);
    });

    it('no position, a hand-placed pin, poor accuracy: each flagged with its reason', async () => {
      expect(fixProof(await fix(await assigned(), {})).reasons).toEqual(['position_missing']);
      const manual = await fix(await assigned(), {
        position: { lon: LON, lat: LAT, accuracyM: 0, at: at(), manual: true },
      });
      expect(fixProof(manual).reasons).toEqual(['position_manual']);
      // the verifier (验收) reads the same flag, and that the pin was placed by hand
      expect(fixProof(await sup.problem(manual.id))).toMatchObject({ flagged: true, manual: true });
      const vague = await fix(await assigned(), { position: { lon: LON, lat: LAT, accuracyM: 2000, at: at() } });
      expect(fixProof(vague).reasons).toEqual(['poor_accuracy']);
    });

    it('an after-photo whose EXIF says it was taken before the report (and elsewhere) is flagged', async () => {
      const old = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#6a8' } })
        .withExif({
          IFD2: { DateTimeOriginal: '2026:01:10 10:00:00', OffsetTimeOriginal: '+08:00' },
          IFD3: {
            GPSLatitudeRef: 'N',
            GPSLatitude: '28/1 54/1 0/1',
            GPSLongitudeRef: 'E',
            GPSLongitude: '118/1 40/1 0/1',
          },
        } as never)
        .jpeg()
        .toBuffer();
      const p = await assigned();
      const res = await post(leaderSess, `/api/problems/${p.id}/actions/fix`, {
        version: p.version,
        comment: '已整改',
        photos: [{ name: 'old.jpg', dataBase64: old.toString('base64') }],
        position: { lon: LON, lat: LAT, accuracyM: 5, at: at() },
      });
      expect(res.statusCode, res.body).toBe(200);
      const proof = fixProof(res.json() as ProblemDetail);
      expect(proof.reasons).toEqual(['photo_before_report', 'photo_far']);
      expect(proof.photos[0]!.takenAt).toBe('2026-01-10T02:00:00.000Z');
      // the stored photo is our re-encoded JPEG, without the EXIF that was read
      const after = (await sup.problem(p.id)).timeline.find((e) => e.action === 'fix')!;
      expect(after).toBeTruthy();
    });

    it('flagged fixes are a figure (fix_flagged) for the supervisor', async () => {
      clock.advance(60_000); // judged as of a moment after the fixes
      const res = await app.inject({
        url: `/api/figures?level=grid&from=2026-01-01T00:00:00%2B08:00&to=2026-12-31T00:00:00%2B08:00&indicators=fix_flagged`,
        headers: (await login(app, 'f-sup')).headers,
      });
      expect(res.statusCode, res.body).toBe(200);
      const row = (res.json() as { rows: { id: number; figures: Record<string, { value: number }> }[] }).rows.find(
        (r) => r.id === gridId,
      )!;
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(DISTINCT problem_id)::int AS n FROM problem_events WHERE action = 'fix' AND (data->'proof'->>'flagged')::boolean`,
      );
      expect(rows[0]!.n).toBeGreaterThanOrEqual(4);
      expect(row.figures.fix_flagged!.value).toBe(rows[0]!.n);
    });

    it('unit staff fixing is judged the same way', async () => {
      const p = await assigned();
      const res = await unitStaff.act(p.id, 'fix', {
        comment: '已整改',
        photos: [await jpegPhoto()],
        position: { lon: LON, lat: LAT, accuracyM: 20, at: at() },
      });
      expect(fixProof(res).flagged).toBe(false);
    });
  });

  describe('patrol (巡查打卡)', () => {
    const track = (n: number) => ({
      type: 'LineString',
      coordinates: Array.from({ length: n }, (_, i) => [LON + i * 0.0004, LAT]),
    });
    const times = (n: number) =>
      Array.from({ length: n }, (_, i) => new Date(START.getTime() + i * 60_000).toISOString());

    it('a stop sends the track with accuracy and time per point, once whatever the retries; coverage follows', async () => {
      const empty = await leader.get<PatrolCoverage>('/api/field/coverage');
      expect(empty.grids.map((g) => g.gridId)).toEqual([gridId]);
      expect(empty.grids[0]).toMatchObject({ visits: 0, coverage: 0 });
      const k = newKey();
      const payload = {
        gridId,
        startedAt: START.toISOString(),
        endedAt: new Date(START.getTime() + 5 * 60_000).toISOString(),
        track: track(5),
        trackAccuracyM: [8, 12, 6, 30, 9],
        trackTimes: times(5),
      };
      const a = await post(leaderSess, '/api/patrols', payload, k);
      const b = await post(leaderSess, '/api/patrols', payload, k);
      expect([a.statusCode, b.statusCode], a.body).toEqual([201, 201]);
      expect(b.json()).toEqual(a.json());
      const { rows } = await db.query<{ n: number; acc: number[] }>(
        'SELECT count(*) OVER ()::int AS n, track_accuracy_m AS acc FROM patrol_visits WHERE grid_id = $1',
        [gridId],
      );
      expect(rows[0]).toMatchObject({ n: 1, acc: [8, 12, 6, 30, 9] });
      const cov = await leader.get<PatrolCoverage>('/api/field/coverage');
      expect(cov.reachM).toBe(50);
      expect(cov.grids[0]!.visits).toBe(1);
      expect(cov.grids[0]!.lengthM).toBeGreaterThan(150);
      expect(cov.grids[0]!.coverage).toBeGreaterThan(0);
      expect(cov.grids[0]!.coverage).toBeLessThan(1);
      // the supervisor of the street sees the same number for that grid
      const supCov = await sup.get<PatrolCoverage>('/api/field/coverage');
      expect(supCov.grids.find((g) => g.gridId === gridId)!.coverage).toBeCloseTo(cov.grids[0]!.coverage, 6);
    });

    it('samples that do not match the track are refused, naming the field', async () => {
      const res = await post(leaderSess, '/api/patrols', {
        gridId,
        startedAt: START.toISOString(),
        endedAt: new Date(START.getTime() + 60_000).toISOString(),
        track: track(3),
        trackAccuracyM: [5, 5],
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().details[0].field).toBe('trackAccuracyM');
    });
  });
});
