-- Assessment (issue 16, first slice; docs/ASSESSMENT.md): inspection points (点位) routed at
-- write time, assessment schemes (测评体系) as versioned data, rounds (督查/测评轮次) with item
-- scores and findings whose deductions can become problems of the loop, and the campaign's dated
-- score targets (seed 002: 720 / 800 / 850 of 1000 by the end of May / July / August).

-- Point types as data: seed 003 lists 40+ kinds; these are the common ones, more can be added.
CREATE TABLE point_types (
  code     text PRIMARY KEY,
  name_zh  text NOT NULL,
  name_en  text NOT NULL,
  sort     integer NOT NULL DEFAULT 0,
  CONSTRAINT point_types_code_format CHECK (code ~ '^[a-z0-9_]{1,40}$'),
  CONSTRAINT point_types_names CHECK (btrim(name_zh) <> '' AND btrim(name_en) <> '')
);
INSERT INTO point_types (code, name_zh, name_en, sort) VALUES
  ('market', '农贸市场', 'farmers'' market', 10),
  ('back_street', '背街小巷', 'back street', 20),
  ('school_area', '学校周边', 'school surroundings', 30),
  ('hospital', '医院', 'hospital', 40),
  ('station_square', '车站广场', 'station square', 50),
  ('residential', '居民小区', 'residential compound', 60),
  ('public_toilet', '公厕', 'public toilet', 70),
  ('construction_site', '建筑工地', 'construction site', 80),
  ('service_window', '窗口单位', 'service window (halls, counters)', 90),
  ('main_road', '主次干道', 'main road', 100),
  ('public_square', '公共广场', 'public square', 110);

