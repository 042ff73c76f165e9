import { i18n } from '../i18n/index';
import { ApiError, isAuthFailure } from '../api/client';
import { useNoticesStore } from './notices';

/**
 * Turns anything thrown into one translated notice. The API already answers in the UI language
 * (Accept-Language), so its message is shown as is; only a network failure needs our own words.
 */
export function useReportError(): (e: unknown) => void {
  const notices = useNoticesStore();
  const t = i18n.global.t;
  return (e: unknown) => {
    // An expired session or a forced password change changes the screen instead (see app/session.ts).
    if (isAuthFailure(e)) return;
    if (e instanceof ApiError && e.status === 0) notices.push('error', t('notice.network'));
    else if (e instanceof Error) notices.push('error', e.message);
    else notices.push('error', String(e));
    if (!(e instanceof ApiError)) console.warn(e);
  };
}
