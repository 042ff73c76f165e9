-- An assignment is ended once (issue 10, finding 10). Close and reassign both set valid_to; they
-- used to accept any instant inside the remaining period, so a close or a second reassignment
-- arriving after a reassignment (concurrently or not) shortened the old period again and left
-- the grid without a lead unit between the two ends. Now both lock the row (FOR UPDATE), act only
-- on an assignment that no close or reassignment has ended yet, and set this flag: of concurrent
-- steps on one assignment exactly one wins, the others get 409 (api/services/assignments.ts).
-- A valid_to written at creation (a planned end) is not an end by a step: it may still be
-- brought forward once. Rows ended before this migration keep false (which step set their end
-- is not recorded), so each may be ended once more, as before.
ALTER TABLE assignments ADD COLUMN ended boolean NOT NULL DEFAULT false;

COMMENT ON COLUMN assignments.ended IS
  'true once a close or a reassignment has set valid_to; neither acts on an ended assignment again';
