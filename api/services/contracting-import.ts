import type { Db, Queryable } from '../db/types';
import type { Problem } from '../errors';
import { readSheets } from '../domain/contracting-sheets';
import {
  validateTables,
  type AssignmentRecord,
  type ContractingRecords,
  type RefusedHolders,
} from '../domain/contracting-rows';
import { importRefused } from '../domain/problem-list';
import { isUnitRole, ROLE_LABELS } from '../domain/contracting-labels';
import { findOverlaps } from '../domain/periods';
import type { ContractingImportResult } from '../schemas/contracting';
import { contractingRepository, insertUnit, updateUnit } from '../repositories/contracting';
import { areasRepository } from '../repositories/areas';
import { assignmentsRepository } from '../repositories/assignments';
import { describeConflict, findConflicts, writeAssignments, type Proposed } from './assignments';
import { readFiles } from './contracting-files';

export const refused = (problems: Problem[]) => importRefused('ImportRefused', problems);

/**
 * Units, people and assignments from .xlsx/.csv files, all or nothing: tables are found by
 * their headers, rows checked one by one (pure), then the rows that passed are resolved and
 * written in one transaction. Every stage runs whatever an earlier one found, so every problem
 * is reported at once, with its sheet, row and column; any problem rolls everything back.
 */
export async function importContracting(
  db: Db,
  files: { name: string; content: Uint8Array }[],
): Promise<ContractingImportResult> {
  const { tables, problems } = readSheets(await readFiles(files));
  const { records, problems: rowProblems, refused: refusedHolders } = validateTables(tables);
  const earlier = { problems: [...problems, ...rowProblems], refused: refusedHolders };
  let proposed: Proposed[] = [];
  return writeAssignments(
    db,
    () => proposed,
    (tx) =>
      importRecordsIn(
        tx,
        records,
        (p) => {
          proposed = p;
        },
        earlier,
      ),
  );
}

const at = (r: { sheet: string; row: number }) => ({ sheet: r.sheet, row: r.row });

