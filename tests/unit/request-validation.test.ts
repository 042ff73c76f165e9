import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { REQUEST_AJV } from '../../api/schemas/hardening';
import { errorHandler, frameworkErrors } from '../../api/plugins/errors';
import { ProblemActionBody, ProblemListQuery, ProblemReport } from '../../api/schemas/problems';
import { UnitCreate } from '../../api/schemas/contracting';
import { RankingQuery } from '../../api/schemas/figures';

// The app's request validation (Ajv options, hardening, messages) on routes that echo what
// passed: issue 10, findings 6 (hostile values reached PostgreSQL: 500s) and 12 (raw Ajv English).
let app: FastifyInstance;
beforeAll(async () => {
  app = Fastify({ ajv: REQUEST_AJV, frameworkErrors, bodyLimit: 32 * 1024 * 1024 });
  app.setErrorHandler(errorHandler);
  const echo = async (req: { body?: unknown; query?: unknown; params?: unknown }) => ({
    body: req.body,
    query: req.query,
    params: req.params,
  });
  app.post('/report', { schema: { body: ProblemReport } }, echo);
  app.post('/act', { schema: { body: ProblemActionBody } }, echo);
  app.post('/unit', { schema: { body: UnitCreate } }, echo);
  app.get('/list', { schema: { querystring: ProblemListQuery } }, echo);
  app.get('/ranking', { schema: { querystring: RankingQuery } }, echo);
  // as the routes write their own params and queries (api/routes/*.ts): no bounds of ours
  app.get('/item/:id', { schema: { params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) } }, echo);
  app.get(
    '/nearby',
    {
      schema: {
        querystring: Type.Object({
          lon: Type.Number({ minimum: -180, maximum: 180 }),
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          radiusM: Type.Number({ minimum: 1, maximum: 2000, default: 100 }),
        }),
      },
    },
    echo,
  );
  app.get(
    '/search',
    { schema: { querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 50 }) }) } },
    echo,
  );
  app.get('/db/:code', async (req) => {
    // what the database throws when something slips past validation
    const code = (req.params as { code: string }).code;
    throw Object.assign(new Error(`pg says something about "units_name_unique" (${code})`), {
      code,
      constraint: code === '23505' ? 'units_name_unique' : undefined,
    });
  });
  await app.ready();
});
afterAll(() => app.close());

const REPORT = { lon: 118.5, lat: 28.9, categoryId: 3, source: 'inspection', description: '垃圾' };
const post = (url: string, payload: unknown, lang = 'zh-CN') =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: { 'accept-language': lang } });
const get = (url: string, lang = 'zh-CN') => app.inject({ url, headers: { 'accept-language': lang } });
const refused = (res: { statusCode: number; json: () => unknown }) => {
  expect(res.statusCode).toBe(400);
  return res.json() as { error: string; message: string; details: { field: string; reason: string }[] };
};
const RAW_AJV = /must |NOT |should |equal to constant|anyOf|Body is not valid/;

describe('hostile values are refused at validation, naming the field (finding 6)', () => {
  it('refuses Infinity, 1e400 and -Infinity in query numbers, which Ajv coerces past minimum/maximum', async () => {
    for (const url of [
      '/list?limit=-Infinity',
      '/list?limit=1e400',
      '/nearby?lon=Infinity&lat=28',
      '/nearby?lon=118&lat=28&radiusM=Infinity',
      '/list?offset=NaN',
    ]) {
      const b = refused(await get(url));
      expect(b.message, url).toMatch(/有限的数字|必须是整数|必须是数字/);
      expect(b.message, url).not.toMatch(RAW_AJV);
    }
    expect(refused(await get('/list?limit=-Infinity')).details[0]!.field).toBe('limit');
  });
  it('bounds integers without bounds of their own to int4', async () => {
    const b = refused(await get('/item/99999999999999999999999'));
    expect(b.details).toEqual([{ field: 'id', reason: '必须在 1 到 2147483647 之间' }]);
    expect(refused(await get('/item/2147483648')).details[0]!.field).toBe('id');
    expect((await get('/item/2147483647')).statusCode).toBe(200);
    expect(refused(await post('/act', { version: 2 ** 63 })).details[0]!.field).toBe('version');
  });
  it('refuses NUL, zero-width and bidi controls in any text, and line breaks in names', async () => {
    const q = refused(await get('/search?q=%00'));
    expect(q.details[0]!.field).toBe('q');
    expect(q.message).toContain('U+0000');
    for (const name of [
      '县教育局\u200b',
      '\u202e局育教县',
      '县教\u0000育局',
      '县教育局\uFEFF',
      '县教育局\n',
      '\u2066x',
    ]) {
      const b = refused(await post('/unit', { code: 'u1', name, type: 'county' }));
      expect(b.details[0]!.field, JSON.stringify(name)).toBe('name');
      expect(b.message).toMatch(/U\+[0-9A-F]{4}/);
    }
    expect(refused(await post('/report', { ...REPORT, description: 'x\u0000y' })).details[0]!.field).toBe(
      'description',
    );
    // prose keeps its line breaks
    expect((await post('/report', { ...REPORT, description: '第一行\n第二行' })).statusCode).toBe(200);
  });
  it('keeps instants and days within the years 1900–2200', async () => {
    for (const deadline of ['0000-01-01T00:00:00Z', '9999-12-31T00:00:00+08:00', '1899-12-31T23:59:59Z']) {
      const b = refused(await post('/act', { version: 1, deadline }));
      expect(b.details).toEqual([{ field: 'deadline', reason: '年份必须在 1900 到 2200 之间' }]);
    }
    expect((await post('/act', { version: 1, deadline: '2026-12-31T00:00:00+08:00' })).statusCode).toBe(200);
    expect(refused(await get('/ranking?kind=unit&week=0000-01-01')).details[0]!.field).toBe('week');
    expect(refused(await get('/ranking?kind=unit&week=2026-02-30')).details[0]!.field).toBe('week');
  });
  it('maps what the database still refuses to a 400/409 in words, never its own text', async () => {
    for (const code of ['22021', '22008', '22003', '22P02', '22007', '22025']) {
      const b = refused(await get(`/db/${code}`));
      expect(b.message).toMatch(/^请求参数无效：/);
      expect(b.message).not.toContain('pg says');
    }
    const dup = await get('/db/23505');
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toEqual({ error: 'Conflict', message: '单位名称已存在' });
    expect((await get('/db/23505', 'en')).json().message).toBe('a unit with this name already exists');
  });
});

