// Column lists of a problem row (alias p), shared by the reads (problems.ts) and the report's
// INSERT … RETURNING (problem-writes.ts), so a report answers with what it wrote, named as a
// read names it. The joined names (category, areas, units, reporter) are added by each caller.

/** A list row's own columns. */
export const OWN_LIST_COLS = `
  p.id AS id, p.version, p.state::text AS state, p.urgent, p.source::text AS source,
  p.category_id AS "categoryId", p.description, p.address, ST_X(p.location) AS lon, ST_Y(p.location) AS lat,
  p.reported_at AS "reportedAt", p.deadline, p.area_code AS "areaCode", p.outside_grid AS "outsideGrid",
  p.assignee_unit_id AS "assigneeUnitId", p.pending_request AS "pendingRequest"`;

/** The rest of a detail row's own columns (no routing: the writer has it in hand). */
export const OWN_MORE_COLS = `
  p.reported_by AS "reportedBy", p.grid_id AS "gridId",
  p.community_id AS "communityId", p.street_id AS "streetId", p.street_code AS "streetCode",
  p.leader_person_id AS "leaderPersonId", p.lead_unit_id AS "leadUnitId",
  p.verified_at AS "verifiedAt", p.assigned_at AS "assignedAt", p.fixed_at AS "fixedAt", p.closed_at AS "closedAt",
  p.closed_on_time AS "closedOnTime", p.revisit_due_at AS "revisitDueAt", p.revisited_at AS "revisitedAt",
  p.suspended_at AS "suspendedAt", p.duplicate_of AS "duplicateOf",
  p.rework_count AS "reworkCount", p.relapse_count AS "relapseCount", p.return_count AS "returnCount",
  p.extension_count AS "extensionCount", p.supervision_count AS "supervisionCount",
  p.accountability_count AS "accountabilityCount", p.cycle, p.updated_at AS "updatedAt"`;

/** Every column of a problem row as the detail names it, without the joined names and the routing. */
export const OWN_DETAIL_COLS = `${OWN_LIST_COLS},${OWN_MORE_COLS}`;
