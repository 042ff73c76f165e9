import type { ErrorBody } from '@schemas/common';
import { noteServerTime } from './server-time';

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

/** The session's CSRF token (from login or /api/auth/me): every write sends it, no call site does. */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * Called when an answer means the session is gone (401) or must change its password first (403
 * PasswordChangeRequired), whichever call got it: the session store takes the user to the right screen.
 */
let onAuthFailure: (e: ApiError) => void = () => {};
export function setAuthFailureHandler(handler: (e: ApiError) => void): void {
  onAuthFailure = handler;
}

/** Errors the session flow already shows (login screen, password form): not for the notice area. */
export function isAuthFailure(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 401 || e.code === 'PasswordChangeRequired');
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** A 401 is an answer here (wrong password, no session yet), not an expired session. */
  unauthenticatedOk?: boolean;
  /** extra request headers (the field workspace's Idempotency-Key) */
  headers?: Record<string, string>;
}

function isErrorBody(x: unknown): x is ErrorBody {
  return typeof x === 'object' && x !== null && typeof (x as ErrorBody).message === 'string';
}

/** The one way the web app talks to the API: language, CSRF token, error shape and session expiry in one place. */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': languageOf() };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.headers) Object.assign(headers, opts.headers);
  if (WRITES.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  noteServerTime(res.headers.get('X-Server-Time'));
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // a proxy's HTML error page: keep the status, drop the body
  }
  if (!res.ok) {
    const err = isErrorBody(body)
      ? new ApiError(res.status, body.error, body.message, body.details)
      : new ApiError(res.status, 'http', `HTTP ${res.status} ${res.statusText}`);
    if ((res.status === 401 && !opts.unauthenticatedOk) || err.code === 'PasswordChangeRequired') onAuthFailure(err);
    throw err;
  }
  return body as T;
}

/** The language and CSRF headers of a write, for the few calls that read a streamed answer themselves. */
export function writeHeaders(): Record<string, string> {
  return { 'Accept-Language': languageOf(), ...(csrfToken ? { 'X-CSRF-Token': csrfToken } : {}) };
}

export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>(path, { signal });
}

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
