-- Scope "at the time": unit staff see the grids their unit contracts now, grid staff the grids
-- they are leader or member of now (people.user_id), besides any areas given explicitly in
-- user_scopes. A reassignment moves the scope at once, with no account to edit.
ALTER TABLE users ADD COLUMN unit_id integer REFERENCES units (id) ON DELETE SET NULL;
ALTER TABLE users ADD CONSTRAINT users_unit_only_for_unit_staff CHECK (unit_id IS NULL OR role = 'unit_staff');
-- user_scope_codes runs on every request of a grid leader or member: find their person fast.
CREATE INDEX people_user_id ON people (user_id) WHERE user_id IS NOT NULL;
