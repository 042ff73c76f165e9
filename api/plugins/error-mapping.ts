import type { FastifyError, FastifyRequest } from 'fastify';
import { AppError, type Msg } from '../errors';
import { validationError, type AjvError } from './validation-messages';

/**
 * Every error that is the caller's fault becomes an AppError with a bilingual message; what
 * stays null is ours (a 500, text hidden). Validation is the first line (api/schemas/hardening.ts);
 * the PostgreSQL data errors below are the safety net behind it: bad input is never a 500.
 */

// Integrity errors (STYLE.md habit 3). The database's own text names constraints and columns:
// it is never shown, the constraint is told in words when known (CONSTRAINTS).
const PG_INTEGRITY: Record<string, { status: number; msg: Msg }> = {
  '23505': { status: 409, msg: { zh: '与已有数据重复', en: 'duplicates existing data' } },
  '23503': {
    status: 409,
    msg: { zh: '引用的数据不存在或仍被引用', en: 'a referenced record is missing or still referenced' },
  },
  '23P01': { status: 409, msg: { zh: '时间段与已有记录冲突', en: 'conflicts with an existing period' } },
  '23514': { status: 422, msg: { zh: '违反数据规则', en: 'violates a data rule' } },
  '23502': { status: 422, msg: { zh: '缺少必填的数据', en: 'a required value is missing' } },
  '22023': { status: 422, msg: { zh: '几何参数无效', en: 'invalid geometry parameter' } },
  XX000: { status: 422, msg: { zh: '几何运算失败', en: 'geometry operation failed' } },
};

// Data errors: a value PostgreSQL cannot take (issue 10, finding 6).
const PG_DATA: Record<string, Msg> = {
  '22001': { zh: '文本过长', en: 'a text is too long' },
  '22003': { zh: '数值超出允许范围', en: 'a number is out of range' },
  '22007': { zh: '日期时间格式无效', en: 'a date-time is malformed' },
  '22008': {
    zh: '日期时间超出允许范围（年份须在 1900 到 2200 之间）',
    en: 'a date-time is out of range (years 1900 to 2200)',
  },
  '22021': { zh: '文本含有不允许的字符（如 NUL）', en: 'a text holds a character that is not allowed (such as NUL)' },
  '22P02': { zh: '参数格式无效', en: 'a value is malformed' },
  '22P05': {
    zh: '文本含有无法保存的字符（如 \\u0000）',
    en: 'a text holds a character that cannot be stored (such as \\u0000)',
  },
  '22025': { zh: '搜索文本中的转义字符无效', en: 'an escape character in a search text is invalid' },
  '2201B': { zh: '正则表达式无效', en: 'a regular expression is invalid' },
  '54000': { zh: '数据超出系统上限', en: 'a value exceeds a system limit' },
};

