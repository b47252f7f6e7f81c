package dev.destill.live;

import java.time.Duration;
import java.util.Objects;

/** What the ingestion said to a batch: taken, or not now. */
public sealed interface Admission {
  /** The batch is queued; {@code records} of it. */
  record Accepted(int records) implements Admission {}

  /** The queue is full: nothing of the batch was taken; try again after {@code retryAfter}. */
  record Full(Duration retryAfter) implements Admission {
    public Full {
      Objects.requireNonNull(retryAfter, "retryAfter");
    }
  }

  /** The ingestion is stopping: nothing was taken. */
  record Stopping() implements Admission {}
}