-- A point (Point or Polygon). Routing as it was when the point was last written: the grid,
-- community, street and lead unit of responsibility_at() at its anchor (ST_PointOnSurface), like
-- problems (DESIGN.md "Routing is done once"); area_code is the deepest area, for the scope rule.
CREATE TABLE inspection_points (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code          text NOT NULL,
  name          text NOT NULL,
  type_code     text NOT NULL REFERENCES point_types (code) ON DELETE RESTRICT,
  address       text,
  geom          geometry(Geometry, 4326) NOT NULL,
  anchor        geometry(Point, 4326) NOT NULL,
  grid_id       integer REFERENCES areas (id) ON DELETE RESTRICT,
  community_id  integer REFERENCES areas (id) ON DELETE RESTRICT,
  street_id     integer REFERENCES areas (id) ON DELETE RESTRICT,
  area_code     text NOT NULL,
  lead_unit_id  integer REFERENCES units (id) ON DELETE SET NULL,
  routing       jsonb NOT NULL,
  routed_at     timestamptz NOT NULL,
  created_by    integer REFERENCES users (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  CONSTRAINT inspection_points_code_unique UNIQUE (code),
  CONSTRAINT inspection_points_code_format CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
  CONSTRAINT inspection_points_name CHECK (btrim(name) <> '' AND length(name) <= 100),
  CONSTRAINT inspection_points_geom_kind CHECK (GeometryType(geom) IN ('POINT', 'POLYGON')),
  CONSTRAINT inspection_points_geom_valid CHECK (ST_IsValid(geom))
);
CREATE INDEX inspection_points_geom ON inspection_points USING gist (geom);
CREATE INDEX inspection_points_area ON inspection_points (area_code text_pattern_ops);

-- Schemes (测评体系), versioned: (code, version). A version used by a round is frozen (the
-- trigger below refuses to change its items); edits then make the next version. retired_at:
-- no new round may start on it.
CREATE TABLE assessment_schemes (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL,
  version     integer NOT NULL,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  source_note text,
  retired_at  timestamptz,
  created_by  integer REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT assessment_schemes_version_unique UNIQUE (code, version),
  CONSTRAINT assessment_schemes_code_format CHECK (code ~ '^[a-z0-9-]{1,40}$'),
  CONSTRAINT assessment_schemes_version_positive CHECK (version >= 1)
);

-- Items: max_score is the item's weight; each finding deducts per_finding unless the examiner
-- gives another amount; at most deduction_cap (NULL: max_score) in all; point_types empty = all.
CREATE TABLE assessment_items (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scheme_id     integer NOT NULL REFERENCES assessment_schemes (id) ON DELETE CASCADE,
  code          text NOT NULL,
  name_zh       text NOT NULL,
  name_en       text NOT NULL,
  max_score     numeric(6, 2) NOT NULL,
  per_finding   numeric(6, 2) NOT NULL,
  deduction_cap numeric(6, 2),
  point_types   text[] NOT NULL DEFAULT '{}',
  sort          integer NOT NULL DEFAULT 0,
  CONSTRAINT assessment_items_code_unique UNIQUE (scheme_id, code),
  CONSTRAINT assessment_items_scores CHECK (max_score > 0 AND per_finding > 0 AND per_finding <= max_score
    AND (deduction_cap IS NULL OR (deduction_cap > 0 AND deduction_cap <= max_score)))
);

-- Dated score targets of a campaign on the 1000-point scale. Not campaign_targets: that table
-- holds percentages of a rate indicator (CHECK 0–100) and its progress route scores rates only.
CREATE TABLE assessment_targets (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id integer NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  due_on      date NOT NULL,
  min_score   numeric(6, 1) NOT NULL,
  label_zh    text,
  CONSTRAINT assessment_targets_once UNIQUE (campaign_id, due_on),
  CONSTRAINT assessment_targets_range CHECK (min_score BETWEEN 0 AND 1000)
);
INSERT INTO assessment_targets (campaign_id, due_on, min_score, label_zh)
SELECT c.id, t.due_on, t.min_score, t.label_zh FROM campaigns c, (VALUES
  ('2026-05-31'::date, 720, '5月底前创卫标准考核总体评分达720分以上（州级评估）'),
  ('2026-07-31'::date, 800, '7月底前总体评分达800分以上（州级评估）'),
  ('2026-08-31'::date, 850, '8月底前总体评分达850分以上（省、州联合评估）')
) AS t (due_on, min_score, label_zh)
WHERE c.code = '2026-chuangwei';

-- A round (督查 or 暗访 测评) on a Beijing day, with a frozen scheme version and its points.
CREATE TABLE assessment_rounds (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scheme_id   integer NOT NULL REFERENCES assessment_schemes (id) ON DELETE RESTRICT,
  campaign_id integer REFERENCES campaigns (id) ON DELETE SET NULL,
  name        text NOT NULL,
  kind        problem_source NOT NULL,
  held_on     date NOT NULL,
  created_by  integer REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL,
  CONSTRAINT assessment_rounds_kind CHECK (kind IN ('inspection', 'undercover')),
  CONSTRAINT assessment_rounds_name CHECK (btrim(name) <> '' AND length(name) <= 100)
);

CREATE TABLE assessment_round_points (
  round_id integer NOT NULL REFERENCES assessment_rounds (id) ON DELETE CASCADE,
  point_id integer NOT NULL REFERENCES inspection_points (id) ON DELETE RESTRICT,
  -- the point's score out of 100 once each applicable item is scored (api/domain/assessment.ts
  -- pointScore, written by the service after each scoring): lists and roll-ups read it
  score    numeric(6, 2),
  PRIMARY KEY (round_id, point_id),
  CONSTRAINT assessment_round_points_score CHECK (score IS NULL OR score BETWEEN 0 AND 100)
);
CREATE INDEX assessment_round_points_point ON assessment_round_points (point_id);

-- One score per item, point and round; scored once (a re-inspection is a later round).
CREATE TABLE assessment_scores (
  round_id   integer NOT NULL,
  point_id   integer NOT NULL,
  item_id    integer NOT NULL REFERENCES assessment_items (id) ON DELETE RESTRICT,
  score      numeric(6, 2) NOT NULL,
  deducted   numeric(6, 2) NOT NULL,
  note       text,
  scored_by  integer REFERENCES users (id) ON DELETE SET NULL,
  scored_at  timestamptz NOT NULL,
  PRIMARY KEY (round_id, point_id, item_id),
  FOREIGN KEY (round_id, point_id) REFERENCES assessment_round_points (round_id, point_id) ON DELETE CASCADE,
  CONSTRAINT assessment_scores_range CHECK (score >= 0 AND deducted >= 0)
);