/** The import inside a caller's transaction (the demo seeds through this too). */
export async function importRecordsIn(
  tx: Queryable,
  records: ContractingRecords,
  onProposed: (p: Proposed[]) => void = () => {},
  earlier: { problems: Problem[]; refused?: RefusedHolders } = { problems: [] },
): Promise<ContractingImportResult> {
  const problems: Problem[] = [...earlier.problems];
  const skip = earlier.refused ?? {
    unitNames: new Set<string>(),
    unitCodes: new Set<string>(),
    phones: new Set<string>(),
  };
  const result: ContractingImportResult = {
    units: { created: 0, updated: 0 },
    people: { created: 0, updated: 0 },
    assignments: { created: 0, unchanged: 0 },
  };
  await writeUnits(tx, records, problems, result);
  const phones = await writePeople(tx, records, problems, result, skip.phones);

  // Resolve the assignment rows against the stored areas and units.
  const as = records.assignments;
  const areas = new Map(
    (await areasRepository(tx).summariesByCode([...new Set(as.map((a) => a.areaCode))])).map((r) => [r.code, r]),
  );
  const units = await contractingRepository(tx).unitKeys();
  const unitByCode = new Map(units.map((u) => [u.code, u])),
    unitByName = new Map(units.map((u) => [u.name, u]));
  const rows: { rec: AssignmentRecord; p: Proposed; level: string }[] = [];
  as.forEach((rec, i) => {
    const area = areas.get(rec.areaCode);
    const fail = (field: string, zh: string, en: string) => problems.push({ ...at(rec), field, reason: { zh, en } });
    if (!area) return fail('区域编码', `区域编码 ${rec.areaCode} 不存在`, `unknown area code ${rec.areaCode}`);
    if (!isUnitRole(rec.role) && area.level !== 'grid')
      return fail(
        '区域编码',
        `${ROLE_LABELS[rec.role]}只能分配到网格，${rec.areaCode} 是社区`,
        `a ${rec.role} belongs to a grid; ${rec.areaCode} is a community`,
      );
    let unitId: number | null = null,
      personId: number | null = null;
    if (isUnitRole(rec.role)) {
      const byCode = rec.unitCode ? unitByCode.get(rec.unitCode) : undefined,
        byName = rec.unitName ? unitByName.get(rec.unitName) : undefined;
      // a unit whose own row was refused: that row's problem says it already
      if (
        (rec.unitCode && !byCode && skip.unitCodes.has(rec.unitCode)) ||
        (rec.unitName && !byName && skip.unitNames.has(rec.unitName))
      )
        return;
      if (rec.unitCode && !byCode)
        return fail('单位编码', `单位编码 ${rec.unitCode} 不存在`, `unknown unit code ${rec.unitCode}`);
      if (rec.unitName && !byName)
        return fail(
          '单位名称',
          `单位「${rec.unitName}」不存在（请先在包保单位表中列出）`,
          `unknown unit "${rec.unitName}" (list it in the units sheet first)`,
        );
      if (byCode && byName && byCode.id !== byName.id)
        return fail(
          '单位名称',
          `单位编码 ${rec.unitCode} 是「${byCode.name}」，不是「${rec.unitName}」`,
          `unit code ${rec.unitCode} is "${byCode.name}", not "${rec.unitName}"`,
        );
      unitId = (byCode ?? byName)!.id;
    } else {
      personId = phones.get(rec.phone!) ?? null;
      if (personId === null) return; // reported by writePeople
    }
    rows.push({
      rec,
      level: area.level,
      p: { i, areaId: area.id, role: rec.role, unitId, personId, from: rec.from, to: rec.to },
    });
  });

  const assignments = assignmentsRepository(tx);
  const unchanged = await assignments.unchanged(rows.map((r) => r.p));
  const fresh = rows.filter((r) => !unchanged.has(r.p.i));
  const label = (r: (typeof rows)[number]) => r.rec;
  const reported = new Set<number>();
  for (const [key, why] of [
    [
      (r: (typeof rows)[number]) => (r.p.role === 'lead' || r.p.role === 'leader' ? `${r.p.areaId}|${r.p.role}` : null),
      { zh: '同一时间只能有一个', en: 'only one at a time: ' },
    ],
    [
      (r: (typeof rows)[number]) => `${r.p.areaId}|${r.p.unitId ?? ''}|${r.p.personId ?? ''}`,
      { zh: '同一单位或人员不能重复分配到', en: 'the same holder twice on ' },
    ],
  ] as const) {
    for (const { item, other } of findOverlaps(
      fresh.map((r) => ({ ...r, from: r.p.from, to: r.p.to })),
      key,
    )) {
      if (reported.has(item.p.i)) continue;
      reported.add(item.p.i);
      problems.push({
        ...at(label(item)),
        field: '开始日期',
        reason: {
          zh: `与第 ${other.rec.row} 行时间段重叠（${why.zh}${item.rec.areaCode} 的${ROLE_LABELS[item.p.role]}）`,
          en: `overlaps the period of row ${other.rec.row} (${why.en}${item.rec.areaCode} ${item.p.role})`,
        },
      });
    }
  }
  const proposed = fresh.map((r) => r.p);
  onProposed(proposed);
  for (const c of await findConflicts(
    tx,
    proposed.filter((p) => !reported.has(p.i)),
  )) {
    problems.push({ ...at(as[c.i]!), field: '开始日期', reason: describeConflict(c) });
  }
  if (problems.length)
    throw refused(problems.sort((a, b) => (a.sheet ?? '').localeCompare(b.sheet ?? '') || (a.row ?? 0) - (b.row ?? 0)));
  await assignments.insertMany(fresh.map((r) => ({ ...r.p, level: r.level })));
  result.assignments = { created: fresh.length, unchanged: unchanged.size };
  return result;
}

