import type { FastifyInstance } from 'fastify';
import type { Db } from '../../api/db/types';
import type { Role } from '../../api/auth/roles';
import type { AreaDetail } from '../../api/schemas/areas';
import { sweepOverdue } from '../../api/services/problem-sweep';
import { createUser, login, type Session } from './accounts';
import { contractingApi } from './contracting-fixture';
import { userWithUnit } from './problem-fixture';
import { insertProblems, type ProblemSpec } from './problem-rows';

/**
 * The mini city of the content-level scope test (tests/api/scope-content.test.ts), with something
 * outside every scoped role's reach in every kind of row:
 *   street 1 (330822001): 文峰 grids G111 (leader 张) and G112 (member 李), 定阳 grids G121 and G122
 *   (unit 甲 leads both; unit 乙 supports G121); street 2 (330822002): unit 丙 leads G111, G112,
 *   G211, G212, unit 乙 leads G221 and G222, whose leader 王 no scoped role may see.
 * Problems in every grid: assigned (with a supervision notice once overdue), 暗访 not yet
 * assigned, 暗访 assigned, closed; plus one in G221 assigned to unit 甲 (unit staff read what is
 * assigned to their unit even outside their grids).
 * Roles: supervisor = street 1; unit staff = unit 甲 (scope from its contracts); grid leader =
 * 张 (scope G111 from the assignment); grid member = scope G112 given, and 李's person record.
 */
export const G = {
  G111: '330822001001001',
  G112: '330822001001002',
  G121: '330822001002001',
  G122: '330822001002002',
  G211: '330822002001001',
  G212: '330822002001002',
  G221: '330822002002001',
  G222: '330822002002002',
} as const;
export const OUT_GRID = G.G222;
/** The clock of the test: a Wednesday; the problems are from the week before (the last complete one). */
export const NOW = new Date('2026-06-10T12:00:00+08:00');
export const FROM = new Date('2026-06-01T00:00:00+08:00');
export const TO = new Date('2026-06-08T00:00:00+08:00');
const REPORTED = new Date('2026-06-02T09:00:00+08:00');
const VALID_FROM = '2024-01-01T00:00:00+08:00'; // in force by the database's own now() too (scopes)

export interface Fixture {
  sessions: Map<Role, Session>;
  /** what the city holds, by id (read as admin): every kind of row the test checks */
  areas: AreaDetail[];
  units: { id: number; code: string; name: string }[];
  people: { id: number; name: string; phone: string }[];
  /** unit staff's unit; the problem in G221 assigned to it */
  unitA: number;
  foreignAssigned: number;
  /** an in-scope grid of each role, for reports, patrols and points */
  home: Record<Role, AreaDetail>;
  problemIds: number[];
  noticeIds: number[];
  categoryId: number;
  /** a problem each acting role may take a step on (its own, so that no two roles collide) */
  actionable: Partial<Record<Role, number>>;
  /** inspection points, one in every grid (their names appear in the 周通报) */
  points: { id: number; name: string }[];
  /** ledger items (台账) of every unit in and out of each scope; the files submitted to them */
  ledgerIds: number[];
  ledgerFiles: { id: number; ledgerId: number }[];
  /** a pending item each submitting role may submit, a submitted one each reviewing role may review */
  submittable: Partial<Record<Role, number>>;
  reviewable: Partial<Record<Role, number>>;
  /** the published week of the 创文指数 (its 周通报 names communities, streets, points, units, problems) */
  indexWeek: string;
}

