import { describe, expect, it } from 'vitest';
import { normalizePhone } from '../../api/domain/phone';
import { formatInstant, parseInstant } from '../../api/domain/instant';
import { formatCsv, parseCsv, decodeText } from '../../api/domain/csv';
import { readSheets } from '../../api/domain/contracting-sheets';
import { validateTables } from '../../api/domain/contracting-rows';
import { findOverlaps } from '../../api/domain/periods';

describe('phone numbers as offices write them', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['+86 138-1234-5678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['0570-8123456', '0570-8123456'],
    ['05708123456', '0570-8123456'],
    ['(0570)8123456', '0570-8123456'],
    ['010-12345678', '010-12345678'],
    ['02112345678', '021-12345678'],
    ['+86 570 8123456', '0570-8123456'],
  ])('%s → %s', (raw, want) => expect(normalizePhone(raw)).toBe(want));
  it.each(['12812345678', '1381234567', '8123456', '0570-123', 'abc', '138123456789'])('refuses %s', (raw) =>
    expect(normalizePhone(raw)).toBeNull(),
  );
});

describe('instants in Beijing time', () => {
  const bj = (s: string) => new Date(`${s}+08:00`).getTime();
  it.each([
    ['2024-03-01', '2024-03-01T00:00:00'],
    ['2024/3/1', '2024-03-01T00:00:00'],
    ['2024年3月1日', '2024-03-01T00:00:00'],
    ['2024-03-01 14:30', '2024-03-01T14:30:00'],
    ['2024-03-01 14:30:05', '2024-03-01T14:30:05'],
    ['2024.3.1 9:05', '2024-03-01T09:05:00'],
  ])('reads %s', (text, want) => expect(parseInstant(text)?.getTime()).toBe(bj(want)));
  it('reads spreadsheet dates (zone-less) and serials as Beijing wall-clock', () => {
    expect(parseInstant(new Date(Date.UTC(2024, 2, 1, 14, 30)))?.getTime()).toBe(bj('2024-03-01T14:30:00'));
    expect(parseInstant(45352)?.getTime()).toBe(bj('2024-03-01T00:00:00'));
    expect(parseInstant('2024-03-01T00:00:00Z')?.toISOString()).toBe('2024-03-01T00:00:00.000Z');
  });
  it.each(['2024-02-30', '2024-13-01', '2024-03-01 25:00', 'tomorrow', '3/1/2024', '12'])('refuses %s', (t) =>
    expect(parseInstant(t)).toBeNull(),
  );
  it('writes a date at midnight and the time otherwise, and reads back the same instant', () => {
    for (const s of ['2024-03-01T00:00:00', '2025-06-30T14:30:00', '2025-06-30T14:30:05.250']) {
      const d = new Date(`${s}+08:00`);
      expect(parseInstant(formatInstant(d))?.getTime()).toBe(d.getTime());
    }
    expect(formatInstant(new Date('2024-02-29T16:00:00Z'))).toBe('2024-03-01');
    expect(formatInstant(new Date('2025-06-30T06:30:00Z'))).toBe('2025-06-30 14:30:00');
  });
});

describe('CSV', () => {
  it('round-trips quotes, commas, line breaks and defuses formulas', () => {
    const rows = [
      ['a', 'b,c', 'say "hi"'],
      ['line\nbreak', '=1+1', null],
    ];
    const text = formatCsv(rows);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const back = parseCsv(decodeText(new TextEncoder().encode(text)));
    expect(back).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['line\nbreak', "'=1+1", null],
    ]);
  });
  it('reads GBK files from Excel on Chinese Windows', () => {
    const gbk = new Uint8Array([0xb5, 0xa5, 0xce, 0xbb, 0x2c, 0x61]); // "单位,a" in GBK
    expect(parseCsv(decodeText(gbk))).toEqual([['单位', 'a']]);
  });
});

describe('finding the table in a sheet', () => {
  it('skips merged title rows, accepts header variants, and numbers rows as the user sees them', () => {
    const { tables, problems } = readSheets([
      {
        name: 'S',
        rows: [
          ['常山县网格长名册', '常山县网格长名册', '常山县网格长名册'],
          [null, null, null],
          ['* 网格编码', '网格长', '联系电话（手机）', '起始日期'].slice(0, 3).concat('开始日期'),
          ['330822001001001', '张三', '13812345678', '2024-01-01'],
          [null, null, null, null],
          ['330822001001002', '李四', '13812345679', '2024-01-01'],
        ],
      },
    ]);
    expect(problems).toEqual([]);
    expect(tables[0]).toMatchObject({ kind: 'assignments', impliedRole: 'leader' });
    expect(tables[0]!.rows.map((r) => r.row)).toEqual([4, 6]);
    const { records } = validateTables(tables);
    expect(records.assignments.map((a) => [a.role, a.personName, a.phone])).toEqual([
      ['leader', '张三', '13812345678'],
      ['leader', '李四', '13812345679'],
    ]);
  });
  it('names the missing column of a sheet that looks like a table', () => {
    const { problems } = readSheets([{ name: '单位', rows: [['单位名称', '负责人', '联系人']] }]);
    expect(problems[0]).toMatchObject({ sheet: '单位', field: '单位类型' });
  });
});

describe('overlapping periods', () => {
  const p = (k: string, from: string, to: string | null) => ({ k, from: new Date(from), to: to ? new Date(to) : null });
  it('finds overlaps per key; touching half-open periods do not overlap', () => {
    const items = [
      p('a', '2024-01-01', '2024-06-01'),
      p('a', '2024-06-01', null),
      p('b', '2024-01-01', null),
      p('b', '2024-03-01', '2024-04-01'),
      p('a', '2023-01-01', '2025-01-01'),
    ];
    const found = findOverlaps(items, (i) => i.k).map(({ item, other }) => [
      item.k,
      item.from.toISOString().slice(0, 10),
      other.from.toISOString().slice(0, 10),
    ]);
    expect(found).toEqual([
      ['a', '2024-01-01', '2023-01-01'],
      ['a', '2024-06-01', '2023-01-01'],
      ['b', '2024-03-01', '2024-01-01'],
    ]);
  });
});