describe('refusals in the user language, naming the field and what is allowed (finding 12)', () => {
  it('says how many photos and how many MB are allowed', async () => {
    const photo = { name: 'a.jpg', dataBase64: 'AAAA' };
    const many = refused(await post('/report', { ...REPORT, photos: Array(7).fill(photo) }));
    expect(many.message).toBe('请求参数无效：photos 最多 6 项');
    const big = refused(
      await post('/report', { ...REPORT, photos: [{ name: 'a.jpg', dataBase64: 'A'.repeat(11_200_004) }] }),
    );
    expect(big.message).toBe('请求参数无效：photos[0].dataBase64 文件不能超过 8 MB');
    const en = refused(await post('/report', { ...REPORT, photos: Array(7).fill(photo) }, 'en'));
    expect(en.message).toBe('invalid request: photos must have at most 6 items');
  });
  it('lists the allowed values of a union of constants once', async () => {
    const b = refused(await post('/report', { ...REPORT, source: 'tv' }));
    expect(b.message).toBe(
      '请求参数无效：source 必须是以下之一：inspection、undercover、patrol、citizen、camera、higher_level',
    );
    expect(b.details).toHaveLength(1);
    expect(refused(await get('/list?state=open')).details).toEqual([
      { field: 'state[0]', reason: expect.stringContaining('reported、invalid') },
    ]);
  });
  it('names missing fields, ranges and formats without Ajv English', async () => {
    const b = refused(await post('/report', { lon: 500, lat: 28, categoryId: 0, description: '', source: 'camera' }));
    expect(b.details.map((d) => d.field).sort()).toEqual(['categoryId', 'description', 'lon']);
    expect(b.message).toContain('lon 必须在 -180 到 180 之间');
    expect(b.message).not.toMatch(RAW_AJV);
    const missing = refused(await post('/report', { lon: 118, lat: 28 }));
    expect(missing.message).toContain('categoryId 为必填项');
    const fmt = refused(await post('/act', { version: 1, deadline: 'tomorrow' }));
    expect(fmt.message).toContain('deadline 必须是带时区的日期时间');
    const obj = refused(await post('/act', { version: 1, reason: {} }));
    expect(obj.message).toBe('请求参数无效：reason 必须是文本');
  });
  it('answers broken bodies in the user language', async () => {
    const json = { 'content-type': 'application/json' };
    const bad = await app.inject({ method: 'POST', url: '/report', payload: '{"lon": 1,', headers: json });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: 'InvalidJson', message: '请求体不是有效的 JSON' });
    const empty = await app.inject({ method: 'POST', url: '/report', payload: '', headers: json });
    expect(empty.json()).toMatchObject({ error: 'EmptyBody', message: expect.stringContaining('请求体为空') });
    const xml = await app.inject({
      method: 'POST',
      url: '/report',
      payload: '<a/>',
      headers: { 'content-type': 'application/xml', 'accept-language': 'en' },
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().message).toBe(
      'unsupported body type application/xml: send JSON (Content-Type: application/json)',
    );
    const url = await get('/item/%E0%A4%A');
    expect(url.statusCode).toBe(400);
    expect(url.json().message).toBe('地址中含有无效的百分号编码');
  });
});
