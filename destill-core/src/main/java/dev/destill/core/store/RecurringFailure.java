package dev.destill.core.store;

import java.time.Instant;
import java.util.Objects;

/** A failure hash seen across stored builds, with a representative message. */
public record RecurringFailure(
    String hash,
    String normalized,
    String message,
    int builds,
    int occurrences,
    Instant firstSeen,
    Instant lastSeen) {
  public RecurringFailure {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(normalized, "normalized");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }
}
