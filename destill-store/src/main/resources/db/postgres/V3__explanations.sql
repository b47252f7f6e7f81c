-- LLM explanations: the cache by key (model, prompt version, fingerprints sent), each analysis's
-- explanation (made for it or reused), and every request sent to a model.
CREATE TABLE explanation_cache (
  cache_key  TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  body       TEXT NOT NULL,
  created    TEXT NOT NULL
);

CREATE TABLE explanations (
  request_id TEXT PRIMARY KEY,
  body       TEXT NOT NULL,
  created    TEXT NOT NULL
);

CREATE TABLE explanation_requests (
  request_id       TEXT NOT NULL,
  n                INTEGER NOT NULL,
  model            TEXT NOT NULL,
  prompt_version   TEXT NOT NULL,
  characters       INTEGER NOT NULL,
  estimated_tokens INTEGER NOT NULL,
  finding_ids      TEXT NOT NULL,
  outcome          TEXT NOT NULL,
  at               TEXT NOT NULL,
  PRIMARY KEY (request_id, n)
);
