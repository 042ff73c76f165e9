import type { ErrorBody } from '../../../api/schemas/common';

/** An error answered by the API in its one error shape, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorBody['details'] = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The UI language, read on every request so the server answers errors in it. */
let languageOf: () => string = () => 'zh-CN';
export function setRequestLanguage(get: () => string): void {
  languageOf = get;
}

function isErrorBody(x: unknown): x is ErrorBody {
  return typeof x === 'object' && x !== null && typeof (x as ErrorBody).message === 'string';
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      headers: { Accept: 'application/json', 'Accept-Language': languageOf() },
      signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // a proxy's HTML error page: keep the status, drop the body
  }
  if (!res.ok) {
    if (isErrorBody(body)) throw new ApiError(res.status, body.error, body.message, body.details);
    throw new ApiError(res.status, 'http', `HTTP ${res.status} ${res.statusText}`);
  }
  return body as T;
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
