-- The grid leader's field workspace (issue 14, docs/FIELD.md).

-- Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header): a write sent with a key is
-- stored with the key, in the write's own transaction, with the request's fingerprint and the
-- answer; a retry with the same key gets the stored answer and writes nothing. Keys are per user
-- (two users' keys never meet) and expire (expires_at, set from the app clock).
CREATE TABLE idempotency_keys (
  user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key         text NOT NULL,
  fingerprint text NOT NULL,                 -- sha256 of method, route and body
  status      smallint,                      -- the answer, set before the transaction commits
  body        jsonb,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (user_id, key),
  CONSTRAINT idempotency_keys_key_length CHECK (length(key) BETWEEN 1 AND 255)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- The GPS samples of a patrol track: per vertex of patrol_visits.track, its accuracy (m) and
-- time, in the same order (the line itself stays a plain LineString for the spatial functions).
ALTER TABLE patrol_visits
  ADD COLUMN track_accuracy_m real[],
  ADD COLUMN track_times timestamptz[],
  ADD CONSTRAINT patrol_visits_samples CHECK (
    (track_accuracy_m IS NULL OR (track IS NOT NULL AND cardinality(track_accuracy_m) = ST_NPoints(track)))
    AND (track_times IS NULL OR (track IS NOT NULL AND cardinality(track_times) = ST_NPoints(track))));
