import { AppError, type Msg, type Problem } from '../errors';
import { forbiddenChar } from '../schemas/hardening';
import { TEXT_KEYWORD, type TextKind } from '../schemas/common';

/**
 * Ajv's refusals in the user's language (issue 10, finding 12): each names the field and what
 * is allowed — the list of values once for a union of constants, the size in MB for a base64
 * file, the range for a number. No Ajv English reaches the user; an unknown keyword still gets
 * a bilingual sentence. (ajv-i18n has no Chinese locale for Ajv 8's custom keywords and cannot
 * see the schema, so it could name neither the allowed values nor the MB.)
 */
export interface AjvError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  /** with Ajv's verbose option (api/app.ts) */
  data?: unknown;
  parentSchema?: Record<string, unknown>;
}
type Context = 'body' | 'querystring' | 'params' | 'headers' | string;

const PLACE: Record<string, Msg> = {
  querystring: { zh: '查询参数 ', en: 'query parameter ' },
  params: { zh: '路径参数 ', en: 'path parameter ' },
  headers: { zh: '请求头 ', en: 'header ' },
};
const TYPE: Record<string, Msg> = {
  integer: { zh: '整数', en: 'an integer' },
  number: { zh: '数字', en: 'a number' },
  string: { zh: '文本', en: 'a string' },
  boolean: { zh: '布尔值（true 或 false）', en: 'a boolean (true or false)' },
  object: { zh: '对象', en: 'an object' },
  array: { zh: '数组', en: 'an array' },
  null: { zh: 'null', en: 'null' },
};
const AREA_CODE = { zh: '必须是 6、9、12 或 15 位数字的区划编码', en: 'must be an area code of 6, 9, 12 or 15 digits' };
const PATTERN: Record<string, Msg> = {
  '\\S': { zh: '不能只有空白', en: 'must not be blank' },
  '^[0-9]{6,15}$': AREA_CODE,
  '^([0-9]{6}|[0-9]{9}|[0-9]{12}|[0-9]{15})$': AREA_CODE,
  '^[0-9]{2}([0-9]{2}([0-9]{2})?)?$': {
    zh: '必须是 2、4 或 6 位数字的分类编码',
    en: 'must be a category code of 2, 4 or 6 digits',
  },
  '^[a-z0-9_.-]{3,40}$': {
    zh: '必须是 3–40 位小写字母、数字或 _ . -',
    en: 'must be 3–40 lower-case letters, digits or _ . -',
  },
  '^[a-z0-9-]{1,40}$': { zh: '必须是 1–40 位小写字母、数字或 -', en: 'must be 1–40 lower-case letters, digits or -' },
  '^[A-Za-z0-9_-]{1,32}$': { zh: '必须是 1–32 位字母、数字、_ 或 -', en: 'must be 1–32 letters, digits, _ or -' },
  '\\.(xlsx|csv)$': { zh: '文件名必须以 .xlsx 或 .csv 结尾', en: 'the file name must end in .xlsx or .csv' },
};
const FORMAT: Record<string, Msg> = {
  'date-time': {
    zh: '必须是带时区的日期时间，如 2026-03-01T08:00:00+08:00',
    en: 'must be a date-time with its zone, e.g. 2026-03-01T08:00:00+08:00',
  },
  date: { zh: '必须是日期，如 2026-03-01', en: 'must be a date, e.g. 2026-03-01' },
};

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const oneOf = (values: unknown[]): Msg => ({
  zh: `必须是以下之一：${values.map(show).join('、')}`,
  en: `must be one of: ${values.map(show).join(', ')}`,
});
const typeList = (types: string[]): Msg => ({
  zh: `必须是${types.map((t) => TYPE[t]?.zh ?? t).join('或')}`,
  en: `must be ${types.map((t) => TYPE[t]?.en ?? t).join(' or ')}`,
});

