import { it } from 'vitest';
import { appOn, backends } from './harness';
import { loadMiniCity } from './load-mini-city';
import { adminSession, createUser, login } from './accounts';
import { ASSESSMENT_CASES, seedAssessment } from './authz-assessment';
import type { AreaDetail } from '../../api/schemas/areas';
it('scratch', async () => {
  const db = await backends()[0]!.open();
  const app = await appOn(db, {});
  const a = await adminSession(app, db);
  await loadMiniCity(app, a);
  await seedAssessment(app, a, ['330822001001001', '330822001001002', '330822001002001'], '330822002002002');
  await createUser(db, 'sx', 'supervisor', ['330822001']);
  await createUser(db, 'gl', 'grid_leader', ['330822001001001']);
  const area = async (c: string) => (await app.inject({ url: `/api/areas/by-code/${c}`, headers: a.headers })).json() as AreaDetail;
  const ctx = { inGrid: await area('330822001001001'), outGrid: await area('330822002002002') };
  for (const [who, s] of [['admin', a], ['sup', await login(app, 'sx')], ['gl', await login(app, 'gl')]] as const) {
    for (const [k, c] of Object.entries(ASSESSMENT_CASES)) {
      const r = c.in(ctx); const res = await app.inject({ ...r, headers: s.headers });
      let line = `${who} ${k} in=${res.statusCode}`;
      if (c.out) { const o = await app.inject({ ...c.out(ctx), headers: s.headers }); line += ` out=${o.statusCode}${c.leaks ? ' leaks=' + c.leaks(o.rawPayload, o.statusCode) : ''}`; }
      console.log(line + ' ' + (res.statusCode >= 400 ? res.body.slice(0, 90) : ''));
    }
  }
  await app.close(); await db.close();
}, 120000);
