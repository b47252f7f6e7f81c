-- The streaming pipeline: the sink applies what each agent reported, idempotently.

-- What is known of each request; its status is derived from these.
ALTER TABLE requests
  ADD COLUMN submitted BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN resolved  BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN ingested  BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN failed    BOOLEAN NOT NULL DEFAULT FALSE;
-- Requests saved before the pipeline were created whole.
UPDATE requests SET submitted = TRUE;

-- findings() returns a request's findings in arrival order.
CREATE INDEX findings_order ON findings (request_id, ord);

-- The jobs of a request, in the order they first arrived.
CREATE TABLE jobs (
  request_id  TEXT NOT NULL REFERENCES requests (id),
  job_id      TEXT NOT NULL,
  ord         INTEGER NOT NULL,
  name        TEXT NOT NULL,
  state       TEXT NOT NULL,
  exit_status INTEGER,
  chunks      INTEGER NOT NULL,
  lines       BIGINT NOT NULL,
  bytes       BIGINT NOT NULL,
  PRIMARY KEY (request_id, job_id)
);

-- Each analyzed chunk once, however often it is reported: chunks_done counts these. The lines it
-- owned and the step markers it saw let ranking give the findings before its first marker the
-- step the chunk before ended in (exit_step NULL: no marker up to own_to).
CREATE TABLE chunks (
  request_id      TEXT NOT NULL REFERENCES requests (id),
  job_id          TEXT NOT NULL,
  idx             INTEGER NOT NULL,
  own_from        BIGINT NOT NULL,
  own_to          BIGINT NOT NULL,
  first_step_line BIGINT NOT NULL,
  exit_step       TEXT,
  PRIMARY KEY (request_id, job_id, idx)
);

-- A request's warnings, keyed by the event that reported them (source) and their position in it,
-- so that a replayed event adds none; ord keeps arrival order.
CREATE TABLE request_warnings (
  request_id TEXT NOT NULL REFERENCES requests (id),
  source     TEXT NOT NULL,
  n          INTEGER NOT NULL,
  ord        INTEGER NOT NULL,
  text       TEXT NOT NULL,
  PRIMARY KEY (request_id, source, n)
);
