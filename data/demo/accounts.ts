import type { Queryable } from '../../api/db/types';
import type { Role } from '../../api/auth/roles';
import { hashPassword } from '../../api/auth/passwords';
import { setScope } from '../../api/services/users';
import { DEMO_LEADER, DEMO_MEMBER, DEMO_STAFF_UNIT } from './contracting';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  password: string;
  /** codes of the explicit scope areas (user_scopes); derived scopes come from assignments */
  scopeCodes: string[];
  /** what the account sees once seeded (user_scope_codes): null = the whole city */
  scopeNow?: string[] | null;
}

/**
 * One account per role for the demo. The supervisor has the first street; unit staff belong to
 * 县教育局 and see what it contracts at the time; the grid leader and member see the grids
 * where their people rows (linked to the accounts) are leader or member at the time. Passwords
 * are public: printed on first start and listed in the README; a deployment creates its own.
 */
export async function demoAccounts(tx: Queryable): Promise<DemoAccount[]> {
  const pick = async (sql: string, params: unknown[] = []) =>
    (await tx.query<{ code: string }>(sql, params)).rows.map((r) => r.code);
  const [street] = await pick(`SELECT code FROM areas WHERE level = 'street' ORDER BY code LIMIT 1`);
  // Unit staff and grid staff get no explicit areas: their scope follows what 县教育局 contracts
  // and what 张建国 / 陈小红 lead or serve at the time (user_scope_codes, migration 004).
  const acct = (username: string, displayName: string, role: Role, scopeCodes: string[] = []): DemoAccount => ({
    username,
    displayName,
    role,
    password: `demo-${username}-2026`,
    scopeCodes,
  });
  return [
    acct('admin', '系统管理员', 'admin'),
    acct('commander', '指挥中心值班员', 'commander'),
    acct('planner', '创建办规划员', 'planner'),
    acct('supervisor', '督查组 王督查', 'supervisor', street ? [street] : []),
    acct('unitstaff', '县教育局 李干事', 'unit_staff'),
    acct('gridleader', '网格长 张建国', 'grid_leader'),
    acct('gridmember', '网格员 陈小红', 'grid_member'),
  ];
}

export async function seedAccounts(tx: Queryable, accounts: DemoAccount[]) {
  for (const a of accounts) {
    const unit =
      a.role === 'unit_staff'
        ? ((await tx.query<{ id: number }>('SELECT id FROM units WHERE name = $1', [DEMO_STAFF_UNIT])).rows[0]?.id ??
          null)
        : null;
    const { rows } = await tx.query<{ id: number }>(
      `INSERT INTO users (username, display_name, role, password_hash, unit_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [a.username, a.displayName, a.role, await hashPassword(a.password), unit],
    );
    await setScope(tx, rows[0]!.id, a.role, a.scopeCodes, { unit: unit !== null });
    const staff = a.username === 'gridleader' ? DEMO_LEADER : a.username === 'gridmember' ? DEMO_MEMBER : null;
    if (staff) await tx.query('UPDATE people SET user_id = $1 WHERE phone = $2', [rows[0]!.id, staff.phone]);
    a.scopeNow =
      (await tx.query<{ scope: string[] | null }>('SELECT user_scope_codes($1) AS scope', [rows[0]!.id])).rows[0]
        ?.scope ?? null;
  }
}
