-- The baseline a request's failed jobs were compared with (RequestEvent.BaselineChosen), and the
-- lines each analyzed chunk counted against it (NULL: the chunk had no baseline).
ALTER TABLE requests
  ADD COLUMN baseline_chosen BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN baseline_source TEXT,
  ADD COLUMN baseline_note   TEXT NOT NULL DEFAULT '';
ALTER TABLE chunks
  ADD COLUMN known BIGINT,
  ADD COLUMN fresh BIGINT;