/** "1 到 500 之间" from the schema's bounds, whichever of them it has. */
function range(s: Record<string, unknown>): Msg {
  if (typeof s.minimum === 'number' && typeof s.maximum === 'number') {
    return { zh: `必须在 ${s.minimum} 到 ${s.maximum} 之间`, en: `must be between ${s.minimum} and ${s.maximum}` };
  }
  const zh: string[] = [],
    en: string[] = [];
  if (typeof s.minimum === 'number') {
    zh.push(`不小于 ${s.minimum}`);
    en.push(`at least ${s.minimum}`);
  }
  if (typeof s.exclusiveMinimum === 'number') {
    zh.push(`大于 ${s.exclusiveMinimum}`);
    en.push(`more than ${s.exclusiveMinimum}`);
  }
  if (typeof s.maximum === 'number') {
    zh.push(`不大于 ${s.maximum}`);
    en.push(`at most ${s.maximum}`);
  }
  if (typeof s.exclusiveMaximum === 'number') {
    zh.push(`小于 ${s.exclusiveMaximum}`);
    en.push(`less than ${s.exclusiveMaximum}`);
  }
  return { zh: `必须${zh.join('，且')}`, en: `must be ${en.join(' and ')}` };
}

const mb = (chars: number) => String(Math.round(((chars * 3) / 4 / 1048576) * 10) / 10);
const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The reason of one Ajv error, in both languages. */
function reason(e: AjvError): Msg {
  const p = e.params,
    s = e.parentSchema ?? {};
  switch (e.keyword) {
    case 'type':
      return typeList(String(p.type).split(','));
    case 'enum':
      return oneOf((p.allowedValues as unknown[]) ?? (s.enum as unknown[]) ?? []);
    case 'const':
      return oneOf([p.allowedValue]);
    case 'required':
      return { zh: '为必填项', en: 'is required' };
    case 'additionalProperties':
      return { zh: '是不允许的字段', en: 'is not an allowed field' };
    case 'maxItems':
      return { zh: `最多 ${p.limit} 项`, en: `must have at most ${p.limit} items` };
    case 'minItems':
      return { zh: `至少 ${p.limit} 项`, en: `must have at least ${p.limit} items` };
    case 'uniqueItems':
      return { zh: '不能有重复项', en: 'must not repeat an item' };
    case 'maxLength':
      if (s.contentEncoding === 'base64' || /base64/i.test(e.instancePath)) {
        return {
          zh: `文件不能超过 ${mb(Number(p.limit))} MB`,
          en: `the file must not exceed ${mb(Number(p.limit))} MB`,
        };
      }
      return { zh: `最长 ${p.limit} 个字符`, en: `must be at most ${p.limit} characters long` };
    case 'minLength':
      return Number(p.limit) === 1
        ? { zh: '不能为空', en: 'must not be empty' }
        : { zh: `至少 ${p.limit} 个字符`, en: `must be at least ${p.limit} characters long` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return range(s);
    case 'multipleOf':
      return { zh: `必须是 ${p.multipleOf} 的倍数`, en: `must be a multiple of ${p.multipleOf}` };
    case 'x-finite':
      return { zh: '必须是有限的数字（不能是 Infinity 或 NaN）', en: 'must be a finite number (not Infinity or NaN)' };
    case 'x-years': {
      const [min, max] = (s['x-years'] as number[] | undefined) ?? [];
      return { zh: `年份必须在 ${min} 到 ${max} 之间`, en: `the year must be between ${min} and ${max}` };
    }
    case TEXT_KEYWORD: {
      const c = typeof e.data === 'string' ? forbiddenChar(e.data, (s[TEXT_KEYWORD] as TextKind) ?? 'text') : null;
      const at = c ? ` ${codePoint(c)}` : '';
      return {
        zh: `含有不允许的控制或不可见字符${at}（如 NUL、零宽字符、双向控制符${s[TEXT_KEYWORD] === 'line' ? '、换行' : ''}），请删除后重试`,
        en: `contains a control or invisible character${at} (NUL, zero-width, bidi control${s[TEXT_KEYWORD] === 'line' ? ', line break' : ''}): remove it`,
      };
    }
    case 'format':
      return (
        FORMAT[String(p.format)] ?? { zh: `格式不符（应为 ${p.format}）`, en: `must be in the ${p.format} format` }
      );
    case 'pattern':
      return (
        PATTERN[String(p.pattern)] ?? {
          zh: `格式不符（应符合 ${p.pattern}）`,
          en: `must match the pattern ${p.pattern}`,
        }
      );
    default:
      return { zh: `无效（${e.keyword}）`, en: `is invalid (${e.keyword})` };
  }
}

/** "/photos/0/dataBase64" → "photos[0].dataBase64" */
function fieldOf(e: AjvError): string {
  const parts = e.instancePath
    .split('/')
    .slice(1)
    .map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = (e.params.missingProperty ?? e.params.additionalProperty) as string | undefined;
  if (extra !== undefined) parts.push(extra);
  return parts.reduce((acc, x) => (/^\d+$/.test(x) ? `${acc}[${x}]` : acc ? `${acc}.${x}` : x), '');
}

/**
 * A union (anyOf/oneOf) reports every branch's complaint; keep what helps: the complaints of
 * the branch that got furthest (below the union's own value), or else one "must be X or Y".
 */
function collapseUnions(errors: AjvError[]): Array<AjvError | { union: AjvError; reason: Msg }> {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const outer = (e: AjvError) => unions.find((u) => u !== e && e.schemaPath.startsWith(u.schemaPath + '/'));
  const out: Array<AjvError | { union: AjvError; reason: Msg }> = [];
  for (const u of unions) {
    if (outer(u)) continue;
    const inside = errors.filter(
      (e) => e !== u && e.schemaPath.startsWith(u.schemaPath + '/') && e.keyword !== 'anyOf' && e.keyword !== 'oneOf',
    );
    const shallow = (e: AjvError) => e.instancePath === u.instancePath && ['type', 'const', 'enum'].includes(e.keyword);
    const deeper = inside.filter((e) => !shallow(e));
    if (deeper.length) {
      out.push(...deeper);
      continue;
    }
    const types = [
      ...new Set(inside.filter((e) => e.keyword === 'type').flatMap((e) => String(e.params.type).split(','))),
    ];
    const values = inside.flatMap((e) =>
      e.keyword === 'const'
        ? [e.params.allowedValue]
        : e.keyword === 'enum'
          ? (e.params.allowedValues as unknown[])
          : [],
    );
    const r: Msg = values.length
      ? {
          zh: oneOf(values).zh + types.map((t) => `、${TYPE[t]?.zh ?? t}`).join(''),
          en: oneOf(values).en + types.map((t) => `, ${TYPE[t]?.en ?? t}`).join(''),
        }
      : typeList(types);
    out.push({ union: u, reason: r });
  }
  out.push(...errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && !outer(e)));
  return out;
}

