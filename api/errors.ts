/** Messages exist in both languages from the moment they are raised; the handler picks one. */
export interface Msg {
  zh: string;
  en: string;
}
export type Lang = keyof Msg;

export interface Problem {
  index?: number;
  /** sheet (or CSV file) and 1-based row number, for problems in an uploaded table */
  sheet?: string;
  row?: number;
  feature?: string;
  field?: string;
  reason: Msg;
}

/** An error meant for the user: a 4xx with a code, a bilingual message and per-item details. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly msg: Msg,
    readonly problems: Problem[] = [],
  ) {
    super(msg.en);
  }
}

export const notFound = (what: Msg) =>
  new AppError(404, 'NotFound', { zh: `未找到${what.zh}`, en: `${what.en} not found` });

/** Accept-Language → 'en' for any English tag, otherwise Chinese (the default). */
export function langOf(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'zh';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}
