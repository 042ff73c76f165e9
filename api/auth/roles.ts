/** Roles, in the order the UI lists them. Scope: see sql/functions/area_visible.sql. */
export const ROLES = [
  'admin',
  'commander',
  'planner',
  'supervisor',
  'unit_staff',
  'grid_leader',
  'grid_member',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that see the whole city; the others see their scope areas, inside and up. */
export const CITY_WIDE: readonly Role[] = ['admin', 'commander', 'planner'];

/**
 * Every /api and /tiles route declares who may call it (routeOptions.config.access); the auth
 * plugin refuses to register one that does not, and the authorization matrix test is built from
 * these declarations. Data scope is not declared per route: it is applied in SQL to every read.
 */
export type Access = { public: true } | { roles: 'any' | readonly Role[] };

export const PUBLIC: Access = { public: true };
export const ANY_USER: Access = { roles: 'any' };
export const only = (...roles: Role[]): Access => ({ roles });

export function allows(access: Access, role: Role | null): boolean {
  if ('public' in access) return true;
  if (role === null) return false;
  return access.roles === 'any' || access.roles.includes(role);
}

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '系统管理员', en: 'administrator' },
  commander: { zh: '指挥中心', en: 'command center' },
  planner: { zh: '创建办规划', en: 'planner' },
  supervisor: { zh: '督查组', en: 'supervisor' },
  unit_staff: { zh: '包保单位', en: 'unit staff' },
  grid_leader: { zh: '网格长', en: 'grid leader' },
  grid_member: { zh: '网格员', en: 'grid member' },
};
