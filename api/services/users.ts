import type { Queryable } from '../db/types';
import { AppError } from '../errors';
import { CITY_WIDE, type Role } from '../auth/roles';
import { accountsRepository } from '../repositories/accounts';

/**
 * Scope areas by code for a user, inside the caller's transaction. City-wide roles take none.
 * A supervisor needs streets; unit staff need a unit (their scope follows its contracts) or
 * areas; grid staff may have none, since their scope follows their leader/member assignments.
 */
export async function setScope(tx: Queryable, userId: number, role: Role, codes: string[], derived = { unit: false }) {
  if (CITY_WIDE.includes(role)) {
    if (codes.length)
      throw new AppError(
        422,
        'ScopeNotAllowed',
        { zh: '全市角色不设管辖范围', en: 'a city-wide role has no scope areas' },
        [{ field: 'scopeCodes', reason: { zh: '应为空', en: 'must be empty' } }],
      );
  } else if (codes.length === 0 && (role === 'supervisor' || (role === 'unit_staff' && !derived.unit))) {
    throw new AppError(
      422,
      'ScopeRequired',
      {
        zh: '该角色需要指定管辖区域（督查组：街道；包保单位人员：单位或区域）',
        en: 'this role needs a scope (supervisor: streets; unit staff: a unit or areas)',
      },
      [{ field: 'scopeCodes', reason: { zh: '至少一个区域编码', en: 'at least one area code' } }],
    );
  }
  const accounts = accountsRepository(tx);
  const rows = await scopeAreas(accounts, codes);
  await accounts.replaceScope(
    userId,
    rows.map((r) => r.id),
  );
}

/**
 * The areas of a scope given by codes (a person's or a display token's), or 422 naming each
 * unknown code in `scopeCodes`.
 */
export async function scopeAreas(
  accounts: ReturnType<typeof accountsRepository>,
  codes: string[],
): Promise<Awaited<ReturnType<ReturnType<typeof accountsRepository>['areasByCode']>>> {
  const rows = await accounts.areasByCode(codes);
  const found = new Set(rows.map((r) => r.code));
  const missing = codes.filter((c) => !found.has(c));
  if (missing.length) {
    throw new AppError(
      422,
      'UnknownArea',
      { zh: `区域编码不存在：${missing.join('、')}`, en: `unknown area codes: ${missing.join(', ')}` },
      missing.map((c) => ({
        field: 'scopeCodes',
        feature: c,
        reason: { zh: '区域编码不存在', en: 'unknown area code' },
      })),
    );
  }
  return rows;
}