export async function seedScopeCity(app: FastifyInstance, db: Db, admin: Session): Promise<Fixture> {
  const api = contractingApi(app, admin);
  const area: Record<string, AreaDetail> = {};
  for (const code of Object.values(G)) area[code] = await api.area(code);
  const unit = (code: string, tag: string, phone: string) =>
    api.unit(`${tag}单位`, { code, leaderName: `${tag}领导`, contactName: `${tag}联系人`, contactPhone: phone });
  const A = await unit('SCA', '甲', '13811110001'),
    B = await unit('SCB', '乙', '13811110002'),
    C = await unit('SCC', '丙', '13811110003');
  const zhang = await api.person('张网格长', '13822220001'),
    li = await api.person('李网格员', '13822220002');
  const wang = await api.person('王外网格长', '13822220003'),
    zhao = await api.person('赵网格长', '13822220004');
  const assign = (code: string, role: string, holder: { unitId?: number; personId?: number }) =>
    api.assign({ areaId: area[code]!.id, role, ...holder, validFrom: VALID_FROM });
  for (const g of [G.G121, G.G122]) await assign(g, 'lead', { unitId: A.id });
  await assign(G.G121, 'support', { unitId: B.id });
  for (const g of [G.G111, G.G112, G.G211, G.G212]) await assign(g, 'lead', { unitId: C.id });
  for (const g of [G.G221, G.G222]) await assign(g, 'lead', { unitId: B.id });
  await assign(G.G111, 'leader', { personId: zhang.id });
  await assign(G.G112, 'member', { personId: li.id });
  await assign(G.G121, 'leader', { personId: zhao.id });
  for (const g of [G.G211, G.G221, G.G222]) await assign(g, 'leader', { personId: wang.id });

  // problems routed as the loop stores them, lead unit as contracted
  const lead: Record<string, number> = {
    [G.G111]: C.id,
    [G.G112]: C.id,
    [G.G211]: C.id,
    [G.G212]: C.id,
    [G.G121]: A.id,
    [G.G122]: A.id,
    [G.G221]: B.id,
    [G.G222]: B.id,
  };
  const specs: ProblemSpec[] = [];
  for (const grid of Object.values(G)) {
    const base = { grid, reportedAt: REPORTED, leadUnitId: lead[grid]! };
    specs.push(
      { ...base, state: 'assigned', source: 'patrol', assigneeUnitId: lead[grid]! },
      { ...base, state: 'verified', source: 'undercover' },
      { ...base, state: 'assigned', source: 'undercover', assigneeUnitId: lead[grid]! },
      {
        ...base,
        state: 'closed',
        source: 'citizen',
        assigneeUnitId: lead[grid]!,
        fixedAt: REPORTED,
        closedAt: REPORTED,
        closedOnTime: true,
      },
      { ...base, state: 'reported', source: 'camera' },
    );
  }
  specs.push({
    grid: G.G221,
    reportedAt: REPORTED,
    leadUnitId: B.id,
    state: 'assigned',
    source: 'inspection',
    assigneeUnitId: A.id,
  });
  const ids = await insertProblems(db, specs);
  // the routing as the loop stores it (problem-rows leaves it empty): who answered for the grid then
  for (const code of Object.values(G)) {
    const r = (await app.assignments.responsibility(
      area[code]!.labelPoint[0],
      area[code]!.labelPoint[1],
      REPORTED,
      null,
    ))!;
    await db.query('UPDATE problems SET routing = $1::jsonb, leader_person_id = $2 WHERE grid_id = $3', [
      JSON.stringify(r),
      r.leader?.personId ?? null,
      r.grid.id,
    ]);
  }
  // the first problem of each grid: assigned, from the patrol; the third: 暗访, assigned
  const first = (grid: string, k = 0) => ids[Object.values(G).indexOf(grid as never) * 5 + k]!;
  // the inserted problems carry no report event; the loop's readers need none, the sweep adds its own
  await sweepOverdue(db, NOW);

  const sessions = new Map<Role, Session>([['admin', admin]]);
  for (const role of ['commander', 'planner'] as const) {
    await createUser(db, `sc-${role}`, role);
    sessions.set(role, await login(app, `sc-${role}`));
  }
  await createUser(db, 'sc-supervisor', 'supervisor', ['330822001']);
  sessions.set('supervisor', await login(app, 'sc-supervisor'));
  sessions.set('unit_staff', (await userWithUnit(app, db, 'sc-unit', 'unit_staff', A.id)).session);
  const leader = await userWithUnit(app, db, 'sc-leader', 'grid_leader');
  const member = await userWithUnit(app, db, 'sc-member', 'grid_member');
  await db.query('UPDATE people SET user_id = $1 WHERE id = $2', [leader.id, zhang.id]);
  await db.query('UPDATE people SET user_id = $1 WHERE id = $2', [member.id, li.id]);
  await db.query(`INSERT INTO user_scopes (user_id, area_id) VALUES ($1, $2)`, [member.id, area[G.G112]!.id]);
  // patrol visits in and out of every scoped role's reach
  await db.query(
    `INSERT INTO patrol_visits (user_id, person_id, grid_id, started_at, ended_at) VALUES ($1, $2, $3, $5, $6), (NULL, $4, $7, $5, $6)`,
    [
      leader.id,
      zhang.id,
      area[G.G111]!.id,
      wang.id,
      REPORTED,
      new Date(REPORTED.getTime() + 3600_000),
      area[G.G221]!.id,
    ],
  );
  sessions.set('grid_leader', leader.session);
  sessions.set('grid_member', member.session);

  const CATEGORY = (await db.query<{ id: number }>(`SELECT id FROM problem_categories WHERE code = '970101'`)).rows[0]!
    .id;
  // an inspection point in every grid and a round over them all (docs/ASSESSMENT.md)
  const pointIds: number[] = [];
  for (const [k, code] of Object.entries(G)) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/points',
      headers: admin.headers,
      payload: {
        code: `SC-${k}`,
        name: `${k}点位`,
        typeCode: 'market',
        geometry: { type: 'Point', coordinates: area[code]!.labelPoint },
      },
    });
    pointIds.push((res.json() as { id: number }).id);
  }
  const scheme = (await app.inject({ url: '/api/assessment-schemes', headers: admin.headers })).json() as {
    id: number;
  }[];
  await app.inject({
    method: 'POST',
    url: '/api/assessment-rounds',
    headers: admin.headers,
    payload: { schemeId: scheme[0]!.id, name: '范围测试轮次', kind: 'inspection', heldOn: '2026-06-09', pointIds },
  });
  const all = async <T>(url: string) => (await app.inject({ url, headers: admin.headers })).json() as T;
  const post = async <T>(url: string, payload?: object) => {
    const res = await app.inject({ method: 'POST', url, headers: admin.headers, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${url} → ${res.statusCode} ${res.body}`);
    return res.json() as T;
  };
  // assessment findings in the round (day 2026-06-09) at the points of G111 and G221: open problems
  // the 周通报 lists by id, point and unit
  const round = (await all<{ id: number }[]>('/api/assessment-rounds?limit=10'))[0]!;
  const item = (
    await all<{ items: { id: number; pointTypes: string[] }[] }>(`/api/assessment-schemes/${scheme[0]!.id}`)
  ).items.find((i) => i.pointTypes.length === 0 || i.pointTypes.includes('market'))!;
  for (const k of ['G111', 'G221'] as const)
    await post(`/api/assessment-rounds/${round.id}/points/${pointIds[Object.keys(G).indexOf(k)]!}/scores`, {
      items: [{ itemId: item.id, findings: [{ note: `${k}测评发现`, problem: { categoryId: CATEGORY } }] }],
    });
  // ledger items: unit 甲 in its grids, 乙 and 丙 in both streets; some submitted (with a file)
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');
  const ledger = async (code: string, unitId: number, grid: string, submit: boolean) => {
    const l = await post<{ id: number; version: number }>('/api/ledgers', {
      code,
      name: `台账 ${code}`,
      unitId,
      areaId: area[grid]!.id,
      dueOn: '2026-06-12',
    });
    if (submit)
      await post(`/api/ledgers/${l.id}/submissions`, {
        version: l.version,
        files: [{ name: `${code}.pdf`, dataBase64: PDF }],
      });
    return l.id;
  };
  const ledgerIds = [
    await ledger('SC-L-A', A.id, G.G121, true),
    await ledger('SC-L-B', B.id, G.G221, true),
    await ledger('SC-L-C1', C.id, G.G111, true),
    await ledger('SC-L-C2', C.id, G.G211, true),
  ];
  const submittable = {
    admin: await ledger('SC-S-ADMIN', B.id, G.G222, false),
    unit_staff: await ledger('SC-S-UNIT', A.id, G.G122, false),
  };
  const reviewable = {
    admin: await ledger('SC-R-ADMIN', C.id, G.G212, true),
    commander: await ledger('SC-R-COMMANDER', B.id, G.G222, true),
    planner: await ledger('SC-R-PLANNER', C.id, G.G112, true),
    supervisor: await ledger('SC-R-SUPERVISOR', A.id, G.G122, true),
  };
  ledgerIds.push(...Object.values(submittable), ...Object.values(reviewable));
  const ledgerFiles = (
    await db.query<{ id: number; ledgerId: number }>(
      `SELECT f.id::int AS id, s.item_id::int AS "ledgerId" FROM ledger_files f JOIN ledger_submissions s ON s.id = f.submission_id ORDER BY f.id`,
    )
  ).rows;
  // surveys and household visits in every community, in the week of the round
  for (const code of ['330822001001', '330822001002', '330822002001', '330822002002']) {
    const communityId = (await api.area(code)).id;
    await post('/api/satisfaction/surveys', { communityId, surveyedOn: '2026-06-09', respondents: 20, satisfied: 19 });
    await post('/api/household-visits', { communityId, visitedOn: '2026-06-09', households: 12 });
  }
  const indexWeek = '2026-06-08';
  await post(`/api/assessment-index/weeks/${indexWeek}/publish`);
  const areas: AreaDetail[] = [];
  for (const a of await all<{ id: number }[]>('/api/areas/search?q=3308&limit=100'))
    areas.push(await all<AreaDetail>(`/api/areas/${a.id}`));
  return {
    sessions,
    areas,
    units: (await all<{ id: number; code: string; name: string }[]>('/api/units')).map(({ id, code, name }) => ({
      id,
      code,
      name,
    })),
    people: (await all<{ id: number; name: string; phone: string }[]>('/api/people?limit=1000')).map(
      ({ id, name, phone }) => ({ id, name, phone }),
    ),
    unitA: A.id,
    foreignAssigned: ids[ids.length - 1]!,
    problemIds: ids,
    noticeIds: (await db.query<{ id: number }>('SELECT id::int AS id FROM problem_notices ORDER BY id')).rows.map(
      (r) => r.id,
    ),
    categoryId: CATEGORY,
    points: Object.keys(G).map((k, i) => ({ id: pointIds[i]!, name: `${k}点位` })),
    ledgerIds,
    ledgerFiles,
    submittable,
    reviewable,
    indexWeek,
    actionable: {
      admin: first(G.G211),
      commander: first(G.G212),
      supervisor: first(G.G111),
      grid_leader: first(G.G111, 2),
      grid_member: first(G.G112),
    },
    home: {
      admin: area[G.G111]!,
      commander: area[G.G111]!,
      planner: area[G.G111]!,
      supervisor: area[G.G112]!,
      unit_staff: area[G.G121]!,
      grid_leader: area[G.G111]!,
      grid_member: area[G.G112]!,
    },
  };
}
