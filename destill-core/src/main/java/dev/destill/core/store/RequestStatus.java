package dev.destill.core.store;

import java.util.Locale;

/** Where an analysis request is in its life. */
public enum RequestStatus {
  PENDING,
  INGESTING,
  ANALYZING,
  COMPLETE,
  FAILED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this == COMPLETE || this == FAILED;
  }
}
