import { partSets, type Kpi, type Part, type SetId } from '../domain/kpi';

/**
 * The SQL of the KPI library's problem sets (api/domain/kpi.ts names and defines them): each a
 * boolean predicate over the `problems` row aliased `p`, ANDed with the cohort. Part of the
 * figures repository (figures.ts, hotspots.ts build their queries from these).
 *
 * Placeholders inside predicates: $1 from, $2 to, $3 asOf (the only ones a predicate may use).
 */
export const AS_OF = '$3::timestamptz';

/** Always applied: reported in the period; rejected (不予立案) and merged duplicates are not problems. */
export const COHORT_SQL = `p.reported_at >= $1::timestamptz AND p.reported_at < $2::timestamptz AND p.state NOT IN ('invalid', 'duplicate')`;

const CLOSED_BY = `p.state = 'closed' AND p.closed_at < ${AS_OF}`;

export const SET_SQL: Record<SetId, string> = {
  found: 'TRUE',
  open: `NOT (${CLOSED_BY})`,
  closed: CLOSED_BY,
  overdue: `p.deadline < ${AS_OF} AND (p.state = 'assigned' OR (p.state IN ('fixed', 'closed') AND p.fixed_at >= ${AS_OF}))`,
  suspended: `p.state = 'suspended'`,
  due: `p.verified_at IS NOT NULL AND p.state <> 'suspended' AND ((${CLOSED_BY}) OR p.deadline < ${AS_OF})`,
  closed_on_time: `${CLOSED_BY} AND p.closed_on_time`,
  fixed_once: `(p.fixed_at IS NOT NULL OR p.rework_count > 0)`,
  reworked: 'p.rework_count > 0',
  revisited: '(p.revisited_at IS NOT NULL OR p.relapse_count > 0)',
  relapsed: 'p.relapse_count > 0',
  assigned_once: 'p.assigned_at IS NOT NULL',
  returned: 'p.return_count > 0',
  supervised: 'p.supervision_count > 0',
  accountability: 'p.accountability_count > 0',
  fixed_timed: 'p.fixed_at IS NOT NULL AND p.assigned_at IS NOT NULL AND p.fixed_at >= p.assigned_at',
  // only fixed problems can have a fix event: the probe runs for those alone (problem_events' key)
  fix_flagged: `(p.fixed_at IS NOT NULL OR p.rework_count > 0) AND EXISTS (SELECT 1 FROM problem_events e WHERE e.problem_id = p.id AND e.action = 'fix' AND e.at < ${AS_OF} AND (e.data -> 'proof' ->> 'flagged')::boolean)`,
};

/** Hours from first assignment (交办) to the last fix (整改), over `fixed_timed`. */
export const HOURS_TO_FIX_SQL = `extract(epoch FROM (p.fixed_at - p.assigned_at)) / 3600.0`;

/** The predicate of the problems behind one part of a figure (the sets of domain partSets, ANDed). */
export function partSql(k: Kpi, part: Part): string | null {
  const sets = partSets(k, part);
  if (!sets) return null;
  return sets.length === 1 ? SET_SQL[sets[0]!] : sets.map((s) => `(${SET_SQL[s]})`).join(' AND ');
}
