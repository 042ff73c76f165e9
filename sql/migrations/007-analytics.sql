-- Figures, rankings, campaigns, patrols and coverage gaps (issue 5). The figures themselves are
-- not stored: they are GROUP BYs over the ids that problems got at write time (005-problems.sql),
-- with the indicator predicates defined once in api/domain/kpi.ts. What is stored here is what
-- cannot be recomputed (patrol visits), what is decided (campaign targets, ranking rules) and
-- what must stay as it was published (weekly ranking snapshots).

-- 网格巡查 log: who walked which grid when, optionally with the GPS track.
CREATE TABLE patrol_visits (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     integer REFERENCES users (id) ON DELETE SET NULL,   -- who logged it
  person_id   integer REFERENCES people (id) ON DELETE RESTRICT,  -- the grid leader/member, when known
  grid_id     integer NOT NULL,
  grid_level  area_level NOT NULL DEFAULT 'grid',
  started_at  timestamptz NOT NULL,
  ended_at    timestamptz NOT NULL,
  track       geometry(LineString, 4326),
  note        text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- the database itself knows a visit is to a grid, not to a community or street
  CONSTRAINT patrol_visits_grid_fk FOREIGN KEY (grid_id, grid_level) REFERENCES areas (id, level) ON DELETE RESTRICT,
  CONSTRAINT patrol_visits_grid_level CHECK (grid_level = 'grid'),
  CONSTRAINT patrol_visits_period CHECK (ended_at >= started_at AND ended_at - started_at <= interval '24 hours'),
  CONSTRAINT patrol_visits_track_valid CHECK (track IS NULL OR (ST_IsValid(track) AND ST_NPoints(track) BETWEEN 2 AND 20000)),
  CONSTRAINT patrol_visits_note_length CHECK (note IS NULL OR length(note) <= 2000)
);
-- "grids with no visit in the last 7 days": one probe per grid
CREATE INDEX patrol_visits_grid ON patrol_visits (grid_id, started_at DESC);
CREATE INDEX patrol_visits_started ON patrol_visits (started_at DESC);

