import type { Msg, Problem } from '../errors';
import { cellText, type AssignmentRole, type ParsedTable, type TableRow } from './contracting-sheets';
import { isUnitRole, parseRole, parseUnitType, ROLE_LABELS, type UnitType } from './contracting-labels';
import { DATE_RULE, parseInstant } from './instant';
import { normalizePhone, PHONE_RULE } from './phone';

/** Rows of an upload, checked one by one (formats, required fields, duplicates in the file). */
interface At {
  sheet: string;
  row: number;
}
export interface UnitRecord extends At {
  code: string | null;
  name: string;
  type: UnitType;
  leaderName: string | null;
  contactName: string | null;
  contactPhone: string | null;
  premises: [number, number] | null;
}
export interface PersonRecord extends At {
  name: string;
  phone: string;
  username: string | null;
}
export interface AssignmentRecord extends At {
  areaCode: string;
  role: AssignmentRole;
  unitName: string | null;
  unitCode: string | null;
  personName: string | null;
  phone: string | null;
  from: Date;
  to: Date | null;
}
export interface ContractingRecords {
  units: UnitRecord[];
  people: PersonRecord[];
  assignments: AssignmentRecord[];
}
/**
 * Units and people whose own rows were refused: assignments naming them are not reported again
 * as "unknown" (the row's own problem already is), while every other check still runs.
 */
export interface RefusedHolders {
  unitNames: Set<string>;
  unitCodes: Set<string>;
  phones: Set<string>;
}

export function validateTables(tables: ParsedTable[]): {
  records: ContractingRecords;
  problems: Problem[];
  refused: RefusedHolders;
} {
  const problems: Problem[] = [];
  const records: ContractingRecords = { units: [], people: [], assignments: [] };
  const refused: RefusedHolders = { unitNames: new Set(), unitCodes: new Set(), phones: new Set() };
  for (const t of tables) {
    const ctx = new RowCheck(t.sheet, problems, refused);
    for (const r of t.rows) {
      if (t.kind === 'units') ctx.unit(r, records.units);
      else if (t.kind === 'people') ctx.person(r, records.people);
      else ctx.assignment(r, t.impliedRole, records.assignments);
    }
  }
  return { records, problems, refused };
}

const msg = (zh: string, en: string): Msg => ({ zh, en });