-- A finding and its deduction; problem_id: the problem of the loop it became, if any.
CREATE TABLE assessment_findings (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  round_id   integer NOT NULL,
  point_id   integer NOT NULL,
  item_id    integer NOT NULL,
  deduction  numeric(6, 2) NOT NULL,
  note       text NOT NULL,
  problem_id bigint REFERENCES problems (id) ON DELETE SET NULL,
  created_by integer REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  FOREIGN KEY (round_id, point_id, item_id) REFERENCES assessment_scores (round_id, point_id, item_id) ON DELETE CASCADE,
  CONSTRAINT assessment_findings_deduction CHECK (deduction > 0),
  CONSTRAINT assessment_findings_note CHECK (btrim(note) <> '' AND length(note) <= 500)
);
CREATE INDEX assessment_findings_point ON assessment_findings (point_id);
CREATE UNIQUE INDEX assessment_findings_problem ON assessment_findings (problem_id) WHERE problem_id IS NOT NULL;

-- A scheme version used by a round never changes under it: the service makes a new version,
-- and this trigger is the guard behind it.
CREATE FUNCTION assessment_items_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM assessment_rounds r WHERE r.scheme_id = coalesce(OLD.scheme_id, NEW.scheme_id)) THEN
    RAISE EXCEPTION 'assessment scheme % is used by a round and frozen', coalesce(OLD.scheme_id, NEW.scheme_id)
      USING ERRCODE = 'check_violation', CONSTRAINT = 'assessment_items_frozen';
  END IF;
  RETURN coalesce(NEW, OLD);
END $$;
CREATE TRIGGER assessment_items_frozen BEFORE INSERT OR UPDATE OR DELETE ON assessment_items
  FOR EACH ROW EXECUTE FUNCTION assessment_items_frozen();

-- The demo scheme. ILLUSTRATIVE: items, weights and deductions are modelled on the kinds of
-- 点位 checks in the seeds (市容环境, 农贸市场, 公厕, 公益广告, 文明交通, 建筑工地围挡…), not
-- copied from an official 测评体系; replace them with the real one before use.
INSERT INTO assessment_schemes (code, version, name_zh, name_en, source_note) VALUES
  ('demo-points', 1, '点位测评示例体系', 'illustrative point assessment scheme',
   '示例数据：依据种子材料中的点位类型编写，非官方测评体系 / illustrative, not an official scheme');
INSERT INTO assessment_items (scheme_id, code, name_zh, name_en, max_score, per_finding, deduction_cap, point_types, sort)
SELECT s.id, i.code, i.name_zh, i.name_en, i.max_score, i.per_finding, i.cap, i.types, i.sort
FROM assessment_schemes s, (VALUES
  ('A01', '环境卫生（无垃圾、无积存污水）', 'cleanliness (no litter, no standing sewage)', 20, 2, 20, '{}'::text[], 10),
  ('A02', '公益广告（数量、内容、维护）', 'public-interest posters', 10, 2, 10, '{}'::text[], 20),
  ('A03', '秩序（无占道经营、乱停乱放）', 'order (no street vending, no disorderly parking)', 20, 2, 20, '{}'::text[], 30),
  ('B01', '农贸市场分区经营、病媒防制', 'market zoning and pest control', 20, 4, 20, '{market}'::text[], 40),
  ('B02', '公厕保洁与设施完好', 'toilet cleaning and fixtures', 20, 4, 20, '{public_toilet}'::text[], 50),
  ('B03', '工地围挡、扬尘控制', 'site hoarding and dust control', 20, 5, 20, '{construction_site}'::text[], 60),
  ('B04', '窗口服务规范、便民设施', 'service-window conduct and amenities', 20, 4, 20, '{service_window,hospital,station_square}'::text[], 70),
  ('B05', '楼道整洁、无违章搭建', 'clean stairways, no illegal structures', 20, 4, 16, '{residential,back_street}'::text[], 80)
) AS i (code, name_zh, name_en, max_score, per_finding, cap, types, sort)
WHERE s.code = 'demo-points' AND s.version = 1;
