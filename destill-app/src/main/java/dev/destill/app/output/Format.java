package dev.destill.app.output;

/** Output formats of {@code analyze} and {@code view}. */
public enum Format {
  TEXT,
  JSON,
  JSONL,
  MARKDOWN,
  /** GitHub Actions workflow commands: annotations of the top findings. */
  GITHUB
}
