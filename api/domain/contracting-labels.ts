import type { AssignmentRole } from './contracting-sheets';

/** Unit types as offices write them → the stored enum (sql/migrations/003-contracting.sql). */
export const UNIT_TYPES = [
  'prefecture',
  'county',
  'central_provincial_local',
  'township',
  'enterprise',
  'other',
] as const;
export type UnitType = (typeof UNIT_TYPES)[number];

export const UNIT_TYPE_LABELS: Record<UnitType, string> = {
  prefecture: '市直单位',
  county: '县直单位',
  central_provincial_local: '驻县单位',
  township: '乡镇街道',
  enterprise: '企业',
  other: '其他',
};
const UNIT_TYPE_ALIASES: Record<string, UnitType> = {
  市直: 'prefecture',
  市级单位: 'prefecture',
  市直部门: 'prefecture',
  县直: 'county',
  县级单位: 'county',
  县直部门: 'county',
  县直机关: 'county',
  县级部门: 'county',
  中央省属驻县单位: 'central_provincial_local',
  中央驻县单位: 'central_provincial_local',
  省属驻县单位: 'central_provincial_local',
  驻县: 'central_provincial_local',
  驻常单位: 'central_provincial_local',
  乡镇: 'township',
  街道: 'township',
  乡镇街道: 'township',
  '乡镇（街道）': 'township',
  国有企业: 'enterprise',
  国企: 'enterprise',
  金融机构: 'enterprise',
  企业单位: 'enterprise',
  事业单位: 'other',
  学校: 'other',
};

export const ROLE_LABELS: Record<AssignmentRole, string> = {
  lead: '牵头单位',
  support: '协助单位',
  leader: '网格长',
  member: '网格员',
};
const ROLE_ALIASES: Record<string, AssignmentRole> = {
  牵头: 'lead',
  挂联单位: 'lead',
  包保单位: 'lead',
  牵头包保单位: 'lead',
  协助: 'support',
  配合单位: 'support',
  参与单位: 'support',
  协助包保单位: 'support',
  专职网格员: 'member',
  兼职网格员: 'member',
};

const lookup = <T extends string>(text: string, labels: Record<T, string>, aliases: Record<string, T>): T | null => {
  const t = text.replace(/\s/g, '');
  for (const [k, v] of Object.entries(labels) as [T, string][]) if (v === t || k === t.toLowerCase()) return k;
  return aliases[t] ?? null;
};

export const parseUnitType = (text: string) => lookup(text, UNIT_TYPE_LABELS, UNIT_TYPE_ALIASES);
export const parseRole = (text: string) => lookup(text, ROLE_LABELS, ROLE_ALIASES);
export const isUnitRole = (r: AssignmentRole) => r === 'lead' || r === 'support';
