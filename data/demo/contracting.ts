import type { ContractingRecords } from '../../api/domain/contracting-rows';
import type { AssignmentRole } from '../../api/domain/contracting-sheets';
import { substream, type Rng } from './random';
import { DEMO_UNITS, GIVEN, SURNAMES } from './unit-names';

/** The demo's named staff, matching the demo accounts (data/demo/accounts.ts). */
export const DEMO_LEADER = { name: '张建国', phone: '13805700001' };
export const DEMO_MEMBER = { name: '陈小红', phone: '13805700002' };
/** the unit of the demo unit_staff account; it leads the grids of one community */
export const DEMO_STAFF_UNIT = '县教育局';

const DAY = 86400_000;
/** Beijing midnight of the day `days` before `now` (+ hours), as an instant. */
const bjDay = (now: Date, days: number, hours = 0) =>
  new Date(Math.floor((now.getTime() + 8 * 3600_000) / DAY) * DAY - 8 * 3600_000 - days * DAY + hours * 3600_000);

const pick = <T>(rng: Rng, xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
const MOBILE_PREFIXES = [
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '157',
  '158',
  '159',
  '187',
  '188',
  '189',
  '133',
  '153',
  '177',
  '180',
  '181',
  '199',
];

/**
 * Units, grid staff and a year of assignments for the demo city, deterministic in (seed, grid
 * codes, today): a leader for every grid but one, members for most, a lead unit for most grids
 * (each community split among 1–3 units, so zones are contiguous on the map), a unit per
 * community, a few deliberate gaps, and some grids handed to another unit ~3 months ago.
 */
export function demoContracting(gridCodes: string[], seed: number, now: Date): ContractingRecords {
  const rng = substream(seed, 'contracting');
  const phones = new Set([DEMO_LEADER.phone, DEMO_MEMBER.phone]);
  const phone = () => {
    for (;;) {
      const p = pick(rng, MOBILE_PREFIXES) + String(Math.floor(rng() * 1e8)).padStart(8, '0');
      if (!phones.has(p)) {
        phones.add(p);
        return p;
      }
    }
  };
  const name = () => pick(rng, SURNAMES) + pick(rng, GIVEN) + (rng() < 0.7 ? pick(rng, GIVEN) : '');
  const at = { sheet: 'demo', row: 0 };
  const units = DEMO_UNITS.map(([unitName, type], i) => ({
    ...at,
    row: i + 1,
    code: `U${String(i + 1).padStart(4, '0')}`,
    name: unitName,
    type,
    leaderName: name(),
    contactName: name(),
    contactPhone: rng() < 0.5 ? `0570-${5000000 + Math.floor(rng() * 999999)}` : phone(),
    premises: null,
  }));
  const start = bjDay(now, 365),
    turnover = bjDay(now, 91, 9); // the campaign year; a reshuffle ~3 months ago at 09:00
  const assignments: ContractingRecords['assignments'] = [];
  const people = new Map<string, string>([
    [DEMO_LEADER.phone, DEMO_LEADER.name],
    [DEMO_MEMBER.phone, DEMO_MEMBER.name],
  ]);
  const add = (
    areaCode: string,
    role: AssignmentRole,
    holder: { unit?: string; phone?: string },
    from: Date,
    to: Date | null = null,
  ) =>
    assignments.push({
      ...at,
      row: assignments.length + 1,
      areaCode,
      role,
      unitName: holder.unit ?? null,
      unitCode: null,
      personName: holder.phone ? people.get(holder.phone)! : null,
      phone: holder.phone ?? null,
      from,
      to,
    });
  const person = () => {
    const p = phone();
    people.set(p, name());
    return p;
  };

  const byCommunity = new Map<string, string[]>();
  for (const g of [...gridCodes].sort())
    byCommunity.set(g.slice(0, 12), [...(byCommunity.get(g.slice(0, 12)) ?? []), g]);
  const communities = [...byCommunity.keys()];
  const firstStreet = communities[0]!.slice(0, 9);
  const staffCommunity = communities.find((c) => !c.startsWith(firstStreet)) ?? communities[0]!;
  const pool = units
    .slice(0, -1)
    .map((u) => u.name)
    .filter((u) => u !== DEMO_STAFF_UNIT); // 县档案馆 stays idle
  let next = Math.floor(rng() * pool.length);
  const lastGrid = gridCodes.reduce((a, b) => (a > b ? a : b));

  communities.forEach((community, ci) => {
    add(community, 'lead', { unit: pool[(ci * 7) % pool.length]! }, start);
    const grids = byCommunity.get(community)!;
    const parts = community === staffCommunity ? 1 : 1 + Math.floor(rng() * 3);
    grids.forEach((grid, gi) => {
      const lead =
        community === staffCommunity
          ? DEMO_STAFF_UNIT
          : pool[(next + Math.floor((gi * parts) / grids.length)) % pool.length]!;
      const r = rng();
      if (community !== staffCommunity && r < 0.04) {
        /* deliberate gap: no lead unit */
      } else if (community !== staffCommunity && r < 0.16) {
        add(grid, 'lead', { unit: lead }, start, turnover);
        add(grid, 'lead', { unit: pool[(pool.indexOf(lead) + 11) % pool.length]! }, turnover);
      } else add(grid, 'lead', { unit: lead }, start);
      if (rng() < 0.2) add(grid, 'support', { unit: pool[(pool.indexOf(lead) + 5) % pool.length]! }, start);
      // Staff: the demo accounts' people hold the first two grids.
      const first = grid === gridCodes[0],
        second = grid === gridCodes[1];
      if (grid !== lastGrid) {
        const leader = first ? DEMO_LEADER.phone : person();
        if (!first && rng() < 0.08) {
          add(grid, 'leader', { phone: leader }, start, turnover);
          add(grid, 'leader', { phone: person() }, turnover);
        } else add(grid, 'leader', { phone: leader }, start);
      }
      if (second) add(grid, 'member', { phone: DEMO_MEMBER.phone }, start);
      else
        for (let m = rng() < 0.85 ? 1 + Math.floor(rng() * 2) : 0; m > 0; m--)
          add(grid, 'member', { phone: person() }, start);
    });
    next = (next + parts) % pool.length;
  });
  return {
    units,
    people: [...people].map(([p, n], i) => ({ ...at, row: i + 1, name: n, phone: p, username: null })),
    assignments,
  };
}