class RowCheck {
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly sheet: string,
    private readonly problems: Problem[],
    private readonly refused: RefusedHolders,
  ) {}

  private fail(r: TableRow, field: string, reason: Msg) {
    this.problems.push({ sheet: this.sheet, row: r.row, field, reason });
  }
  private text(r: TableRow, key: string, field: string, max: number, required: boolean): string | null {
    const v = cellText(r.values[key] ?? null);
    if (!v) {
      if (required) this.fail(r, field, msg(`「${field}」不能为空`, `${field} is required`));
      return null;
    }
    if (v.length > max)
      this.fail(
        r,
        field,
        msg(`「${field}」过长（最多 ${max} 字）`, `${field} is too long (at most ${max} characters)`),
      );
    return v;
  }
  private phone(r: TableRow, key: string, field: string, required: boolean): string | null | undefined {
    const v = this.text(r, key, field, 40, required);
    if (v === null) return null;
    const p = normalizePhone(v);
    if (!p)
      this.fail(
        r,
        field,
        msg(`「${v}」不是有效电话号码：${PHONE_RULE.zh}`, `"${v}" is not a phone number: ${PHONE_RULE.en}`),
      );
    return p ?? undefined;
  }
  /** the first row with this key, or records it and returns null */
  private duplicate(kind: string, key: string, r: TableRow): number | null {
    const k = `${kind}:${key}`;
    const first = this.seen.get(k);
    if (first !== undefined) return first;
    this.seen.set(k, r.row);
    return null;
  }

  unit(r: TableRow, out: UnitRecord[]) {
    const before = this.problems.length;
    const code = this.text(r, 'code', '单位编码', 32, false);
    if (code && !/^[A-Za-z0-9_-]{1,32}$/.test(code))
      this.fail(
        r,
        '单位编码',
        msg('单位编码只能包含字母、数字、- 和 _', 'a unit code may hold only letters, digits, - and _'),
      );
    const name = this.text(r, 'name', '单位名称', 100, true);
    const typeText = this.text(r, 'type', '单位类型', 40, true);
    const type = typeText ? parseUnitType(typeText) : null;
    if (typeText && !type)
      this.fail(
        r,
        '单位类型',
        msg(
          `未知单位类型「${typeText}」：应为市直单位、县直单位、驻县单位、乡镇街道、企业或其他`,
          `unknown unit type "${typeText}": use 市直单位, 县直单位, 驻县单位, 乡镇街道, 企业 or 其他`,
        ),
      );
    const leaderName = this.text(r, 'leader', '负责人', 40, false);
    const contactName = this.text(r, 'contact', '联系人', 40, false);
    const contactPhone = this.phone(r, 'phone', '联系电话', false);
    const lon = cellText(r.values.lon ?? null),
      lat = cellText(r.values.lat ?? null);
    let premises: [number, number] | null = null;
    if (lon || lat) {
      const x = Number(lon),
        y = Number(lat);
      if (!lon || !lat || !(x >= 73 && x <= 136) || !(y >= 3 && y <= 54))
        this.fail(
          r,
          lon ? '纬度' : '经度',
          msg(
            '门前四包位置需同时填写经度和纬度，且在中国境内（WGS84）',
            'premises need both longitude and latitude, inside China (WGS84)',
          ),
        );
      else premises = [x, y];
    }
    if (name) {
      const d = this.duplicate('unit-name', name, r);
      if (d !== null)
        this.fail(r, '单位名称', msg(`单位「${name}」与第 ${d} 行重复`, `unit "${name}" duplicates row ${d}`));
    }
    if (code) {
      const d = this.duplicate('unit-code', code, r);
      if (d !== null)
        this.fail(r, '单位编码', msg(`单位编码 ${code} 与第 ${d} 行重复`, `unit code ${code} duplicates row ${d}`));
    }
    if (this.problems.length === before)
      out.push({
        sheet: this.sheet,
        row: r.row,
        code,
        name: name!,
        type: type!,
        leaderName,
        contactName,
        contactPhone: contactPhone ?? null,
        premises,
      });
    else {
      if (name) this.refused.unitNames.add(name);
      if (code) this.refused.unitCodes.add(code);
    }
  }

  person(r: TableRow, out: PersonRecord[]) {
    const before = this.problems.length;
    const name = this.text(r, 'name', '姓名', 40, true);
    const phone = this.phone(r, 'phone', '手机号', true);
    const username = this.text(r, 'username', '登录账号', 40, false);
    if (phone) {
      const d = this.duplicate('person', phone, r);
      if (d !== null)
        this.fail(
          r,
          '手机号',
          msg(
            `人员重复：手机号 ${phone} 已在第 ${d} 行出现`,
            `duplicate person: phone ${phone} is already on row ${d}`,
          ),
        );
    }
    if (this.problems.length === before)
      out.push({ sheet: this.sheet, row: r.row, name: name!, phone: phone!, username });
    else if (phone) this.refused.phones.add(phone);
  }

  assignment(r: TableRow, implied: AssignmentRole | undefined, out: AssignmentRecord[]) {
    const before = this.problems.length;
    const areaCode = this.text(r, 'area', '区域编码', 15, true);
    if (areaCode && !/^(\d{12}|\d{15})$/.test(areaCode))
      this.fail(
        r,
        '区域编码',
        msg(
          `区域编码「${areaCode}」应为 15 位网格编码或 12 位社区编码`,
          `area code "${areaCode}" must be a 15-digit grid or 12-digit community code`,
        ),
      );
    const roleText = this.text(r, 'role', '职责', 20, !implied);
    const role = roleText ? parseRole(roleText) : (implied ?? null);
    if (roleText && !role)
      this.fail(
        r,
        '职责',
        msg(
          `未知职责「${roleText}」：应为${Object.values(ROLE_LABELS).join('、')}`,
          `unknown role "${roleText}": use ${Object.values(ROLE_LABELS).join(', ')}`,
        ),
      );
    let unitName: string | null = null,
      unitCode: string | null = null,
      personName: string | null = null,
      phone: string | null | undefined = null;
    if (role && isUnitRole(role)) {
      unitName = this.text(r, 'unit', '单位名称', 100, false);
      unitCode = this.text(r, 'unitCode', '单位编码', 32, false);
      if (!unitName && !unitCode)
        this.fail(r, '单位名称', msg(`${ROLE_LABELS[role]}需要填写单位名称`, `a ${role} unit row needs the unit name`));
    } else if (role) {
      personName = this.text(r, 'person', '姓名', 40, false);
      phone = this.phone(r, 'phone', '手机号', true);
    }
    const from = this.instant(r, 'from', '开始日期', true);
    const to = this.instant(r, 'to', '结束日期', false);
    if (from && to && to.getTime() <= from.getTime())
      this.fail(r, '结束日期', msg('结束日期必须晚于开始日期', 'the end date must be after the start date'));
    if (this.problems.length === before)
      out.push({
        sheet: this.sheet,
        row: r.row,
        areaCode: areaCode!,
        role: role!,
        unitName,
        unitCode,
        personName,
        phone: phone ?? null,
        from: from!,
        to,
      });
  }

  private instant(r: TableRow, key: string, field: string, required: boolean): Date | null {
    const c = r.values[key] ?? null;
    if (c === null || cellText(c) === '') {
      if (required) this.fail(r, field, msg(`「${field}」不能为空`, `${field} is required`));
      return null;
    }
    const d = parseInstant(c);
    if (!d)
      this.fail(
        r,
        field,
        msg(`「${cellText(c)}」不是有效日期：${DATE_RULE.zh}`, `"${cellText(c)}" is not a date: ${DATE_RULE.en}`),
      );
    return d;
  }
}
