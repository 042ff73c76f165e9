-- Zone drafts (调整方案, issue 13): a planner's proposed reassignment of contracting zones, kept
-- server-side until it is applied through the versioned assignments (003) in one transaction.
-- A draft holds per-area target states (changes), locks and the weights of its balance
-- variable; `version` guards concurrent edits (optimistic: a stale version gets 409).
CREATE TABLE zone_drafts (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL,
  notes        text NOT NULL DEFAULT '',
  author_id    integer REFERENCES users (id) ON DELETE SET NULL,
  -- the instant whose assignments the draft starts from (the app clock at creation)
  base_at      timestamptz NOT NULL,
  -- [{areaId, lead?, supportAdd?, supportRemove?, leader?}] (api/schemas/zones.ts)
  changes      jsonb NOT NULL DEFAULT '[]',
  -- {grids: [area ids], units: [unit ids]}: what neither the editor nor the balancer may change
  locks        jsonb NOT NULL DEFAULT '{"grids": [], "units": []}',
  weights      jsonb NOT NULL DEFAULT '{"grids": 1, "areaKm2": 1, "recent": 1}',
  status       text NOT NULL DEFAULT 'draft',
  version      integer NOT NULL DEFAULT 1,
  -- a revert is a new draft that restores what an applied one replaced
  reverts_id   integer REFERENCES zone_drafts (id) ON DELETE SET NULL,
  applied_at   timestamptz,
  applied_by   integer REFERENCES users (id) ON DELETE SET NULL,
  effective_at timestamptz,
  -- per area, the state in force just before the effective instant (what a revert restores)
  previous     jsonb,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  CONSTRAINT zone_drafts_status CHECK (status IN ('draft', 'applied')),
  CONSTRAINT zone_drafts_name_present CHECK (btrim(name) <> '' AND length(name) <= 100),
  CONSTRAINT zone_drafts_notes_length CHECK (length(notes) <= 4000),
  CONSTRAINT zone_drafts_applied CHECK ((status = 'applied') = (applied_at IS NOT NULL AND effective_at IS NOT NULL))
);
CREATE INDEX zone_drafts_updated ON zone_drafts (updated_at DESC);

COMMENT ON TABLE zone_drafts IS
  'Zone editor drafts (调整方案): target states per grid/community, applied through assignments in one transaction';
