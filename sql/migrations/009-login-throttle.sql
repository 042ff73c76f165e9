-- Login throttling instead of a hard lock (issue 10, finding 2; docs/ARCHITECTURE.md decision 12).
-- Five wrong passwords used to lock an account for 15 minutes, for everyone: anyone could keep
-- any account locked and 423 vs 401 told which names exist. Failures are now counted per
-- (name as typed, client address), and per name over all addresses (address '*', the ceiling
-- of OWASP ASVS 2.2.1). Keyed on the name as typed, not on users.id, so an unknown name is
-- throttled exactly like a real one. A row is forgotten an hour after its last counted failure
-- (api/auth/login-throttle.ts holds the policy; api/repositories/login-failures.ts the SQL).
CREATE TABLE login_failures (
  account          text NOT NULL,        -- lower(username) as typed, existing or not
  address          text NOT NULL,        -- client address, or '*' for all addresses together
  failures         integer NOT NULL CHECK (failures > 0),
  last_failure_at  timestamptz NOT NULL,
  PRIMARY KEY (account, address)
);
CREATE INDEX login_failures_last ON login_failures (last_failure_at);

-- The lock's own columns go: kept, they would mislead a reader into thinking they still count.
ALTER TABLE users DROP COLUMN failed_logins, DROP COLUMN locked_until;
