import { AppError } from '../errors';
import type { ProblemTileFilters } from '../repositories/tiles';
import { parseInstant } from '../domain/instant';
import { PROBLEM_SOURCES, PROBLEM_STATES } from '../domain/problem-machine';

/** The query string of /tiles/problems as it arrives (lists may repeat or be comma-separated). */
export interface ProblemTileQuery {
  state?: string[];
  category?: string;
  categoryId?: number;
  source?: string[];
  from?: string;
  to?: string;
  overdue?: boolean;
  area?: string;
}

const bad = (field: string, zh: string, en: string) =>
  new AppError(400, 'BadFilter', { zh: `${field}：${zh}`, en: `${field}: ${en}` }, [{ field, reason: { zh, en } }]);

function list(field: string, values: string[] | undefined, allowed: readonly string[]): string[] | null {
  if (!values) return null;
  const all = [
    ...new Set(
      values
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = all.filter((v) => !allowed.includes(v));
  if (unknown.length) {
    throw bad(
      field,
      `未知的取值 ${unknown.join('、')}（可选：${allowed.join('、')}）`,
      `unknown value ${unknown.join(', ')} (one of ${allowed.join(', ')})`,
    );
  }
  return all.length ? all : null;
}

function instant(field: string, v: string | undefined): Date | null {
  if (v === undefined || v === '') return null;
  // A bare date is Beijing midnight, like everywhere dates are typed (api/domain/instant.ts).
  const d = parseInstant(v);
  if (!d)
    throw bad(
      field,
      '不是有效的日期或时间（如 2026-03-01 或 ISO 8601）',
      'not a valid date or date-time (e.g. 2026-03-01 or ISO 8601)',
    );
  return d;
}

/** Checks the filters of a problem tile; bad values are a 400 naming the parameter. */
export function problemTileFilters(q: ProblemTileQuery): ProblemTileFilters {
  const category = q.category?.trim() || null;
  if (category !== null && !/^[0-9]{2}([0-9]{2}([0-9]{2})?)?$/.test(category)) {
    throw bad(
      'category',
      '应为 2、4 或 6 位分类编码（前缀匹配）',
      'must be a category code of 2, 4 or 6 digits (matched as a prefix)',
    );
  }
  const from = instant('from', q.from);
  const to = instant('to', q.to);
  if (from && to && from >= to) throw bad('to', '应晚于 from', 'must be later than from');
  return {
    states: list('state', q.state, PROBLEM_STATES),
    category,
    categoryId: q.categoryId ?? null,
    sources: list('source', q.source, PROBLEM_SOURCES),
    from,
    to,
    overdue: q.overdue ?? null,
    area: q.area ?? null,
  };
}
