// problem_visible (scope + undercover rule), widened for unit staff to what is assigned to
// their unit: a problem returned as "not ours" and re-assigned to the competent department
// often lies outside that department's contracted grids. Exported: every other read that returns
// or counts problems (figures, hotspots, coverage gaps) applies this same rule.
export const VISIBLE = (scope: string, role: string, unit: string) =>
  `(problem_visible(p.area_code, p.source, p.assigned_at, ${scope}::text[], ${role}) OR p.assignee_unit_id = ${unit}::int)`;
