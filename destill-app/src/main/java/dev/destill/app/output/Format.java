package dev.destill.app.output;

/** Output formats of {@code analyze} and {@code view}. */
public enum Format {
  TEXT,
  JSON,
  JSONL,
  MARKDOWN,
  /** GitHub Actions workflow commands: annotations of the top findings. */
  GITHUB;

  /** Lower case, as the command line takes it and help lists it. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
