-- Analysis requests: where each one is, and how far.
CREATE TABLE requests (
  id           TEXT PRIMARY KEY,
  target       TEXT NOT NULL,
  build_id     TEXT NOT NULL,
  title        TEXT NOT NULL,
  status       TEXT NOT NULL,
  chunks_total INTEGER NOT NULL,
  chunks_done  INTEGER NOT NULL,
  findings     INTEGER NOT NULL,
  error        TEXT NOT NULL,
  created      TEXT NOT NULL,
  updated      TEXT NOT NULL
);
CREATE INDEX requests_build ON requests (build_id, created);
CREATE INDEX requests_created ON requests (created);

-- One row per finding; the triage card (message, block, context...) as JSONB.
CREATE TABLE findings (
  request_id TEXT NOT NULL REFERENCES requests (id),
  id         TEXT NOT NULL,
  hash       TEXT NOT NULL,
  ord        INTEGER NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  tier       INTEGER NOT NULL,
  created    TEXT NOT NULL,
  body       JSONB NOT NULL,
  PRIMARY KEY (request_id, id)
);
CREATE INDEX findings_request ON findings (request_id);
CREATE INDEX findings_hash ON findings (hash);
CREATE INDEX findings_confidence ON findings (confidence);
CREATE INDEX findings_created ON findings (created);

-- Recurrence per hash across builds.
CREATE VIEW findings_summary AS
SELECT f.hash,
       COUNT(DISTINCT r.build_id) AS builds,
       COUNT(*)                   AS occurrences,
       MIN(r.created)             AS first_seen,
       MAX(r.created)             AS last_seen
FROM findings f
JOIN requests r ON r.id = f.request_id
GROUP BY f.hash;
