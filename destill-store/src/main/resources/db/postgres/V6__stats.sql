-- Hot statistics (StatsStore): lines per minute (since the epoch), source, stream, level and
-- normalized template. One row per key; writers add to n.
CREATE TABLE stats_lines (
  minute   BIGINT NOT NULL,
  source   TEXT   NOT NULL,
  stream   TEXT   NOT NULL,
  level    TEXT   NOT NULL,
  template TEXT   NOT NULL,
  n        BIGINT NOT NULL,
  PRIMARY KEY (minute, source, stream, level, template)
);
CREATE INDEX stats_lines_source_minute ON stats_lines (source, minute);
