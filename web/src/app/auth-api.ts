import type { Static } from 'typebox';
import type { LoginRequest, PasswordChange, SessionInfo } from '@schemas/auth';
import { request } from '../api/client';

/** Typed calls to /api/auth; shapes come from api/schemas, never restated here. */
export const authApi = {
  login: (body: LoginRequest) =>
    request<SessionInfo>('/api/auth/login', { method: 'POST', body, unauthenticatedOk: true }),
  me: () => request<SessionInfo>('/api/auth/me', { unauthenticatedOk: true }),
  // Logging out of a session that already expired is not an error worth a screen change.
  logout: () => request<void>('/api/auth/logout', { method: 'POST', unauthenticatedOk: true }),
  changePassword: (body: Static<typeof PasswordChange>) =>
    request<void>('/api/auth/password', { method: 'POST', body }),
};
