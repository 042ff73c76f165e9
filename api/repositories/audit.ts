import type { Queryable } from '../db/types';
import { auditTarget } from '../auth/audit-budget';

export interface AuditEntry {
  userId: number | null;
  username: string | null;
  action: string;
  target?: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  status?: number | null;
  ip: string;
  detail?: Record<string, unknown> | null;
}

export interface AuditRow {
  id: number;
  at: string;
  userId: number | null;
  username: string | null;
  action: string;
  target: string | null;
  outcome: string;
  status: number | null;
  ip: string;
  detail: Record<string, unknown> | null;
}

export const TARGET_MAX = 512;
// A URL is kept as its path and parameter names: query values can be anything (15 KB each).
const cleanTarget = (t: string | null | undefined) => {
  if (t == null) return null;
  if (t.startsWith('/')) return auditTarget(t, TARGET_MAX);
  return t.length > TARGET_MAX ? `${t.slice(0, TARGET_MAX - 1)}…` : t;
};

export function auditRepository(db: Queryable) {
  return {
    async append(e: AuditEntry) {
      await db.query(
        `INSERT INTO audit_log (user_id, username, action, target, outcome, status, ip, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          e.userId,
          e.username,
          e.action,
          cleanTarget(e.target),
          e.outcome,
          e.status ?? null,
          e.ip,
          e.detail ? JSON.stringify(e.detail) : null,
        ],
      );
    },
    async list(q: { limit: number; before?: number; username?: string; outcome?: string }) {
      const { rows } = await db.query<AuditRow>(
        `SELECT id::int AS id, to_char(at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS.MS"+08:00"') AS at, user_id AS "userId", username, action, target, outcome, status, ip, detail
         FROM audit_log
         WHERE ($2::bigint IS NULL OR id < $2) AND ($3::text IS NULL OR username = $3) AND ($4::text IS NULL OR outcome = $4)
         ORDER BY id DESC LIMIT $1`,
        [q.limit, q.before ?? null, q.username ?? null, q.outcome ?? null],
      );
      return rows;
    },
  };
}
export type AuditRepository = ReturnType<typeof auditRepository>;
