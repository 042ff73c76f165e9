import { serverNow } from '../../api/server-time';
import { onLive } from '../../shared/event-stream';
import { useNoticesStore } from '../../shared/notices';
import { i18n } from '../../i18n/index';
import { alertKindOf } from './live-updates';

/** the roles the office tells about an urgent report or a new notice (the wall shows everyone a banner) */
const ALERTED_ROLES = new Set(['commander', 'supervisor']);
/** events replayed after an outage longer than this are not told again */
const MAX_AGE_MS = 10 * 60_000;

/**
 * The office's alert (issue 12): for a commander or supervisor, an urgent report or a new 督办/问责
 * notice in their scope (the stream only carries those) becomes a toast in the notice area — the
 * same rule as the wall's banner (alertKindOf). Returns the unsubscribe function.
 */
export function alertOffice(roleOf: () => string | null | undefined): () => void {
  const told = new Set<number>();
  return onLive(['problem', 'notice'], (_k, e) => {
    if (!e || !ALERTED_ROLES.has(roleOf() ?? '')) return;
    const kind = alertKindOf(e);
    if (!kind || told.has(e.id) || serverNow() - Date.parse(e.at) > MAX_AGE_MS) return;
    told.add(e.id);
    const { t, locale } = i18n.global;
    useNoticesStore().push(
      'info',
      t('wall.alert.office', {
        kind: t(`wall.alert.${kind}`),
        what: locale.value === 'en' ? e.categoryNameEn : e.categoryName,
        where: [e.streetName, e.communityName, e.gridName].filter(Boolean).join(' · '),
      }),
    );
  });
}
