import { describe, expect, it } from 'vitest';
import { templateWorkbook } from '../../data/contracting-template';
import { readXlsx } from '../../api/services/contracting-files';
import { readSheets } from '../../api/domain/contracting-sheets';
import { validateTables } from '../../api/domain/contracting-rows';

describe('the example workbook (npm run wangge -- contracting template)', () => {
  it('is read back by the importer without a problem: three tables under merged title rows', async () => {
    const sheets = await readXlsx('template.xlsx', new Uint8Array(await templateWorkbook()));
    expect(sheets.map((s) => s.name)).toEqual(['包保单位', '网格人员', '挂联分配', '填写说明']);
    const { tables, problems } = readSheets(sheets);
    expect(problems).toEqual([]);
    expect(tables.map((t) => [t.kind, t.rows[0]!.row])).toEqual([
      ['units', 3],
      ['people', 3],
      ['assignments', 3],
    ]);
    const { records, problems: rowProblems } = validateTables(tables);
    expect(rowProblems).toEqual([]);
    expect(records.assignments.map((a) => a.role)).toEqual([
      'lead',
      'lead',
      'support',
      'leader',
      'member',
      'member',
      'support',
    ]);
    expect(records.people[2]!.phone).toBe('13805700013');
  });
});
