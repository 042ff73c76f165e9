import type { Db } from '../db/types';
import { AppError, notFound } from '../errors';
import { accountsRepository } from '../repositories/accounts';
import { auditRepository } from '../repositories/audit';
import { displayTokensRepository } from '../repositories/display-tokens';
import { scopeAreas } from './users';
import type { DisplayTokenCreate, DisplayTokenIssued, DisplayTokenSummary } from '../schemas/display';

/** Who issues or revokes, for the audit row written in the same transaction. */
export interface AdminActor {
  id: number;
  username: string;
  ip: string;
}

const TOKEN = { zh: '该显示令牌', en: 'display token' };

function scopeProblem(cityWide: boolean, codes: string[]): AppError | null {
  if (cityWide && codes.length)
    return new AppError(
      422,
      'ScopeNotAllowed',
      { zh: '全市令牌不设区域', en: 'a city-wide token has no scope areas' },
      [{ field: 'scopeCodes', reason: { zh: '全市时应为空', en: 'must be empty when cityWide is true' } }],
    );
  if (!cityWide && !codes.length)
    return new AppError(
      422,
      'ScopeRequired',
      { zh: '请指定大屏的区域，或选择全市', en: 'give the wall its areas, or make it city-wide' },
      [{ field: 'scopeCodes', reason: { zh: '至少一个区域编码', en: 'at least one area code' } }],
    );
  return null;
}

/**
 * Issues a read-only display token for a wall: scope areas by code (checked), optional expiry in
 * the future, one audit row; all in one transaction. The answer carries the token text, which is
 * never shown again (only its hash is stored).
 */
export async function issueDisplayToken(
  db: Db,
  b: DisplayTokenCreate,
  actor: AdminActor,
  now: Date,
): Promise<DisplayTokenIssued> {
  const codes = [...new Set(b.scopeCodes)];
  const bad = scopeProblem(b.cityWide, codes);
  if (bad) throw bad;
  const expiresAt = b.expiresAt ? new Date(b.expiresAt) : null;
  if (expiresAt && expiresAt <= now) {
    const reason = { zh: '过期时间应晚于现在', en: 'must lie in the future' };
    throw new AppError(422, 'ExpiryInPast', { zh: `过期时间${reason.zh}`, en: `the expiry ${reason.en}` }, [
      { field: 'expiresAt', reason },
    ]);
  }
  return db.transaction(async (tx) => {
    const tokens = displayTokensRepository(tx);
    const rows = await scopeAreas(accountsRepository(tx), codes);
    const { id, token } = await tokens.insert({
      name: b.name.trim(),
      cityWide: b.cityWide,
      createdBy: actor.id,
      now,
      expiresAt,
    });
    await tokens.setScope(
      id,
      rows.map((r) => r.id),
    );
    await auditRepository(tx).append({
      userId: actor.id,
      username: actor.username,
      ip: actor.ip,
      action: 'POST /api/display-tokens',
      target: `display-token:${id}`,
      outcome: 'ok',
      status: 201,
      detail: { name: b.name.trim(), cityWide: b.cityWide, scopeCodes: codes, expiresAt: b.expiresAt ?? null },
    });
    const summary = (await tokens.summaries(now, id))[0]!;
    return { ...summary, token };
  });
}

/**
 * Revokes a token: its display sessions are deleted in the same transaction (their requests get
 * 401 at once; their open event streams end at the next session check, within 30 s). Revoking a
 * revoked token changes nothing and answers it as it is. Audited either way.
 */
export async function revokeDisplayToken(
  db: Db,
  id: number,
  actor: AdminActor,
  now: Date,
): Promise<DisplayTokenSummary> {
  return db.transaction(async (tx) => {
    const tokens = displayTokensRepository(tx);
    const row = await tokens.lock(id);
    if (!row) throw notFound(TOKEN);
    const ended = row.revoked ? 0 : await tokens.revoke(id, actor.id, now);
    await auditRepository(tx).append({
      userId: actor.id,
      username: actor.username,
      ip: actor.ip,
      action: 'POST /api/display-tokens/:id/revoke',
      target: `display-token:${id}`,
      outcome: 'ok',
      status: 200,
      detail: { alreadyRevoked: row.revoked, sessionsEnded: ended },
    });
    return (await tokens.summaries(now, id))[0]!;
  });
}
