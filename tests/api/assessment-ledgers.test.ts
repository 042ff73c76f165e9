import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { Document, Packer, Paragraph } from 'docx';
import type { Db } from '../../api/db/types';
import { controllableClock } from '../../api/domain/clock';
import type { AreaDetail } from '../../api/schemas/areas';
import type { PointDetail, RoundDetail, Scheme } from '../../api/schemas/assessment';
import type { IndexWeek, LedgerDetail, LedgerItem } from '../../api/schemas/assessment-ledgers';
import { sweepOverdue } from '../../api/services/problem-sweep';
import { appOn, backends } from './harness';
import { adminSession, createUser, login } from './accounts';
import { loadMiniCity } from './load-mini-city';
import { jpegPhoto, problemApi, userWithUnit, type ProblemApi } from './problem-fixture';

// Ledgers, satisfaction and visits, the weekly index and its bulletin (docs/ASSESSMENT.md).
const G111 = '330822001001001',
  G112 = '330822001001002',
  C11 = '330822001001',
  C21 = '330822002001';
const NOW = new Date('2026-07-10T10:00:00+08:00'); // Friday; week 2026-07-06 … 07-12
const b64 = (b: Buffer | Uint8Array) => Buffer.from(b).toString('base64');
const PDF = b64(Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'));

describe.each(backends())('assessment ledgers, satisfaction and index on $name', (backend) => {
  let db: Db;
  let app: FastifyInstance;
  let admin: ProblemApi,
    sup: ProblemApi,
    staff1: ProblemApi,
    staff1En: ProblemApi,
    staff2: ProblemApi,
    leader: ProblemApi;
  let unit1 = 0,
    unit2 = 0,
    staff1Id = 0;
  const area: Record<string, AreaDetail> = {};
  const counts = async () =>
    (
      await db.query<
        Record<string, number>
      >(`SELECT (SELECT count(*)::int FROM ledger_items) AS items, (SELECT count(*)::int FROM ledger_submissions) AS subs,
      (SELECT count(*)::int FROM ledger_files) AS files, (SELECT count(*)::int FROM satisfaction_surveys) AS surveys,
      (SELECT count(*)::int FROM household_visits) AS visits, (SELECT count(*)::int FROM index_weeks) AS weeks, (SELECT count(*)::int FROM index_rows) AS rows`)
    ).rows[0];
  const refused = async (api: ProblemApi, url: string, body: object, status: number, field: string) => {
    const before = await counts();
    const res = await api.send('POST', url, body);
    expect(res.statusCode, res.body).toBe(status);
    const b = res.json() as { message: string; details?: { field?: string }[] };
    expect(b.details?.map((d) => d.field)).toContain(field);
    expect(b.message).toContain(field);
    expect(await counts()).toEqual(before);
  };
  const ledger = (code: string, unitId: number, areaCode: string, dueOn: string) =>
    admin.send('POST', '/api/ledgers', { code, name: `台账 ${code}`, unitId, areaId: area[areaCode]!.id, dueOn });

  beforeAll(async () => {
    db = await backend.open();
    app = await appOn(db, { clock: controllableClock(NOW) });
    const a = await adminSession(app, db);
    await loadMiniCity(app, a);
    admin = problemApi(app, a);
    const unit = async (code: string, name: string) =>
      (
        await db.query<{ id: number }>(`INSERT INTO units (code, name, type) VALUES ($1, $2, 'county') RETURNING id`, [
          code,
          name,
        ])
      ).rows[0]!.id;
    unit1 = await unit('L1', '县住建局');
    unit2 = await unit('L2', '县教育局');
    for (const c of [G111, G112, C11, C21, '330822001'])
      area[c] = await admin.get<AreaDetail>(`/api/areas/by-code/${c}`);
    await db.query(
      `INSERT INTO assignments (area_id, area_level, role, unit_id, valid_from) VALUES ($1, 'grid', 'lead', $3, '2026-01-01'), ($2, 'grid', 'lead', $3, '2026-01-01')`,
      [area[G111]!.id, area[G112]!.id, unit1],
    );
    await createUser(db, 'lg-sup', 'supervisor', ['330822001']);
    await createUser(db, 'lg-leader', 'grid_leader', [G111]);
    sup = problemApi(app, await login(app, 'lg-sup'));
    leader = problemApi(app, await login(app, 'lg-leader'));
    const s1 = await userWithUnit(app, db, 'lg-staff1', 'unit_staff', unit1);
    staff1Id = s1.id;
    staff1 = problemApi(app, s1.session);
    staff1En = problemApi(app, { ...s1.session, headers: { ...s1.session.headers, 'accept-language': 'en' } });
    staff2 = problemApi(app, (await userWithUnit(app, db, 'lg-staff2', 'unit_staff', unit2)).session);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('walks a ledger item: submit, return with a reason, resubmit, pass; the history is kept', async () => {
    const created = await ledger('TZ-001', unit1, C11, '2026-07-20');
    expect(created.statusCode, created.body).toBe(201);
    const item = created.json() as LedgerDetail;
    expect(item).toMatchObject({ state: 'pending', unitName: '县住建局', overdue: false, history: [] });
    // the unit sees its own items, another unit does not
    expect((await staff1.get<LedgerItem[]>('/api/ledgers')).map((i) => i.code)).toContain('TZ-001');
    expect((await staff2.get<LedgerItem[]>('/api/ledgers')).map((i) => i.code)).not.toContain('TZ-001');
    expect((await staff2.send('GET', `/api/ledgers/${item.id}`)).statusCode).toBe(404);

    const sent = await staff1.send('POST', `/api/ledgers/${item.id}/submissions`, {
      version: item.version,
      note: '第一版',
      files: [{ name: '制度.pdf', dataBase64: PDF }],
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const s1 = sent.json() as LedgerDetail;
    expect(s1).toMatchObject({ state: 'submitted', submissions: 1 });
    expect(s1.history[0]!.files[0]).toMatchObject({ name: '制度.pdf', kind: 'pdf' });
    // the file comes back as it was sent, to those who may see the item
    const file = await staff1.send('GET', `/api/ledger-files/${s1.history[0]!.files[0]!.id}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toContain('application/pdf');
    expect(file.rawPayload.toString('latin1').startsWith('%PDF-')).toBe(true);
    expect((await staff2.send('GET', `/api/ledger-files/${s1.history[0]!.files[0]!.id}`)).statusCode).toBe(404);

    await refused(sup, `/api/ledgers/${item.id}/review`, { version: s1.version, decision: 'returned' }, 400, 'reason');
    await refused(sup, `/api/ledgers/${item.id}/review`, { version: 1, decision: 'passed' }, 409, 'version');
    const back = await sup.send('POST', `/api/ledgers/${item.id}/review`, {
      version: s1.version,
      decision: 'returned',
      reason: '缺少会议记录',
    });
    expect(back.statusCode, back.body).toBe(200);
    const r1 = back.json() as LedgerDetail;
    expect(r1.state).toBe('returned');
    // a review of nothing waiting is refused
    await refused(sup, `/api/ledgers/${item.id}/review`, { version: r1.version, decision: 'passed' }, 409, 'state');

    const docx = await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('会议记录')] }] }));
    const again = await staff1.send('POST', `/api/ledgers/${item.id}/submissions`, {
      version: r1.version,
      files: [
        { name: '会议记录.docx', dataBase64: b64(docx) },
        { name: '照片.jpg', dataBase64: (await jpegPhoto()).dataBase64 },
      ],
    });
    expect(again.statusCode, again.body).toBe(201);
    const s2 = again.json() as LedgerDetail;
    expect(s2.history[0]!.files.map((f) => f.kind)).toEqual(['docx', 'jpg']);
    const pass = await sup.send('POST', `/api/ledgers/${item.id}/review`, { version: s2.version, decision: 'passed' });
    expect(pass.statusCode, pass.body).toBe(200);
    const done = pass.json() as LedgerDetail;
    expect(done).toMatchObject({ state: 'passed', submissions: 2 });
    expect(done.history.map((h) => [h.seq, h.decision, h.reason])).toEqual([
      [2, 'passed', null],
      [1, 'returned', '缺少会议记录'],
    ]);
    await refused(
      staff1,
      `/api/ledgers/${item.id}/submissions`,
      { version: done.version, files: [{ name: 'a.pdf', dataBase64: PDF }] },
      409,
      'state',
    );
  });

  it('refuses a file that is not a document or is too large, a duplicate code and an unknown unit, writing nothing', async () => {
    const item = (await ledger('TZ-002', unit1, G111, '2026-07-30')).json() as LedgerDetail;
    const body = (name: string, data: string) => ({ version: item.version, files: [{ name, dataBase64: data }] });
    await refused(
      staff1,
      `/api/ledgers/${item.id}/submissions`,
      body('a.pdf', b64(Buffer.from('MZ\x90\x00 not a pdf'))),
      415,
      'files[0]',
    );
    const zip = new JSZip();
    zip.file('hello.txt', 'hi');
    const notOffice = await zip.generateAsync({ type: 'nodebuffer' });
    await refused(staff1, `/api/ledgers/${item.id}/submissions`, body('a.docx', b64(notOffice)), 415, 'files[0]');
    const big = Buffer.alloc(10 * 1024 * 1024 + 10);
    big.write('%PDF-1.4');
    await refused(staff1, `/api/ledgers/${item.id}/submissions`, body('big.pdf', b64(big)), 413, 'files[0]');
    // in the user's language: the second file named, and why
    const en = await staff1En.send('POST', `/api/ledgers/${item.id}/submissions`, {
      version: item.version,
      files: [
        { name: 'ok.pdf', dataBase64: PDF },
        { name: 'setup.pdf', dataBase64: b64(Buffer.from('MZ\x90\x00 an exe')) },
      ],
    });
    expect(en.statusCode).toBe(415);
    expect((en.json() as { message: string }).message).toMatch(/^files\[1\]: "setup\.pdf" is not a document/);
    expect(((await staff1.send('GET', `/api/ledgers/${item.id}`)).json() as LedgerDetail).history).toEqual([]);
    await refused(
      admin,
      '/api/ledgers',
      { code: 'TZ-002', name: 'x', unitId: unit1, areaId: area[C11]!.id, dueOn: '2026-07-01' },
      409,
      'code',
    );
    await refused(
      admin,
      '/api/ledgers',
      { code: 'TZ-X', name: 'x', unitId: 999999, areaId: area[C11]!.id, dueOn: '2026-07-01' },
      400,
      'unitId',
    );
  });

  it('raises a 督办 for an item not passed by its due day and counts pass rates per unit', async () => {
    const late = (await ledger('TZ-003', unit2, C21, '2026-07-08')).json() as LedgerDetail;
    expect(late.overdue).toBe(true);
    await sweepOverdue(db, NOW);
    await sweepOverdue(db, NOW); // once per item
    const seen = await admin.get<LedgerDetail>(`/api/ledgers/${late.id}`);
    expect(seen.noticeNumber).toMatch(/^督办〔2026〕第\d{4}号$/);
    expect(
      (await db.query('SELECT count(*)::int AS n FROM ledger_notices WHERE item_id = $1', [late.id])).rows[0],
    ).toEqual({ n: 1 });
    const rates = await admin.get<{
      overall: { due: number; passed: number; passRate: number | null };
      units: { unitId: number; due: number; passRate: number | null }[];
    }>('/api/ledgers/rates?day=2026-07-31');
    // unit1: TZ-001 passed, TZ-002 not → 50 %; unit2: TZ-003 not → 0 %
    expect(rates.units.find((u) => u.unitId === unit1)).toMatchObject({ due: 2, passRate: 50 });
    expect(rates.units.find((u) => u.unitId === unit2)).toMatchObject({ due: 1, passRate: 0 });
    expect(rates.overall).toMatchObject({ due: 3, passed: 1, passRate: 33.33 });
    // a supervisor of street 001 does not see the item of street 002
    expect((await sup.send('GET', `/api/ledgers/${late.id}`)).statusCode).toBe(404);
    expect(
      (await staff1.get<{ units: { unitId: number }[] }>('/api/ledgers/rates')).units.map((u) => u.unitId),
    ).toEqual([unit1]);
  });

  it('records surveys and household visits per community against the 90 % target, and weekly unit visits', async () => {
    const body = { communityId: area[C11]!.id, surveyedOn: '2026-07-07', respondents: 40, satisfied: 41 };
    await refused(sup, '/api/satisfaction/surveys', body, 400, 'satisfied');
    await refused(
      sup,
      '/api/satisfaction/surveys',
      { ...body, communityId: area[C21]!.id, satisfied: 30 },
      403,
      'communityId',
    );
    await refused(
      sup,
      '/api/satisfaction/surveys',
      { ...body, communityId: area[G111]!.id, satisfied: 30 },
      400,
      'communityId',
    );
    const ok = await sup.send('POST', '/api/satisfaction/surveys', { ...body, satisfied: 34 });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ respondents: 40, satisfied: 34, rate: 85 });
    const v = await sup.send('POST', '/api/household-visits', {
      communityId: area[C11]!.id,
      visitedOn: '2026-07-08',
      households: 25,
    });
    expect(v.statusCode, v.body).toBe(201);
    const sum = await sup.get<{
      target: number;
      rows: { code: string; rate: number | null; meetsTarget: boolean | null; households: number }[];
    }>('/api/satisfaction');
    expect(sum.target).toBe(90);
    expect(sum.rows.find((r) => r.code === C11)).toMatchObject({ rate: 85, meetsTarget: false, households: 25 });
    expect(sum.rows.map((r) => r.code).every((c) => c.startsWith('330822001'))).toBe(true);

    await db.query(
      `INSERT INTO patrol_visits (user_id, grid_id, started_at, ended_at) VALUES ($1, $2, '2026-07-07T09:00:00+08', '2026-07-07T10:00:00+08'),
       ($1, $3, '2026-07-01T09:00:00+08', '2026-07-01T10:00:00+08')`,
      [staff1Id, area[G111]!.id, area[G112]!.id],
    );
    const visits = await staff1.get<{ rows: { gridCode: string; visits: number; visitedThisWeek: boolean }[] }>(
      '/api/unit-visits',
    );
    expect(visits.rows.map((r) => [r.gridCode, r.visitedThisWeek])).toEqual([
      [G111, true],
      [G112, false], // visited last week only
    ]);
    expect((await staff2.get<{ rows: unknown[] }>('/api/unit-visits')).rows).toEqual([]);
  });

  it('imports points from a workbook, naming the sheet, row and column of each problem, all or nothing', async () => {
    const [x, y] = area[G112]!.labelPoint;
    const book = async (rows: (string | number)[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('点位');
      ws.addRow(['编码', '名称', '类型', '地址', '经度', '纬度']);
      for (const r of rows) ws.addRow(r);
      return { files: [{ name: 'points.xlsx', content: Buffer.from(await wb.xlsx.writeBuffer()).toString('base64') }] };
    };
    const before = (await db.query('SELECT count(*)::int AS n FROM inspection_points')).rows[0];
    const bad = await admin.send(
      'POST',
      '/api/points/import',
      await book([
        ['IMP-1', '定阳公厕', '公厕', '', x, y],
        ['IMP-2', '某菜场', '菜场', '', x, y],
        ['IMP-1', '重复', 'market', '', x + 0.001, y],
        ['IMP-3', '远处', 'market', '', 'east', y],
      ]),
    );
    expect(bad.statusCode, bad.body).toBe(422);
    const details = (bad.json() as { details: { sheet?: string; row?: number; field?: string }[] }).details;
    expect(details.map((d) => [d.sheet, d.row, d.field])).toEqual([
      ['点位', 5, '经度'],
      ['点位', 3, '类型'],
      ['点位', 4, '编码'],
    ]);
    expect((await db.query('SELECT count(*)::int AS n FROM inspection_points')).rows[0]).toEqual(before);
    const ok = await admin.send(
      'POST',
      '/api/points/import',
      await book([
        ['IMP-1', '定阳公厕', '公厕', '', x, y],
        ['IMP-2', '定阳菜场', 'market', '', x + 0.0005, y],
      ]),
    );
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ created: 2 });
    const p = await admin.get<PointDetail>(`/api/points/${(ok.json() as { ids: number[] }).ids[0]}`);
    expect(p).toMatchObject({ code: 'IMP-1', typeCode: 'public_toilet', areaCode: G112 });
  });

  it('computes the weekly index from its figures, publishes it frozen once, and writes the bulletin', async () => {
    // one point in G111 scored 80 on Monday
    const pt = await admin.send('POST', '/api/points', {
      code: 'IDX-1',
      name: '文峰农贸市场',
      typeCode: 'market',
      geometry: { type: 'Point', coordinates: area[G111]!.labelPoint },
    });
    expect(pt.statusCode, pt.body).toBe(201);
    const point = pt.json() as PointDetail;
    const scheme = (await admin.get<Scheme[]>('/api/assessment-schemes')).find((s) => s.code === 'demo-points')!;
    const round = (
      await admin.send('POST', '/api/assessment-rounds', {
        schemeId: scheme.id,
        name: '七月第一轮',
        kind: 'inspection',
        heldOn: '2026-07-06',
        pointIds: [point.id],
      })
    ).json() as RoundDetail;
    const items = scheme.items.filter((i) => i.pointTypes.length === 0 || i.pointTypes.includes('market'));
    // A01 20, A02 10, A03 20, B01 20 = 70; A01 loses 14 → 56 / 70 = 80
    const scored = await admin.send('POST', `/api/assessment-rounds/${round.id}/points/${point.id}/scores`, {
      items: items.map((i) => ({ itemId: i.id, score: i.code === 'A01' ? 6 : i.maxScore, findings: [] })),
    });
    expect(scored.statusCode, scored.body).toBe(201);
    expect(scored.json()).toMatchObject({ score: 80 });

    // two ledger items of C11 due this week: one passed, one not → 50 %
    for (const [code, dueOn] of [
      ['TZ-004', '2026-07-09'],
      ['TZ-005', '2026-07-10'],
    ] as const)
      expect((await ledger(code, unit1, C11, dueOn)).statusCode).toBe(201);
    const t4 = (await staff1.get<LedgerItem[]>('/api/ledgers')).find((i) => i.code === 'TZ-004')!;
    const s4 = (
      await staff1.send('POST', `/api/ledgers/${t4.id}/submissions`, {
        version: t4.version,
        files: [{ name: 'a.pdf', dataBase64: PDF }],
      })
    ).json() as LedgerDetail;
    expect(
      (await sup.send('POST', `/api/ledgers/${t4.id}/review`, { version: s4.version, decision: 'passed' })).statusCode,
    ).toBe(200);

    const wk = await sup.get<IndexWeek>('/api/assessment-index?level=community');
    expect(wk).toMatchObject({ weekStart: '2026-07-06', weekEnd: '2026-07-12', published: false });
    const c11 = wk.rows.find((r) => r.code === C11)!;
    // problems: none due → left out; points 80 (w 40); ledgers 1 of 2 due by 07-12 → 50 (w 15);
    // satisfaction 34 / 40 = 85 (w 15) → (40×80 + 15×50 + 15×85) / 70 = 74.64 → red (< 75)
    expect(c11.components).toEqual({ problems: null, points: 80, ledgers: 50, satisfaction: 85 });
    expect(c11).toMatchObject({ index: 74.64, band: 'red', rank: 1 });
    expect(wk.rows.every((r) => r.code.startsWith('330822001'))).toBe(true); // the supervisor's rows

    const before = await counts();
    const pub = await admin.send('POST', '/api/assessment-index/weeks/2026-07-06/publish');
    expect(pub.statusCode, pub.body).toBe(201);
    expect(pub.json()).toMatchObject({ weekStart: '2026-07-06', issue: 1, number: '〔2026〕第1期' });
    expect((await counts())!.weeks).toBe(before!.weeks! + 1);
    await refused(admin, '/api/assessment-index/weeks/2026-07-09/publish', {}, 409, 'week');
    await refused(admin, '/api/assessment-index/weeks/2026-08-03/publish', {}, 400, 'week');

    // frozen: a new survey changes nothing published
    await sup.send('POST', '/api/satisfaction/surveys', {
      communityId: area[C11]!.id,
      surveyedOn: '2026-07-09',
      respondents: 60,
      satisfied: 60,
    });
    const frozen = await sup.get<IndexWeek>('/api/assessment-index?level=community&week=2026-07-06');
    expect(frozen).toMatchObject({ published: true, number: '〔2026〕第1期' });
    expect(frozen.rows.find((r) => r.code === C11)).toMatchObject({ index: 74.64, components: { satisfaction: 85 } });
    expect(
      (await admin.get<IndexWeek>('/api/assessment-index?level=unit&week=2026-07-06')).rows.find((r) => r.id === unit1)
        ?.components.ledgers,
    ).toBe(50);

    // the bulletin, as .docx (read back), .xlsx and a printable page
    const docx = await sup.send('GET', '/api/assessment-index/weeks/2026-07-06/bulletin.docx');
    expect(docx.statusCode).toBe(200);
    const xml = await (await JSZip.loadAsync(docx.rawPayload)).file('word/document.xml')!.async('string');
    const text = xml.replace(/<[^>]+>/g, ' ');
    expect(text).toContain('创文工作周通报');
    expect(text).toContain('〔2026〕第1期');
    expect(text).toContain('创文指数排名');
    expect(text).toMatch(/1\s+文峰社区\s+—\s+80\.00\s+50\.00\s+85\.00\s+74\.64\s+红色/);
    expect(text).not.toContain('紫港社区'); // out of the supervisor's scope
    const xlsx = await admin.send('GET', '/api/assessment-index/weeks/2026-07-06/bulletin.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('创文指数')!;
    const found = ws.getSheetValues().find((r) => Array.isArray(r) && r[2] === '文峰社区') as unknown[];
    expect(found[1]).toBe(1);
    expect(found[7]).toBe(74.64);
    const html = await admin.send('GET', '/api/assessment-index/weeks/2026-07-06/bulletin.html');
    expect(html.body).toContain('〔2026〕第1期');
    expect((await admin.send('GET', '/api/assessment-index/weeks/2026-06-29/bulletin.docx')).statusCode).toBe(409);
    expect((await leader.send('GET', '/api/assessment-index/weeks/2026-07-06/bulletin.docx')).statusCode).toBe(403);
  });
});

describe.each(backends())('demo assessment history on $name', (backend) => {
  it('seeds points, two rounds with rising scores, ledgers and surveys through the services, once', async () => {
    const db = await backend.open();
    const app = await appOn(db, { clock: controllableClock(NOW) });
    try {
      const a = await adminSession(app, db);
      await loadMiniCity(app, a);
      const unit = (
        await db.query<{ id: number }>(
          `INSERT INTO units (code, name, type) VALUES ('D1', '县城管局', 'county') RETURNING id`,
        )
      ).rows[0]!.id;
      await db.query(
        `INSERT INTO assignments (area_id, area_level, role, unit_id, valid_from)
         SELECT id, 'grid', 'lead', $1, '2026-01-01' FROM areas WHERE level = 'grid'`,
        [unit],
      );
      const { seedDemoAssessment } = await import('../../data/demo/assessment');
      expect(await seedDemoAssessment(db, NOW)).toEqual({ points: 4, rounds: 2 });
      expect(await seedDemoAssessment(db, NOW)).toBeNull();
      const rounds = (
        await db.query<{ held: string; mean: number }>(
          `SELECT to_char(r.held_on, 'YYYY-MM-DD') AS held, avg(rp.score)::float8 AS mean FROM assessment_rounds r
           JOIN assessment_round_points rp ON rp.round_id = r.id GROUP BY r.id ORDER BY r.held_on`,
        )
      ).rows;
      expect(rounds.map((r) => r.held)).toEqual(['2026-06-19', '2026-07-03']);
      expect(rounds[1]!.mean).toBeGreaterThan(rounds[0]!.mean);
      const states = (
        await db.query<{ state: string; n: number }>(
          `SELECT state, count(*)::int AS n FROM ledger_items GROUP BY 1 ORDER BY 1`,
        )
      ).rows;
      expect(states.map((s) => s.state)).toEqual(['passed', 'returned', 'submitted']);
      expect((await db.query(`SELECT count(*)::int AS n FROM satisfaction_surveys`)).rows[0]).toEqual({ n: 2 });
      expect((await db.query(`SELECT count(*)::int AS n FROM problems`)).rows[0]).toEqual({ n: 0 });
    } finally {
      await app.close();
      await db.close();
    }
  });
});
