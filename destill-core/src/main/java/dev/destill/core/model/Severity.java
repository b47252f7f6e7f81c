package dev.destill.core.model;

import java.util.Locale;

/** How bad a finding's line says it is, from the words it uses. */
public enum Severity {
  FATAL,
  ERROR,
  WARNING;

  /** The lower-case name used in JSON and on screen. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
