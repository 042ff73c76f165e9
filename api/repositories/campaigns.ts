import type { Queryable } from '../db/types';
import type { Campaign } from '../schemas/figures';

// Campaigns with their dated targets; dates come out as YYYY-MM-DD whatever the session zone is.
const SQL_CAMPAIGNS = `
  SELECT c.id, c.code, c.name_zh AS "nameZh", c.name_en AS "nameEn", to_char(c.starts_on, 'YYYY-MM-DD') AS "startsOn",
         to_char(c.ends_on, 'YYYY-MM-DD') AS "endsOn", c.description,
         coalesce((SELECT json_agg(json_build_object('indicator', t.indicator, 'dueOn', to_char(t.due_on, 'YYYY-MM-DD'), 'comparison', t.comparison,
                    'target', t.target::float8, 'tolerance', t.tolerance::float8, 'label', t.label_zh) ORDER BY t.due_on, t.indicator)
                   FROM campaign_targets t WHERE t.campaign_id = c.id), '[]'::json) AS targets
  FROM campaigns c WHERE ($1::int IS NULL OR c.id = $1) ORDER BY c.starts_on DESC, c.id`;

export function campaignsRepository(db: Queryable) {
  return {
    /** Every campaign, newest first, or the one with this id. */
    async list(id: number | null = null): Promise<Campaign[]> {
      return (await db.query<Campaign>(SQL_CAMPAIGNS, [id])).rows;
    },
  };
}
export type CampaignsRepository = ReturnType<typeof campaignsRepository>;
