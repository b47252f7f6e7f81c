package dev.destill.core.engine;

import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What scanning one job log produced.
 *
 * @param job the job
 * @param lines lines read
 * @param bytes bytes read
 * @param findings the job's findings, unranked, duplicates folded (recurrence = count in the job)
 * @param tailLine number of the first line of {@code tail}
 * @param tail the last non-blank lines of the log (cleaned, masked), used when nothing else points
 *     at the failure
 * @param dropped distinct findings not kept because the job had its maximum of stronger ones
 * @param firstStepLine the first line that named a step ({@code Long.MAX_VALUE} when none did):
 *     findings before it have step {@code ""}, which for a chunk means "the step the previous chunk
 *     ended in"
 * @param exitStep for a chunk, the step its last own line is in, when a line of the chunk named it
 */
public record JobScan(
    JobInfo job,
    long lines,
    long bytes,
    List<Finding> findings,
    long tailLine,
    List<String> tail,
    long dropped,
    long firstStepLine,
    Optional<String> exitStep) {
  public JobScan {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(exitStep, "exitStep");
    findings = List.copyOf(findings);
    tail = List.copyOf(tail);
  }

  /** {@link #firstStepLine()} without its sentinel: empty when no line named a step. */
  public java.util.OptionalLong stepLine() {
    return firstStepLine == Long.MAX_VALUE
        ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(firstStepLine);
  }
}
