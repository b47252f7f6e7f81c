package dev.destill.server.analysis;

import java.time.Instant;
import java.util.Objects;

/** One analysis in a list of recent ones. */
public record Listing(
    String requestId,
    Status status,
    String target,
    String title,
    Labels labels,
    int findings,
    Instant created,
    Instant updated) {
  public Listing {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(updated, "updated");
  }
}
