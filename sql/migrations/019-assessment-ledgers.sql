-- Assessment, second slice (issue 16; docs/ASSESSMENT.md): ledgers (台账申报) with their files
-- and review history, overdue ledger 督办 notices, satisfaction surveys and household visits
-- (入户), and the weekly 创文指数 (formula as versioned data, published weeks frozen).

-- A ledger item: what the scheme requires a unit to declare (seed 003: 825 items, some revised
-- more than ten times). area_id: the area it concerns (scope of supervisors); unit_id: who
-- declares it. state follows the last submission: pending (nothing yet or returned) → submitted
-- → passed / returned. version: the row lock's witness (each write bumps it).
CREATE TABLE ledger_items (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scheme_id    integer REFERENCES assessment_schemes (id) ON DELETE SET NULL,
  code         text NOT NULL,
  name         text NOT NULL,
  requirement  text,
  unit_id      integer NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
  area_id      integer NOT NULL REFERENCES areas (id) ON DELETE RESTRICT,
  area_code    text NOT NULL,
  due_on       date NOT NULL,
  state        text NOT NULL DEFAULT 'pending',
  submissions  integer NOT NULL DEFAULT 0,
  version      integer NOT NULL DEFAULT 1,
  created_by   integer REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  CONSTRAINT ledger_items_code_unique UNIQUE (code),
  CONSTRAINT ledger_items_code_format CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
  CONSTRAINT ledger_items_name CHECK (btrim(name) <> '' AND length(name) <= 200),
  CONSTRAINT ledger_items_state CHECK (state IN ('pending', 'submitted', 'passed', 'returned'))
);
CREATE INDEX ledger_items_unit ON ledger_items (unit_id);
CREATE INDEX ledger_items_area ON ledger_items (area_code text_pattern_ops);

-- Each submission is kept with its review (the history): returned ones keep their reasons.
CREATE TABLE ledger_submissions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id      integer NOT NULL REFERENCES ledger_items (id) ON DELETE CASCADE,
  seq          integer NOT NULL,
  note         text,
  submitted_by integer REFERENCES users (id) ON DELETE SET NULL,
  submitted_at timestamptz NOT NULL,
  decision     text,
  reason       text,
  reviewed_by  integer REFERENCES users (id) ON DELETE SET NULL,
  reviewed_at  timestamptz,
  CONSTRAINT ledger_submissions_seq UNIQUE (item_id, seq),
  CONSTRAINT ledger_submissions_decision CHECK (
    (decision IS NULL AND reviewed_at IS NULL)
    OR (decision = 'passed' AND reviewed_at IS NOT NULL)
    OR (decision = 'returned' AND reviewed_at IS NOT NULL AND btrim(coalesce(reason, '')) <> ''))
);

-- Files of a submission: documents only (the service checks the magic bytes and the size);
-- stored by content hash once, like photo_blobs.
CREATE TABLE ledger_blobs (
  sha256 text PRIMARY KEY,
  mime   text NOT NULL,
  size   integer NOT NULL CHECK (size > 0),
  bytes  bytea NOT NULL
);
CREATE TABLE ledger_files (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  submission_id bigint NOT NULL REFERENCES ledger_submissions (id) ON DELETE CASCADE,
  name          text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('pdf', 'docx', 'xlsx', 'jpg', 'png')),
  sha256        text NOT NULL REFERENCES ledger_blobs (sha256) ON DELETE RESTRICT,
  CONSTRAINT ledger_files_name CHECK (btrim(name) <> '' AND length(name) <= 200)
);
CREATE INDEX ledger_files_submission ON ledger_files (submission_id);

-- 督办 of a ledger item not passed by its due day: numbered in the same sequence and format as
-- the problem loop's notices (督办〔2026〕第0001号), one per item; resolved once it passes.
CREATE TABLE ledger_notices (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_id     integer NOT NULL REFERENCES ledger_items (id) ON DELETE CASCADE,
  kind        notice_kind NOT NULL DEFAULT 'supervision',
  number      text NOT NULL,
  issued_at   timestamptz NOT NULL,
  due_at      timestamptz NOT NULL,
  unit_id     integer REFERENCES units (id) ON DELETE RESTRICT,
  resolved_at timestamptz,
  CONSTRAINT ledger_notices_once UNIQUE (item_id, kind),
  CONSTRAINT ledger_notices_number_unique UNIQUE (number)
);