-- Campaigns (攻坚行动) with dated targets on an indicator of api/domain/kpi.ts, e.g. seed 002:
-- 问题清单整改达标率 ≥ 90 % by the end of May, ≥ 95 % June, ≥ 98 % July, ≈ 100 % August.
CREATE TABLE campaigns (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  -- problems reported from starts_on count (the campaign's problem list); dates are Beijing days
  starts_on   date NOT NULL,
  ends_on     date NOT NULL,
  description text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT campaigns_code_unique UNIQUE (code),
  CONSTRAINT campaigns_code_format CHECK (code ~ '^[a-z0-9-]{1,40}$'),
  CONSTRAINT campaigns_names CHECK (btrim(name_zh) <> '' AND btrim(name_en) <> ''),
  CONSTRAINT campaigns_period CHECK (ends_on >= starts_on)
);

CREATE TABLE campaign_targets (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id integer NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  indicator   text NOT NULL,                  -- a rate id of api/domain/kpi.ts
  due_on      date NOT NULL,                  -- met by the end of this Beijing day
  comparison  text NOT NULL DEFAULT 'at_least',
  target      numeric(6, 2) NOT NULL,         -- percent
  -- 'approximately': met within this many points below the target ("接近100%")
  tolerance   numeric(6, 2) NOT NULL DEFAULT 0,
  label_zh    text,
  CONSTRAINT campaign_targets_once UNIQUE (campaign_id, indicator, due_on),
  CONSTRAINT campaign_targets_comparison CHECK (comparison IN ('at_least', 'approximately')),
  CONSTRAINT campaign_targets_range CHECK (target BETWEEN 0 AND 100 AND tolerance BETWEEN 0 AND 100)
);

-- The demo/default campaign: seed 002's targets, on 2026 dates.
INSERT INTO campaigns (code, name_zh, name_en, starts_on, ends_on, description) VALUES
  ('2026-chuangwei', '2026年创卫达标百日攻坚', '2026 sanitary-city hundred-day push', '2026-05-01', '2026-12-31',
   '问题清单整改达标率：5月底前≥90%，6月底前≥95%，7月底前≥98%，8月底前接近100%；9至12月巩固提升（文办通〔2021〕81号）');
INSERT INTO campaign_targets (campaign_id, indicator, due_on, comparison, target, tolerance, label_zh)
SELECT c.id, 'rectification_rate', t.due_on, t.comparison, t.target, t.tolerance, t.label_zh
FROM campaigns c, (VALUES
  ('2026-05-31'::date, 'at_least', 90, 0, '5月底前整改达标率达90%以上'),
  ('2026-06-30'::date, 'at_least', 95, 0, '6月底前整改达标率达95%以上'),
  ('2026-07-31'::date, 'at_least', 98, 0, '7月底前整改达标率达98%以上'),
  ('2026-08-31'::date, 'approximately', 100, 0.5, '8月底前整改达标率接近100%')
) AS t (due_on, comparison, target, tolerance, label_zh)
WHERE c.code = '2026-chuangwei';

-- Ranking rules as data, versioned: a new version is a new row, old snapshots keep pointing at
-- the version they were scored with. The rules' shape is checked by api/schemas/figures.ts.
CREATE TABLE ranking_schemes (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL,
  version     integer NOT NULL,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  rules       jsonb NOT NULL,
  created_by  integer REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ranking_schemes_version_unique UNIQUE (code, version),
  CONSTRAINT ranking_schemes_code_format CHECK (code ~ '^[a-z0-9-]{1,40}$'),
  CONSTRAINT ranking_schemes_version_positive CHECK (version >= 1)
);

-- 创文指数 weekly scheme after seed 004: 按期结案率 50 pts (−1 per point below 70 %), 整改达标率
-- 30 pts, 返工 and 问责 deductions; 暗访 problems count double; at least 5 problems due to be
-- ranked; top 3 on the 红榜, bottom 3 on the 黑榜; last place two weeks running → 通报晾晒.
INSERT INTO ranking_schemes (code, version, name_zh, name_en, rules) VALUES ('weekly', 1, '创文指数周排名', 'weekly campaign index', '{
  "minProblems": { "indicator": "due", "count": 5 },
  "sourceWeights": { "undercover": 2 },
  "items": [
    { "indicator": "on_time_rate", "kind": "deduct_below", "points": 50, "threshold": 70, "perPoint": 1 },
    { "indicator": "rectification_rate", "kind": "linear", "points": 30 },
    { "indicator": "rework_rate", "kind": "deduct_above", "points": 10, "threshold": 10, "perPoint": 0.5 },
    { "indicator": "accountability", "kind": "deduct_per_count", "points": 10, "perItem": 2 }
  ],
  "lists": { "red": 3, "black": 3 },
  "lastPlaceWeeks": 2
}');

-- Published weekly results: "rank change vs last week" and "last place two weeks running" are
-- read from here, so they do not move when old problems change state later.
CREATE TABLE ranking_snapshots (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scheme_id    integer NOT NULL REFERENCES ranking_schemes (id) ON DELETE RESTRICT,
  entity_kind  text NOT NULL,
  week_start   date NOT NULL,                 -- the Monday (Beijing) the week starts on
  computed_at  timestamptz NOT NULL,
  entries      jsonb NOT NULL,                -- [{ entityId, code, name, rank, score, ranked, breakdown… }]
  CONSTRAINT ranking_snapshots_once UNIQUE (scheme_id, entity_kind, week_start),
  CONSTRAINT ranking_snapshots_kind CHECK (entity_kind IN ('unit', 'community', 'street')),
  CONSTRAINT ranking_snapshots_monday CHECK (extract(isodow FROM week_start) = 1)
);

-- Coverage gaps are overlays of every grid (ST_Union of 10,000 polygons): cached until an area
-- changes. Any write to areas bumps the version; a cache row of another version is stale.
CREATE TABLE areas_version (
  id      boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);
INSERT INTO areas_version (version) VALUES (1);

CREATE FUNCTION areas_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE areas_version SET version = version + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER areas_version_bump AFTER INSERT OR UPDATE OR DELETE ON areas
  FOR EACH STATEMENT EXECUTE FUNCTION areas_version_bump();
CREATE TRIGGER areas_version_bump_truncate AFTER TRUNCATE ON areas
  FOR EACH STATEMENT EXECUTE FUNCTION areas_version_bump();

CREATE TABLE coverage_cache (
  key           text PRIMARY KEY,
  areas_version bigint NOT NULL,
  computed_at   timestamptz NOT NULL DEFAULT now(),
  millis        double precision NOT NULL,
  result        jsonb NOT NULL
);

-- Problems that fell outside every grid (a coverage gap): few, listed often.
CREATE INDEX problems_outside_grid ON problems (reported_at) WHERE grid_id IS NULL;
-- The choropleth's counts per grid, community or street over a period read only these columns:
-- an index-only scan instead of the whole ~600-byte rows (1 M problems: 39 MB vs 590 MB read).
CREATE INDEX problems_figures_scan ON problems (reported_at) INCLUDE (grid_id, community_id, street_id, state);
