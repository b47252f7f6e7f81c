package dev.destill.core.model;

import java.util.Objects;
import java.util.Optional;

/**
 * An analyzed log chunk, as far as ranking needs it: which lines it owned and which step they were
 * in. A chunk is analyzed alone, so findings before its first step marker carry step {@code ""};
 * ranking gives them the step the chunk before ended in.
 *
 * @param jobId the job's id
 * @param index 0-based position in the job
 * @param ownFrom first line the chunk owns
 * @param ownTo last line it owns
 * @param firstStepLine the first line of the chunk that named a step, {@code Long.MAX_VALUE} if
 *     none
 * @param exitStep the step of line {@code ownTo}, when a line of the chunk named it
 */
public record ChunkRecord(
    String jobId,
    int index,
    long ownFrom,
    long ownTo,
    long firstStepLine,
    Optional<String> exitStep) {
  public ChunkRecord {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(exitStep, "exitStep");
    if (index < 0 || ownTo < ownFrom) {
      throw new IllegalArgumentException("inconsistent chunk record");
    }
  }
}
