import type { Queryable } from '../../api/db/types';
import type { Role } from '../../api/auth/roles';
import { hashPassword } from '../../api/auth/passwords';
import { setScope } from '../../api/services/users';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  /** codes of the scope areas; found in the demo city by position, see below */
  scopeCodes: string[];
}

/**
 * One account per role for the demo. Scopes come from the seeded city: the supervisor has the
 * first street, unit staff the first community of the second street (its grids), the grid
 * leader and member the first two grids of the first community. Passwords are public: they
 * are printed on first start and listed in the README; a real deployment creates its own.
 */
export async function demoAccounts(tx: Queryable): Promise<DemoAccount[]> {
  const pick = async (sql: string, params: unknown[] = []) => (await tx.query<{ code: string }>(sql, params)).rows.map((r) => r.code);
  const [street] = await pick(`SELECT code FROM areas WHERE level = 'street' ORDER BY code LIMIT 1`);
  const unitGrids = await pick(`SELECT g.code FROM areas g WHERE g.parent_id = (
      SELECT c.id FROM areas c JOIN areas s ON s.id = c.parent_id WHERE c.level = 'community'
      ORDER BY (s.code = $1), c.code LIMIT 1) ORDER BY g.code`, [street ?? '']);
  const grids = await pick(`SELECT code FROM areas WHERE level = 'grid' ORDER BY code LIMIT 2`);
  const acct = (username: string, displayName: string, role: Role, scopeCodes: string[] = []): DemoAccount =>
    ({ username, displayName, role, password: `demo-${username}-2026`, scopeCodes });
  return [
    acct('admin', '系统管理员', 'admin'),
    acct('commander', '指挥中心值班员', 'commander'),
    acct('planner', '创建办规划员', 'planner'),
    acct('supervisor', '督查组 王督查', 'supervisor', street ? [street] : []),
    acct('unitstaff', '县教育局 李干事', 'unit_staff', unitGrids),
    acct('gridleader', '网格长 张建国', 'grid_leader', grids.slice(0, 1)),
    acct('gridmember', '网格员 陈小红', 'grid_member', grids.slice(1, 2)),
  ];
}

export async function seedAccounts(tx: Queryable, accounts: DemoAccount[]) {
  for (const a of accounts) {
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
      [a.username, a.displayName, a.role, await hashPassword(a.password)]);
    await setScope(tx, rows[0]!.id, a.role, a.scopeCodes);
  }
}
