-- Recurrence is scoped to a project (a repository, a pipeline, a folder of local logs), and
-- compares only hashes of one fingerprint version. The rows so far were hashed by fp-v2; the
-- projects of earlier requests are filled in from their build ids when the store opens.
ALTER TABLE requests ADD COLUMN project TEXT NOT NULL DEFAULT '';
CREATE INDEX requests_project ON requests (project, build_id, created);

ALTER TABLE findings ADD COLUMN fp TEXT NOT NULL DEFAULT 'fp-v2';
DROP INDEX IF EXISTS findings_hash;
CREATE INDEX findings_hash ON findings (hash, fp);
