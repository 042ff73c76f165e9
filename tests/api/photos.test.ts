import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachPhotos, preparePhotos, type PreparedPhoto } from '../../api/services/photos';
import { backends, withMiniCity } from './harness';
import { createUser, login, type Session } from './accounts';
import { insertProblems, reportEventOf } from './problem-sql-rows';

const AT = new Date('2026-03-02T01:00:00Z');

describe.each(backends())('problem photos on $name', (backend) => {
  const t = withMiniCity(backend);
  const s = {} as Record<'supervisor' | 'unit' | 'member' | 'commander', Session>;
  // problem ids: in street 1, in street 2, undercover (not yet assigned / assigned) in the unit's
  // grid, and outside the county (no area code)
  const p = {} as Record<'inStreet1' | 'inStreet2' | 'covert' | 'covertAssigned' | 'outside', number>;
  const photo = {} as Record<keyof typeof p, number>;
  let prepared: PreparedPhoto[];

  beforeAll(async () => {
    [p.inStreet1, p.inStreet2, p.covert, p.covertAssigned, p.outside] = (await insertProblems(t.db, [
      { lon: 118.505, lat: 28.905 }, // 330822001001001
      { lon: 118.535, lat: 28.915 }, // 330822002002002
      { lon: 118.505, lat: 28.915, source: 'undercover', state: 'verified' }, // 330822001002001
      {
        lon: 118.505,
        lat: 28.915,
        source: 'undercover',
        state: 'assigned',
        assignedAt: AT,
        deadline: new Date(AT.getTime() + 86400_000),
      },
      { lon: 118.6, lat: 28.95 }, // outside the county
    ])) as [number, number, number, number, number];
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#4a7' } })
      .jpeg()
      .toBuffer();
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#a47' } })
      .png()
      .toBuffer();
    prepared = await preparePhotos([
      { name: 'a.jpg', dataBase64: jpeg.toString('base64') },
      { name: 'b.png', dataBase64: png.toString('base64') },
    ]);
    for (const key of Object.keys(p) as (keyof typeof p)[]) {
      const event = await reportEventOf(t.db, p[key]);
      const ids = await t.db.transaction((tx) => attachPhotos(tx, p[key], event, 'before', prepared, null, AT));
      expect(ids).toHaveLength(2);
      photo[key] = ids[0]!;
    }
    await createUser(t.db, 'ph-super', 'supervisor', ['330822001']);
    await createUser(t.db, 'ph-unit', 'unit_staff', ['330822001002001']);
    await createUser(t.db, 'ph-member', 'grid_member', ['330822001001001']);
    await createUser(t.db, 'ph-cmd', 'commander');
    s.supervisor = await login(t.app, 'ph-super');
    s.unit = await login(t.app, 'ph-unit');
    s.member = await login(t.app, 'ph-member');
    s.commander = await login(t.app, 'ph-cmd');
  });

  const get = (url: string, who?: Session, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { ...(who?.headers ?? t.admin.headers), ...headers } });

  it('stores each blob once however many problems use it', async () => {
    const { rows } = await t.db.query<{ n: number; links: number }>(
      `SELECT (SELECT count(*)::int FROM photo_blobs) AS n, (SELECT count(*)::int FROM problem_photos) AS links`,
    );
    expect(rows[0]).toEqual({ n: 2, links: 10 });
    const { rows: kinds } = await t.db.query<{ kind: string; uploaded_at: Date }>(
      `SELECT kind, uploaded_at FROM problem_photos WHERE id = $1`,
      [photo.inStreet1],
    );
    expect(kinds[0]!.kind).toBe('before');
    expect(new Date(kinds[0]!.uploaded_at).getTime()).toBe(AT.getTime());
  });

  it('serves an in-scope photo as the stored JPEG with safe headers, and its thumb', async () => {
    const res = await get(`/api/photos/${photo.inStreet1}`, s.supervisor);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toBe(`inline; filename="problem-${p.inStreet1}-${photo.inStreet1}.jpg"`);
    expect(res.headers['cache-control']).toBe('private, max-age=86400, immutable');
    expect(res.headers.etag).toBe(`"${prepared[0]!.sha256}"`);
    expect(Buffer.compare(res.rawPayload, prepared[0]!.bytes)).toBe(0);
    const meta = await sharp(res.rawPayload).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 800, 600]);

    const thumb = await get(`/api/photos/${photo.inStreet1}/thumb`, s.supervisor);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.headers['x-content-type-options']).toBe('nosniff');
    expect(thumb.headers.etag).not.toBe(res.headers.etag);
    const tm = await sharp(thumb.rawPayload).metadata();
    expect([tm.format, tm.width, tm.height]).toEqual(['jpeg', 320, 240]);
  });

  it('answers 304 to a revalidation with the same ETag', async () => {
    const first = await get(`/api/photos/${photo.inStreet1}`);
    const again = await get(`/api/photos/${photo.inStreet1}`, undefined, {
      'if-none-match': String(first.headers.etag),
    });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('answers 404 out of scope, audited, and the same 404 for a photo that does not exist', async () => {
    const out = await get(`/api/photos/${photo.inStreet2}`, s.supervisor);
    expect(out.statusCode).toBe(404);
    expect(out.json()).toMatchObject({ error: 'NotFound' });
    expect((await get(`/api/photos/${photo.inStreet2}/thumb`, s.member)).statusCode).toBe(404);
    const none = await get('/api/photos/999999', s.supervisor);
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual(out.json());
    const { rows } = await t.db.query<{ target: string; status: number; detail: { reason: string } }>(
      `SELECT target, status, detail FROM audit_log WHERE username = 'ph-super' AND outcome = 'denied' ORDER BY id`,
    );
    expect(rows.map((r) => r.target)).toEqual([`/api/photos/${photo.inStreet2}`]);
    expect(rows[0]).toMatchObject({ status: 404, detail: { reason: 'out of scope' } });
  });

  it('hides undercover photos from unit staff until the problem is assigned', async () => {
    expect((await get(`/api/photos/${photo.covert}`, s.unit)).statusCode).toBe(404);
    expect((await get(`/api/photos/${photo.covert}/thumb`, s.unit)).statusCode).toBe(404);
    expect((await get(`/api/photos/${photo.covertAssigned}`, s.unit)).statusCode).toBe(200);
    // the supervisor (who files them) sees it before assignment
    expect((await get(`/api/photos/${photo.covert}`, s.supervisor)).statusCode).toBe(200);
    // and a problem in another community is not the unit's at all
    expect((await get(`/api/photos/${photo.inStreet1}`, s.unit)).statusCode).toBe(404);
  });

  it('shows a problem outside every area to city-wide roles only', async () => {
    expect((await get(`/api/photos/${photo.outside}`, s.commander)).statusCode).toBe(200);
    expect((await get(`/api/photos/${photo.outside}`)).statusCode).toBe(200);
    expect((await get(`/api/photos/${photo.outside}`, s.supervisor)).statusCode).toBe(404);
  });

  it('asks for a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/photos/${photo.inStreet1}` });
    expect(res.statusCode).toBe(401);
    expect((await get('/api/photos/0')).statusCode).toBe(400);
  });
});
