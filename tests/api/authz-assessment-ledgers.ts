import type { FastifyInstance, InjectOptions } from 'fastify';
import { expect } from 'vitest';
import type { Db } from '../../api/db/types';
import type { AreaDetail } from '../../api/schemas/areas';
import type { LedgerDetail } from '../../api/schemas/assessment-ledgers';
import type { Session } from './accounts';
import { problemApi } from './problem-fixture';

/**
 * The authorization-matrix cases of issue 16's second slice (ledgers, satisfaction and visits,
 * the weekly index and its bulletin), with their data: a ledger item (with a submitted file) in
 * each grid a role may see, held by unit M-LI, and one in the grid nobody scoped may see, held by
 * unit M-LO; a survey and a household visit in each of those grids' communities; a published
 * week. The matrix's unit-staff user gets unit M-LI when its case runs (users are made after the
 * seeds). Write cases are refused after the role got through (a stale version, a bad file, more
 * satisfied than asked, a week not begun): nothing a later case depends on is written.
 */
interface Ctx {
  role: string | null;
  inGrid: AreaDetail;
  outGrid: AreaDetail;
}
type Req = InjectOptions & { url: string };
interface Case {
  in: (c: Ctx) => Req | Promise<Req>;
  out?: (c: Ctx) => Req;
  leaks?: (body: Buffer, status: number) => boolean;
}

const items = new Map<string, { id: number; fileId: number; communityId: number }>();
let outItem = { id: 0, fileId: 0, communityId: 0 };
let db: Db | null = null;
let unitIn = 0,
  unitOut = 0;
const PUBLISHED = '2026-01-05';
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64');
const OUT_NAMES = ['紫港社区', '东门社区'];

