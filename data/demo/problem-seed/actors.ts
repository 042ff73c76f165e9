import type { Db } from '../../../api/db/types';
import type { Role } from '../../../api/auth/roles';
import type { ProblemActor } from '../../../api/services/problems';

/**
 * The accounts the writers act as (class Actors): the demo accounts where they fit (city-wide,
 * a street's supervisor, a unit's liaison, a grid leader's or member's own account), else demo
 * users made on demand and cached per process; none of them can log in.
 */

interface Known {
  id: number;
  displayName: string;
  role: Role;
  unitId: number | null;
}
const NO_LOGIN = '!demo-actor-no-login'; // not an argon2 hash: verifyPassword never accepts it

/**
 * The accounts the replay acts as: the demo accounts where they fit, and otherwise demo users
 * made on demand (a supervisor per street, a liaison per unit, an account per grid leader or
 * member, linked to their people row). They cannot log in: the password hash is not one.
 */
export class Actors {
  private readonly cache = new Map<string, ProblemActor>();
  private personRole = new Map<number, Role>();
  constructor(private readonly db: Db) {}

  private async actor(u: Known): Promise<ProblemActor> {
    const scope =
      (await this.db.query<{ scope: string[] | null }>('SELECT user_scope_codes($1) AS scope', [u.id])).rows[0]
        ?.scope ?? null;
    return { id: u.id, displayName: u.displayName, role: u.role, scope, unitId: u.unitId };
  }

  private async memo(key: string, make: () => Promise<Known>): Promise<ProblemActor> {
    const hit = this.cache.get(key);
    if (hit) return hit;
    const a = await this.actor(await make());
    this.cache.set(key, a);
    return a;
  }

  private async find(sql: string, params: unknown[]): Promise<Known | null> {
    return (
      (
        await this.db.query<Known>(
          `SELECT u.id, u.display_name AS "displayName", u.role::text AS role, u.unit_id AS "unitId" FROM users u WHERE ${sql} ORDER BY u.id LIMIT 1`,
          params,
        )
      ).rows[0] ?? null
    );
  }

  private async create(
    username: string,
    displayName: string,
    role: Role,
    extra: { unitId?: number; scopeAreaId?: number; personId?: number } = {},
  ): Promise<Known> {
    return this.db.transaction(async (tx) => {
      const id = (
        await tx.query<{ id: number }>(
          `INSERT INTO users (username, display_name, role, password_hash, unit_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [username, displayName.slice(0, 60), role, NO_LOGIN, extra.unitId ?? null],
        )
      ).rows[0]!.id;
      if (extra.scopeAreaId)
        await tx.query('INSERT INTO user_scopes (user_id, area_id) VALUES ($1, $2)', [id, extra.scopeAreaId]);
      if (extra.personId)
        await tx.query('UPDATE people SET user_id = $1 WHERE id = $2 AND user_id IS NULL', [id, extra.personId]);
      return { id, displayName, role, unitId: extra.unitId ?? null };
    });
  }

  /** A city-wide account: the demo one by username, else one made for the replay. */
  cityWide(role: 'admin' | 'commander'): Promise<ProblemActor> {
    return this.memo(
      role,
      async () =>
        (await this.find(`u.username = $1 AND u.role = $2 AND u.active`, [role, role])) ??
        (await this.find(`u.role = $1 AND u.active`, [role])) ??
        this.create(`demo.${role}`, role === 'admin' ? '演示 系统管理员' : '演示 指挥中心值班员', role),
    );
  }

  /** The supervisor of a street: one whose scope is exactly that street, else a demo one. */
  supervisor(streetId: number): Promise<ProblemActor> {
    return this.memo(`sup:${streetId}`, async () => {
      const found = await this.find(
        `u.role = 'supervisor' AND u.active AND EXISTS (SELECT 1 FROM user_scopes s WHERE s.user_id = u.id AND s.area_id = $1)
         AND NOT EXISTS (SELECT 1 FROM user_scopes s WHERE s.user_id = u.id AND s.area_id <> $1)`,
        [streetId],
      );
      if (found) return found;
      const street = (
        await this.db.query<{ code: string; name: string }>('SELECT code, name FROM areas WHERE id = $1', [streetId])
      ).rows[0]!;
      return this.create(`demo.sup.${street.code}`, `督查组（${street.name}）`, 'supervisor', {
        scopeAreaId: streetId,
      });
    });
  }

  /** A liaison of a unit: its first unit_staff account, else a demo one. */
  unit(unitId: number): Promise<ProblemActor> {
    return this.memo(`unit:${unitId}`, async () => {
      const found = await this.find(`u.role = 'unit_staff' AND u.active AND u.unit_id = $1`, [unitId]);
      if (found) return found;
      const unit = (
        await this.db.query<{ code: string; name: string }>('SELECT code, name FROM units WHERE id = $1', [unitId])
      ).rows[0]!;
      return this.create(
        `demo.unit.${unit.code.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')}`.slice(0, 40),
        `${unit.name} 联络员`,
        'unit_staff',
        { unitId },
      );
    });
  }

  /** The account of a grid leader or member (people.user_id), made and linked if none. */
  person(personId: number, name: string): Promise<ProblemActor> {
    return this.memo(`person:${personId}`, async () => {
      const found = await this.find(`u.active AND u.id = (SELECT user_id FROM people WHERE id = $1)`, [personId]);
      if (found) return found;
      if (!this.personRole.size) {
        // a leader anywhere gets grid_leader (who may revisit), the others grid_member
        const rows = (
          await this.db.query<{ id: number; leader: boolean }>(
            `SELECT person_id AS id, bool_or(role = 'leader') AS leader FROM assignments WHERE person_id IS NOT NULL GROUP BY person_id`,
          )
        ).rows;
        this.personRole = new Map(rows.map((r) => [r.id, r.leader ? 'grid_leader' : 'grid_member']));
      }
      const role = this.personRole.get(personId) ?? 'grid_member';
      return this.create(`demo.p${personId}`, `${role === 'grid_leader' ? '网格长' : '网格员'} ${name}`, role, {
        personId,
      });
    });
  }
}
