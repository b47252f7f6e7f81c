package dev.destill.core.model;

import java.util.Locale;

/** The outcome of a CI job, as far as the provider (or the user) tells it. */
public enum JobState {
  FAILED,
  PASSED,
  RUNNING,
  CANCELED,
  UNKNOWN;

  /** The lower-case name used in JSON, flags and on screen. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code failed|passed|running|canceled|unknown}, case-insensitively. */
  public static JobState parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown job state '" + text + "': use failed, passed, running, canceled or unknown");
    }
  }
}