async function writeUnits(
  tx: Queryable,
  records: ContractingRecords,
  problems: Problem[],
  result: ContractingImportResult,
) {
  const units = await contractingRepository(tx).unitKeys();
  const byCode = new Map(units.map((u) => [u.code, u])),
    byName = new Map(units.map((u) => [u.name, u]));
  // Units without a code get the next free U0001, U0002…
  let next =
    Math.max(
      0,
      ...units.map((u) => (/^U(\d+)$/.exec(u.code) ? Number(u.code.slice(1)) : 0)),
      ...records.units.map((u) => (u.code && /^U(\d+)$/.test(u.code) ? Number(u.code.slice(1)) : 0)),
    ) + 1;
  for (const u of records.units) {
    const sameCode = u.code ? byCode.get(u.code) : undefined,
      sameName = byName.get(u.name);
    if (sameCode && sameName && sameCode.id !== sameName.id) {
      problems.push({
        ...at(u),
        field: '单位名称',
        reason: {
          zh: `名称「${u.name}」已被编码 ${sameName.code} 的单位使用`,
          en: `the name "${u.name}" belongs to unit ${sameName.code}`,
        },
      });
      continue;
    }
    if (u.code && !sameCode && sameName) {
      problems.push({
        ...at(u),
        field: '单位编码',
        reason: {
          zh: `单位「${u.name}」已存在，编码为 ${sameName.code}，不是 ${u.code}`,
          en: `unit "${u.name}" exists with code ${sameName.code}, not ${u.code}`,
        },
      });
      continue;
    }
    const fields = {
      name: u.name,
      type: u.type,
      leaderName: u.leaderName,
      contactName: u.contactName,
      contactPhone: u.contactPhone,
      premises: u.premises ? { type: 'Point', coordinates: u.premises } : null,
    };
    const existing = sameCode ?? sameName;
    if (existing) {
      await updateUnit(tx, existing.id, fields);
      result.units.updated++;
    } else {
      const code = u.code ?? `U${String(next++).padStart(4, '0')}`;
      const id = await insertUnit(tx, { ...fields, code });
      byCode.set(code, { id, code, name: u.name });
      byName.set(u.name, { id, code, name: u.name });
      result.units.created++;
    }
  }
}

/** People from the people sheet, and those named only in assignment rows; phone → id. */
async function writePeople(
  tx: Queryable,
  records: ContractingRecords,
  problems: Problem[],
  result: ContractingImportResult,
  refusedPhones: Set<string>,
): Promise<Map<string, number>> {
  const usernames = [...new Set(records.people.flatMap((p) => (p.username ? [p.username.toLowerCase()] : [])))];
  const repo = contractingRepository(tx);
  const users = await repo.accountIds(usernames);
  const stored = new Map(
    (
      await repo.peopleByPhone([
        ...new Set([
          ...records.people.map((p) => p.phone),
          ...records.assignments.flatMap((a) => (a.phone ? [a.phone] : [])),
        ]),
      ])
    ).map((p) => [p.phone, p.name]),
  );
  const upsert = new Map<string, { name: string; phone: string; userId: number | null }>();
  for (const p of records.people) {
    const userId = p.username ? users.get(p.username.toLowerCase()) : null;
    if (userId === undefined)
      problems.push({
        ...at(p),
        field: '登录账号',
        reason: { zh: `登录账号 ${p.username} 不存在`, en: `no account ${p.username}` },
      });
    upsert.set(p.phone, { name: p.name, phone: p.phone, userId: userId ?? null });
  }
  for (const a of records.assignments) {
    if (!a.phone) continue;
    const known = upsert.get(a.phone)?.name ?? stored.get(a.phone);
    if (known === undefined && refusedPhones.has(a.phone)) continue; // the person's own row was refused
    if (known === undefined && !a.personName) {
      problems.push({
        ...at(a),
        field: '姓名',
        reason: { zh: `手机号 ${a.phone} 未登记，请填写姓名`, en: `phone ${a.phone} is not registered: give the name` },
      });
    } else if (known === undefined) {
      upsert.set(a.phone, { name: a.personName!, phone: a.phone, userId: null });
    } else if (a.personName && a.personName !== known) {
      problems.push({
        ...at(a),
        field: '姓名',
        reason: {
          zh: `手机号 ${a.phone} 登记的是「${known}」，不是「${a.personName}」`,
          en: `phone ${a.phone} belongs to "${known}", not "${a.personName}"`,
        },
      });
    }
  }
  const phones = new Map<string, number>();
  if (upsert.size) {
    for (const r of await repo.upsertPeople([...upsert.values()])) {
      phones.set(r.phone, r.id);
      if (r.inserted) result.people.created++;
      else result.people.updated++;
    }
  }
  const rest = [...new Set(records.assignments.flatMap((a) => (a.phone && !phones.has(a.phone) ? [a.phone] : [])))];
  for (const r of await repo.peopleByPhone(rest)) phones.set(r.phone, r.id);
  return phones;
}
