import { describe, expect, it } from 'vitest';
import { backends, withMiniCity } from './harness';
import { login, passwordOf } from './accounts';
import { hashPassword } from '../../api/auth/passwords';

// Scope "at the time": unit staff see what their unit contracts now, a grid leader the grids
// they lead now; a reassignment moves the scope at once, with no account to edit.
describe.each(backends())('scope follows assignments on $name', (backend) => {
  const t = withMiniCity(backend);

  it('moves a unit staff member and a grid leader with their reassignments', async () => {
    const post = async (url: string, payload: object) => {
      const res = await t.app.inject({ method: 'POST', url, payload, headers: t.admin.headers });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json() as { id: number; opened?: { id: number } };
    };
    const grid = (
      await t.app.inject({ url: '/api/areas/by-code/330822002001001', headers: t.admin.headers })
    ).json() as { id: number };
    const unitA = await post('/api/units', { code: 'A1', name: '县教育局', type: 'county' });
    const unitB = await post('/api/units', { code: 'B1', name: '县卫健局', type: 'county' });
    const lead = await post('/api/assignments', {
      areaId: grid.id,
      role: 'lead',
      unitId: unitA.id,
      validFrom: '2026-01-01T00:00:00+08:00',
    });
    const staff = await post('/api/users', {
      username: 'staff-a',
      displayName: '李干事',
      role: 'unit_staff',
      password: passwordOf('staff-a'),
      scopeCodes: [],
      unitId: unitA.id,
    });
    const leaderUser = await post('/api/users', {
      username: 'leader-x',
      displayName: '张网格',
      role: 'grid_leader',
      password: passwordOf('leader-x'),
      scopeCodes: [],
    });
    const person = await post('/api/people', { name: '张网格', phone: '13900001111', userId: leaderUser.id });
    const leaderAssignment = await post('/api/assignments', {
      areaId: grid.id,
      role: 'leader',
      personId: person.id,
      validFrom: '2026-01-01T00:00:00+08:00',
    });
    // accounts created by an admin must change their password first: set known ones directly
    for (const id of [staff.id, leaderUser.id]) {
      await t.db.query('UPDATE users SET must_change_password = false, password_hash = $2 WHERE id = $1', [
        id,
        await hashPassword(passwordOf(id === staff.id ? 'staff-a' : 'leader-x')),
      ]);
    }
    const sees = async (username: string) => {
      const s = await login(t.app, username);
      return (await t.app.inject({ url: '/api/areas/by-code/330822002001001', headers: s.headers })).statusCode;
    };
    expect(await sees('staff-a')).toBe(200);
    expect(await sees('leader-x')).toBe(200);

    const now = new Date().toISOString();
    await post(`/api/assignments/${lead.id}/reassign`, { at: now, unitId: unitB.id });
    const other = await post('/api/people', { name: '王网格', phone: '13900002222' });
    await post(`/api/assignments/${leaderAssignment.id}/reassign`, { at: now, personId: other.id });
    expect(await sees('staff-a')).toBe(404);
    expect(await sees('leader-x')).toBe(404);
  });

  it('refuses a unit for a role other than unit staff, and unit staff with neither unit nor areas', async () => {
    const create = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/users', payload, headers: t.admin.headers });
    const wrongRole = await create({
      username: 'cmdr-u',
      displayName: 'x',
      role: 'commander',
      password: 'temp-password-1',
      scopeCodes: [],
      unitId: 1,
    });
    expect(wrongRole.json()).toMatchObject({ error: 'UnitNotAllowed', details: [{ field: 'unitId' }] });
    const nothing = await create({
      username: 'staff-z',
      displayName: 'x',
      role: 'unit_staff',
      password: 'temp-password-1',
      scopeCodes: [],
    });
    expect(nothing.json()).toMatchObject({ error: 'ScopeRequired' });
    const unknownUnit = await create({
      username: 'staff-y',
      displayName: 'x',
      role: 'unit_staff',
      password: 'temp-password-1',
      scopeCodes: [],
      unitId: 99999,
    });
    expect(unknownUnit.json()).toMatchObject({ error: 'UnknownUnit' });
  });
});