/** Constraint names (sql/migrations) in words; a constraint not listed gets its code's sentence. */
const CONSTRAINTS: Record<string, Msg> = {
  areas_code_unique: { zh: '区划编码已存在', en: 'the area code already exists' },
  areas_name_present: { zh: '区划名称不能为空，且不超过 100 个字符', en: 'the area name must be 1 to 100 characters' },
  areas_code_format: {
    zh: '区划编码格式不符（6、9、12 或 15 位数字）',
    en: 'the area code must have 6, 9, 12 or 15 digits',
  },
  users_username_unique: { zh: '用户名已被使用', en: 'the username is taken' },
  users_username_format: {
    zh: '用户名须为 3–40 位小写字母、数字或 _ . -',
    en: 'the username must be 3–40 lower-case letters, digits or _ . -',
  },
  users_display_name_present: {
    zh: '姓名不能为空，且不超过 60 个字符',
    en: 'the display name must be 1 to 60 characters',
  },
  users_unit_only_for_unit_staff: {
    zh: '只有单位工作人员账号可以关联单位',
    en: 'only unit staff accounts belong to a unit',
  },
  units_code_unique: { zh: '单位编码已存在', en: 'the unit code already exists' },
  units_name_unique: { zh: '单位名称已存在', en: 'a unit with this name already exists' },
  units_name_present: { zh: '单位名称不能为空，且不超过 100 个字符', en: 'the unit name must be 1 to 100 characters' },
  units_code_format: {
    zh: '单位编码须为 1–32 位字母、数字、_ 或 -',
    en: 'the unit code must be 1–32 letters, digits, _ or -',
  },
  units_phone_valid: {
    zh: '联系电话不是有效的手机或座机号码',
    en: 'the contact phone is not a valid mobile or landline number',
  },
  units_premises_kind: {
    zh: '门前责任区须为点、面或多面',
    en: 'the premises must be a Point, Polygon or MultiPolygon',
  },
  people_phone_unique: { zh: '该电话号码已登记给另一名人员', en: 'this phone number belongs to another person' },
  people_user_unique: { zh: '该账号已关联另一名人员', en: 'this account is linked to another person' },
  people_name_present: { zh: '人员姓名不能为空，且不超过 40 个字符', en: 'the name must be 1 to 40 characters' },
  people_phone_valid: {
    zh: '电话号码不是有效的手机或座机号码',
    en: 'the phone is not a valid mobile or landline number',
  },
  assignments_period: { zh: '结束时间必须晚于开始时间', en: 'the end must be later than the start' },
  assignments_holder: {
    zh: '牵头/协助须指定单位，网格长/网格员须指定人员',
    en: 'lead/support need a unit, leader/member a person',
  },
  assignments_area_kind: { zh: '此角色不能用于该级区划', en: 'this role does not apply to an area of this level' },
  assignments_area_fk: { zh: '区划不存在或级别不符', en: 'the area does not exist or is of another level' },
  assignments_one_lead: { zh: '该网格在此期间已有牵头单位', en: 'the grid already has a lead unit in this period' },
  assignments_one_leader: { zh: '该网格在此期间已有网格长', en: 'the grid already has a leader in this period' },
  assignments_unit_once: {
    zh: '该单位在此期间已挂联此区划',
    en: 'the unit already contracts this area in this period',
  },
  assignments_person_once: {
    zh: '该人员在此期间已在此网格任职',
    en: 'the person already serves this grid in this period',
  },
  problem_categories_code_unique: { zh: '分类编码已存在', en: 'the category code already exists' },
  problem_categories_parent: { zh: '上级分类不存在', en: 'the parent category does not exist' },
  problem_categories_names: {
    zh: '分类的中英文名称都不能为空',
    en: 'the category needs a Chinese and an English name',
  },
  problem_categories_leaf_deadline: {
    zh: '只有细类（6 位编码）有处置时限，且必须有',
    en: 'only (and every) leaf category of 6 digits has a deadline',
  },
  problem_categories_deadline_range: {
    zh: '处置时限须在 1 到 8760 小时之间',
    en: 'the deadline must be 1 to 8760 hours',
  },
  problem_categories_revisit_range: { zh: '回头看天数须在 1 到 365 之间', en: 'the revisit days must be 1 to 365' },
  problems_description_present: {
    zh: '问题描述不能为空，且不超过 2000 个字符',
    en: 'the description must be 1 to 2000 characters',
  },
  problems_deadline_when_assigned: { zh: '交办的问题必须有整改期限', en: 'an assigned problem needs a deadline' },
  problems_duplicate_link: { zh: '重复问题须指向另一个问题', en: 'a duplicate must point at another problem' },
  problem_events_comment_length: { zh: '说明不能超过 2000 个字符', en: 'the comment must be at most 2000 characters' },
  patrol_visits_period: {
    zh: '巡查结束不能早于开始，且时长不超过 24 小时',
    en: 'a patrol ends after it starts and lasts at most 24 hours',
  },
  patrol_visits_grid_fk: { zh: '网格不存在', en: 'the grid does not exist' },
  patrol_visits_note_length: { zh: '巡查备注不能超过 2000 个字符', en: 'the note must be at most 2000 characters' },
  campaigns_code_unique: { zh: '活动编码已存在', en: 'the campaign code already exists' },
  campaigns_period: { zh: '活动结束日不能早于开始日', en: 'the campaign cannot end before it starts' },
  ranking_schemes_version_unique: {
    zh: '该排名方案版本已存在，请刷新后重试',
    en: 'this ranking scheme version already exists: reload and retry',
  },
};