/** Shown in the message; details carry up to MAX_DETAILS (allErrors on a big array lists thousands). */
const SHOWN = 5;
const MAX_DETAILS = 50;

/** Ajv errors of one request part → a 400 naming each field and what it allows. */
export function validationError(errors: AjvError[], context: Context): AppError {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const item of collapseUnions(errors)) {
    const e = 'union' in item ? item.union : item;
    const field = fieldOf(e);
    const why = 'union' in item ? item.reason : reason(e);
    const key = `${field}\u0001${why.en}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ field, reason: why });
    if (problems.length >= MAX_DETAILS) break;
  }
  const place = PLACE[context] ?? { zh: '', en: '' };
  const label = (f: string, lang: 'zh' | 'en') =>
    f
      ? `${place[lang]}${f} `
      : lang === 'zh'
        ? context === 'body'
          ? '请求体'
          : place.zh.trim()
        : context === 'body'
          ? 'the request body '
          : place.en;
  const line = (lang: 'zh' | 'en') =>
    problems.slice(0, SHOWN).map((p) => `${label(p.field ?? '', lang)}${p.reason[lang]}`);
  const more = problems.length - SHOWN;
  return new AppError(
    400,
    'BadRequest',
    {
      zh: `请求参数无效：${line('zh').join('；')}${more > 0 ? `；另有 ${more} 处` : ''}`,
      en: `invalid request: ${line('en').join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
    },
    problems,
  );
}
