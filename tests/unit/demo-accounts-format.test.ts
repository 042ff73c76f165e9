import { describe, expect, it } from 'vitest';
import { formatAccounts } from '../../data/demo/seed';

describe('formatAccounts (printed on the demo first start)', () => {
  it('shows what each account sees now, not only its explicit areas', () => {
    const out = formatAccounts([
      { username: 'commander', password: 'p1', role: 'commander', displayName: '指挥', scopeCodes: [], scopeNow: null },
      {
        username: 'gridleader',
        password: 'p2',
        role: 'grid_leader',
        displayName: '网格长',
        scopeCodes: [],
        scopeNow: ['330822001001001'],
      },
      {
        username: 'unitstaff',
        password: 'p3',
        role: 'unit_staff',
        displayName: '单位',
        scopeCodes: [],
        scopeNow: ['1', '2', '3', '4'],
      },
    ]).split('\n');
    expect(out[0]).toMatch(/commander\s+p1\s+commander\s+指挥\s+全市 city-wide$/);
    expect(out[1]).toMatch(/330822001001001$/);
    expect(out[2]).toMatch(/1 2 …（共 4 个 \/ 4 areas）$/);
  });
});
