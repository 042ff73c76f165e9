import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Me, SessionInfo } from '@schemas/auth';
import { authApi } from './auth-api';
import { ApiError, setAuthFailureHandler, setCsrfToken } from '../api/client';
import { startLive, stopLive } from '../shared/event-stream';
import { alertOffice } from '../features/wall/office-alerts';

/** checking: asking the server at start; anonymous: the login screen; active: someone is logged in. */
export type SessionStatus = 'checking' | 'anonymous' | 'active';
/** Why the login screen is shown, besides "nobody logged in yet". */
export type LoginReason = 'expired' | 'network' | null;

/**
 * "This browser had a session": only then is /api/auth/me asked at start. Without it a first
 * visit would answer 401, which the browser logs as a red console error for every visitor. It is
 * a hint, not a secret: the session itself is the httpOnly cookie, which scripts cannot read.
 */
const HINT_KEY = 'wangge.session';
function hint(on: boolean): void {
  try {
    if (on) localStorage.setItem(HINT_KEY, '1');
    else localStorage.removeItem(HINT_KEY);
  } catch {
    // storage blocked: /me is then skipped and the user logs in again after a reload
  }
}
function hadSession(): boolean {
  try {
    return localStorage.getItem(HINT_KEY) === '1';
  } catch {
    return false;
  }
}

/** Who is logged in. The CSRF token lives in the API client, not here: it is not UI state. */
export const useSessionStore = defineStore('session', () => {
  const status = ref<SessionStatus>('checking');
  const user = ref<Me | null>(null);
  const reason = ref<LoginReason>(null);
  /** Bumped at every login: the map screen is keyed on it, so a new user gets a new map and no cached tiles. */
  const generation = ref(0);

  const scoped = computed(() => user.value !== null && user.value.scope !== null);

  function start(info: SessionInfo): void {
    setCsrfToken(info.csrfToken);
    user.value = info.user;
    reason.value = null;
    generation.value += 1;
    status.value = 'active';
    hint(true);
  }

  function end(why: LoginReason): void {
    setCsrfToken(null);
    user.value = null;
    reason.value = why;
    status.value = 'anonymous';
    hint(false);
  }

  /** At app start: restore the session the cookie may still hold. */
  async function restore(): Promise<void> {
    if (!hadSession()) return end(null);
    try {
      start(await authApi.me());
    } catch (e) {
      end(
        e instanceof ApiError && e.status === 0
          ? 'network'
          : e instanceof ApiError && e.status === 401
            ? 'expired'
            : null,
      );
    }
  }

  /** Throws the server's ApiError (bad credentials, locked, rate limit) for the login form to show. */
  async function login(username: string, password: string): Promise<void> {
    start(await authApi.login({ username, password }));
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout();
    } catch {
      // the session is ended here either way; the server drops it when it expires
    }
    // A deliberate logout leaves nothing of this user's work in the address (an expired session
    // keeps it, so logging in again returns to the same area).
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    end(null);
  }

  /** Throws the server's ApiError (422 with details[].field) for the password form to show. */
  async function changePassword(current: string, next: string): Promise<void> {
    await authApi.changePassword({ current, next });
    if (user.value) user.value = { ...user.value, mustChangePassword: false };
  }

  /** The server no longer knows this session (an API call or a map tile answered 401). */
  function expire(): void {
    if (status.value === 'active') end('expired');
  }

  // Any call that meets an expired session or a forced password change lands here.
  setAuthFailureHandler((e) => {
    if (status.value !== 'active') return;
    if (e.status === 401) expire();
    else if (user.value) user.value = { ...user.value, mustChangePassword: true };
  });

  // Live events (shared/event-stream.ts) while someone is logged in and may use the app: a new
  // stream per login, none while a forced password change is pending (the server would refuse it).
  watch(
    () => (status.value === 'active' && user.value && !user.value.mustChangePassword ? generation.value : null),
    (gen) => {
      if (gen === null) return stopLive();
      startLive({
        onSessionEnded: expire,
        stillLoggedIn: async () => {
          try {
            await authApi.me();
            return true;
          } catch (e) {
            if (!(e instanceof ApiError && e.status === 401)) return true; // the server is away: try again later
            expire();
            return false;
          }
        },
      });
    },
  );

  // an urgent report or a new 督办/问责: a toast for commanders and supervisors (features/wall/office-alerts.ts)
  alertOffice(() => (status.value === 'active' ? user.value?.role : null));

  return { status, user, reason, generation, scoped, restore, login, logout, changePassword, expire };
});