-- Satisfaction survey results per community (seed 000: ≥ 90 %).
CREATE TABLE satisfaction_surveys (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_id integer NOT NULL,
  area_level   area_level NOT NULL DEFAULT 'community',
  area_code    text NOT NULL,
  surveyed_on  date NOT NULL,
  respondents  integer NOT NULL,
  satisfied    integer NOT NULL,
  note         text,
  created_by   integer REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL,
  CONSTRAINT satisfaction_surveys_community FOREIGN KEY (community_id, area_level) REFERENCES areas (id, level) ON DELETE RESTRICT,
  CONSTRAINT satisfaction_surveys_level CHECK (area_level = 'community'),
  CONSTRAINT satisfaction_surveys_counts CHECK (respondents > 0 AND satisfied >= 0 AND satisfied <= respondents)
);
CREATE INDEX satisfaction_surveys_community ON satisfaction_surveys (community_id, surveyed_on DESC);

-- Household visits (入户走访) per community.
CREATE TABLE household_visits (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_id integer NOT NULL,
  area_level   area_level NOT NULL DEFAULT 'community',
  area_code    text NOT NULL,
  visited_on   date NOT NULL,
  households   integer NOT NULL,
  note         text,
  created_by   integer REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL,
  CONSTRAINT household_visits_community FOREIGN KEY (community_id, area_level) REFERENCES areas (id, level) ON DELETE RESTRICT,
  CONSTRAINT household_visits_level CHECK (area_level = 'community'),
  CONSTRAINT household_visits_households CHECK (households > 0 AND households <= 100000),
  CONSTRAINT household_visits_note CHECK (note IS NULL OR length(note) <= 1000)
);
CREATE INDEX household_visits_community ON household_visits (community_id, visited_on DESC);

-- The 创文指数 formula as versioned data (api/domain/assessment-index.ts reads `rules`):
-- component weights, red/green band limits, the problem window. A version used by a published
-- week is never changed: a new version is a new row.
CREATE TABLE index_formulas (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code        text NOT NULL,
  version     integer NOT NULL,
  name_zh     text NOT NULL,
  rules       jsonb NOT NULL,
  source_note text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT index_formulas_version_unique UNIQUE (code, version)
);
INSERT INTO index_formulas (code, version, name_zh, rules, source_note) VALUES
  ('chuangwen-index', 1, '创文指数（示例）',
   '{"weights": {"problems": 30, "points": 40, "ledgers": 15, "satisfaction": 15}, "bands": {"red": 75, "green": 90}, "problemWindowDays": 28}',
   '示例数据：权重与色带为演示而设，非官方文件 / illustrative weights and bands, not an official rule');

-- A published week (周通报): frozen. Its rows are what was published, whatever happens later.
CREATE TABLE index_weeks (
  week_start   date PRIMARY KEY,
  formula_id   integer NOT NULL REFERENCES index_formulas (id) ON DELETE RESTRICT,
  year         integer NOT NULL,
  issue        integer NOT NULL,
  published_by integer REFERENCES users (id) ON DELETE SET NULL,
  published_at timestamptz NOT NULL,
  CONSTRAINT index_weeks_issue UNIQUE (year, issue),
  CONSTRAINT index_weeks_monday CHECK (extract(isodow FROM week_start) = 1)
);
CREATE TABLE index_rows (
  week_start  date NOT NULL REFERENCES index_weeks (week_start) ON DELETE CASCADE,
  level       text NOT NULL CHECK (level IN ('community', 'street', 'unit')),
  entity_id   integer NOT NULL,
  code        text NOT NULL,
  name        text NOT NULL,
  components  jsonb NOT NULL,
  index       numeric(6, 2),
  band        text CHECK (band IN ('red', 'yellow', 'green')),
  rank        integer,
  PRIMARY KEY (week_start, level, entity_id)
);
