package dev.destill.core.stats;

import java.util.Locale;

/** The severity of one ingested line, as its source gave it or as the engine read it. */
public enum Level {
  TRACE,
  DEBUG,
  INFO,
  WARN,
  ERROR,
  FATAL,
  UNKNOWN;

  /** True for the levels counted as errors in the statistics. */
  public boolean isError() {
    return this == ERROR || this == FATAL;
  }

  /** The lower-case name used in JSON and in the statistics tables. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