// Fastify's own refusals (body parsing, URL) in words; each keeps its status.
const FASTIFY: Record<string, [error: string, msg: (req: FastifyRequest) => Msg]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [
    'InvalidJson',
    () => ({ zh: '请求体不是有效的 JSON', en: 'the request body is not valid JSON' }),
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: [
    'EmptyBody',
    () => ({
      zh: '请求体为空，但声明为 JSON（Content-Type: application/json）',
      en: 'the request body is empty but declared as JSON (Content-Type: application/json)',
    }),
  ],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'UnsupportedMediaType',
    (req) => {
      const t = String(req.headers['content-type'] ?? '').slice(0, 60);
      return {
        zh: `不支持的请求体类型 ${t}：请以 JSON 发送（Content-Type: application/json）`,
        en: `unsupported body type ${t}: send JSON (Content-Type: application/json)`,
      };
    },
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [
    'PayloadTooLarge',
    (req) => {
      // the route's own limit (login: a few KB; imports: more), in KB as the limits are set
      const limit = req.routeOptions?.bodyLimit;
      return limit
        ? {
            zh: `请求体过大：此接口最多接受 ${Math.round(limit / 1024)} KB`,
            en: `request body too large: this endpoint accepts at most ${Math.round(limit / 1024)} KB`,
          }
        : { zh: '请求体过大', en: 'request body too large' };
    },
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    'BadRequest',
    () => ({ zh: '请求体长度与 Content-Length 不符', en: 'the body size does not match Content-Length' }),
  ],
  FST_ERR_BAD_URL: [
    'BadRequest',
    () => ({ zh: '地址中含有无效的百分号编码', en: 'the address holds an invalid percent-encoding' }),
  ],
  FST_ERR_MAX_PARAM_LENGTH: [
    'UriTooLong',
    () => ({ zh: '地址中的参数过长', en: 'a parameter in the address is too long' }),
  ],
  FST_ERR_ASYNC_CONSTRAINT: ['BadRequest', () => ({ zh: '请求无法匹配任何接口', en: 'the request matches no route' })],
};

type AnyError = FastifyError & {
  code?: string;
  constraint?: string;
  validation?: unknown[];
  validationContext?: string;
};

/** The caller's-fault errors as AppErrors; null for ours. */
export function toAppError(err: AnyError, req: FastifyRequest): AppError | null {
  if (err instanceof AppError) return err;
  if (err.validation) return validationError(err.validation as AjvError[], err.validationContext ?? 'body');
  const code = err.code ?? '';
  const integrity = PG_INTEGRITY[code];
  if (integrity) {
    const named = err.constraint ? CONSTRAINTS[err.constraint] : undefined;
    return new AppError(integrity.status, 'Conflict', named ?? integrity.msg);
  }
  const data = PG_DATA[code];
  if (data)
    return new AppError(400, 'BadRequest', { zh: `请求参数无效：${data.zh}`, en: `invalid request: ${data.en}` });
  const fst = FASTIFY[code];
  const status = err.statusCode ?? 500;
  if (fst) return new AppError(status >= 400 && status < 500 ? status : 400, fst[0], fst[1](req));
  if (status >= 400 && status < 500) {
    return new AppError(status, code || 'BadRequest', {
      zh: `请求无效（${code || status}）`,
      en: `bad request (${code || status}): ${err.message}`,
    });
  }
  return null;
}
