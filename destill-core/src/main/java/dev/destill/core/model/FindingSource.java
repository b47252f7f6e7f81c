package dev.destill.core.model;

import java.util.Locale;

/** Where a finding came from: a heuristic over log lines, or a JUnit XML report. */
public enum FindingSource {
  LOG,
  JUNIT;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