export async function seedAssessmentLedgers(
  app: FastifyInstance,
  admin: Session,
  d: Db,
  inGrids: string[],
  outGrid: string,
) {
  db = d;
  items.clear();
  const api = problemApi(app, admin);
  const unit = async (code: string) =>
    (
      await d.query<{ id: number }>(`INSERT INTO units (code, name, type) VALUES ($1, $1, 'county') RETURNING id`, [
        code,
      ])
    ).rows[0]!.id;
  unitIn = await unit('M-LI');
  unitOut = await unit('M-LO');
  for (const code of [...inGrids, outGrid]) {
    const area = await api.get<AreaDetail>(`/api/areas/by-code/${code}`);
    // support, not lead: the contracting seed holds the grids' lead units
    await d.query(
      `INSERT INTO assignments (area_id, area_level, role, unit_id, valid_from) VALUES ($1, 'grid', 'support', $2, '2026-01-01')`,
      [area.id, code === outGrid ? unitOut : unitIn],
    );
    const created = await api.send('POST', '/api/ledgers', {
      code: `M-L-${code}`,
      name: `矩阵台账 ${code}`,
      unitId: code === outGrid ? unitOut : unitIn,
      areaId: area.id,
      dueOn: '2026-12-31',
    });
    expect(created.statusCode, created.body).toBe(201);
    const item = created.json() as LedgerDetail;
    const sent = await api.send('POST', `/api/ledgers/${item.id}/submissions`, {
      version: item.version,
      files: [{ name: 'm.pdf', dataBase64: PDF }],
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const rec = {
      id: item.id,
      fileId: (sent.json() as LedgerDetail).history[0]!.files[0]!.id,
      communityId: area.parentId!,
    };
    items.set(code, rec);
    const s = await api.send('POST', '/api/satisfaction/surveys', {
      communityId: area.parentId,
      surveyedOn: '2026-01-06',
      respondents: 10,
      satisfied: 9,
    });
    expect(s.statusCode, s.body).toBe(201);
    const v = await api.send('POST', '/api/household-visits', {
      communityId: area.parentId,
      visitedOn: '2026-01-06',
      households: 5,
    });
    expect(v.statusCode, v.body).toBe(201);
  }
  outItem = items.get(outGrid)!;
  const pub = await api.send('POST', `/api/assessment-index/weeks/${PUBLISHED}/publish`);
  expect(pub.statusCode, pub.body).toBe(201);
}

/** The matrix's unit-staff user declares for unit M-LI (set when its first ledger case runs). */
async function asUnit(c: Ctx) {
  if (c.role === 'unit_staff')
    await db!.query(`UPDATE users SET unit_id = $1 WHERE username = 'm-unitstaff'`, [unitIn]);
}
const of = (g: AreaDetail) => items.get(g.code)!;
const get = (url: string) => (): Req => ({ method: 'GET', url });
const parse = (b: Buffer) => JSON.parse(b.toString()) as unknown;
const outsideCode = (code: unknown) => typeof code === 'string' && code.startsWith('330822002');

export const ASSESSMENT_LEDGER_CASES: Record<string, Case> = {
  'GET /api/ledgers': {
    in: async (c) => (await asUnit(c), { method: 'GET', url: '/api/ledgers' }),
    out: get('/api/ledgers?limit=1000'),
    leaks: (b) => (parse(b) as { areaCode: string }[]).some((i) => outsideCode(i.areaCode)),
  },
  'GET /api/ledgers/rates': {
    in: async (c) => (await asUnit(c), { method: 'GET', url: '/api/ledgers/rates' }),
    out: get('/api/ledgers/rates'),
    leaks: (b) => (parse(b) as { units: { unitId: number }[] }).units.some((u) => u.unitId === unitOut),
  },
  'GET /api/ledgers/:id': {
    in: async (c) => (await asUnit(c), { method: 'GET', url: `/api/ledgers/${of(c.inGrid).id}` }),
    out: () => ({ method: 'GET', url: `/api/ledgers/${outItem.id}` }),
  },
  // the code exists: 409
  'POST /api/ledgers': {
    in: (c) => ({
      method: 'POST',
      url: '/api/ledgers',
      payload: { code: `M-L-${c.inGrid.code}`, name: 'x', unitId: unitIn, areaId: c.inGrid.id, dueOn: '2026-12-31' },
    }),
  },
  // not a document: 415 once the item was found in the caller's scope
  'POST /api/ledgers/:id/submissions': {
    in: async (c) => (
      await asUnit(c),
      {
        method: 'POST',
        url: `/api/ledgers/${of(c.inGrid).id}/submissions`,
        payload: { version: 1, files: [{ name: 'x.pdf', dataBase64: Buffer.from('not a pdf').toString('base64') }] },
      }
    ),
  },
  // a stale version: 409
  'POST /api/ledgers/:id/review': {
    in: (c) => ({
      method: 'POST',
      url: `/api/ledgers/${of(c.inGrid).id}/review`,
      payload: { version: 999, decision: 'passed' },
    }),
  },
  'GET /api/ledger-files/:id': {
    in: async (c) => (await asUnit(c), { method: 'GET', url: `/api/ledger-files/${of(c.inGrid).fileId}` }),
    out: () => ({ method: 'GET', url: `/api/ledger-files/${outItem.fileId}` }),
  },
  'GET /api/satisfaction': {
    in: get('/api/satisfaction?week=2026-01-05'),
    out: get('/api/satisfaction?week=2026-01-05'),
    leaks: (b) => (parse(b) as { rows: { code: string }[] }).rows.some((r) => outsideCode(r.code)),
  },
  'GET /api/satisfaction/surveys': {
    in: get('/api/satisfaction/surveys'),
    out: get('/api/satisfaction/surveys?limit=500'),
    leaks: (b) => (parse(b) as { areaCode: string }[]).some((r) => outsideCode(r.areaCode)),
  },
  // more satisfied than asked: 400
  'POST /api/satisfaction/surveys': {
    in: (c) => ({
      method: 'POST',
      url: '/api/satisfaction/surveys',
      payload: { communityId: c.inGrid.parentId, surveyedOn: '2026-01-06', respondents: 5, satisfied: 6 },
    }),
  },
  'GET /api/household-visits': {
    in: get('/api/household-visits'),
    out: get('/api/household-visits?limit=500'),
    leaks: (b) => (parse(b) as { areaCode: string }[]).some((r) => outsideCode(r.areaCode)),
  },
  // no households: 400 by the schema
  'POST /api/household-visits': {
    in: (c) => ({
      method: 'POST',
      url: '/api/household-visits',
      payload: { communityId: c.inGrid.parentId, visitedOn: '2026-01-06', households: 0 },
    }),
  },
  'GET /api/unit-visits': {
    in: async (c) => (await asUnit(c), { method: 'GET', url: '/api/unit-visits' }),
    out: get('/api/unit-visits'),
    leaks: (b) => (parse(b) as { rows: { gridCode: string }[] }).rows.some((r) => outsideCode(r.gridCode)),
  },
  'GET /api/assessment-index': {
    in: get(`/api/assessment-index?week=${PUBLISHED}`),
    out: get(`/api/assessment-index?week=${PUBLISHED}&level=community`),
    leaks: (b) => (parse(b) as { rows: { code: string }[] }).rows.some((r) => outsideCode(r.code)),
  },
  'GET /api/assessment-index/weeks': { in: get('/api/assessment-index/weeks') },
  // a week not begun: 400
  'POST /api/assessment-index/weeks/:week/publish': {
    in: () => ({ method: 'POST', url: '/api/assessment-index/weeks/2099-01-05/publish' }),
  },
  'GET /api/assessment-index/weeks/:week/bulletin.docx': {
    in: get(`/api/assessment-index/weeks/${PUBLISHED}/bulletin.docx`),
  },
  'GET /api/assessment-index/weeks/:week/bulletin.xlsx': {
    in: get(`/api/assessment-index/weeks/${PUBLISHED}/bulletin.xlsx`),
  },
  // the same figures as the .docx and .xlsx (one Bulletin): the page shows the caller's rows only
  'GET /api/assessment-index/weeks/:week/bulletin.html': {
    in: get(`/api/assessment-index/weeks/${PUBLISHED}/bulletin.html`),
    out: get(`/api/assessment-index/weeks/${PUBLISHED}/bulletin.html`),
    leaks: (b) => OUT_NAMES.some((n) => b.toString().includes(n)),
  },
};
