package dev.destill.server.analysis;

import dev.destill.core.store.RequestStatus;
import java.util.Locale;

/** The status of an analysis as the API reports it. */
public enum Status {
  PENDING,
  RUNNING,
  COMPLETE,
  /** Finished, but a part (a log cut short, a chunk that could not be analyzed) is missing. */
  INCOMPLETE,
  FAILED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this == COMPLETE || this == INCOMPLETE || this == FAILED;
  }

  /** The API's status of a stored request: ingesting and analyzing are both running. */
  public static Status of(RequestStatus s) {
    return switch (s) {
      case PENDING -> PENDING;
      case INGESTING, ANALYZING -> RUNNING;
      case COMPLETE -> COMPLETE;
      case INCOMPLETE -> INCOMPLETE;
      case FAILED -> FAILED;
    };
  }

  /** The status named {@code id}; empty for anything else. */
  public static java.util.Optional<Status> parse(String id) {
    for (Status s : values()) {
      if (s.id().equals(id)) {
        return java.util.Optional.of(s);
      }
    }
    return java.util.Optional.empty();
  }
}
