-- A request that finished with a part it could not read or analyze (see RequestEvent.Incomplete).
ALTER TABLE requests ADD COLUMN incomplete BOOLEAN NOT NULL DEFAULT FALSE;
