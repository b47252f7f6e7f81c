package dev.destill.app.analysis;

import dev.destill.core.model.JobState;
import java.util.Objects;
import java.util.OptionalInt;

/** One job of an analyzed build: name, state, exit status and how much of its log was read. */
public record JobSummary(
    String name, JobState state, OptionalInt exitStatus, long lines, long bytes) {
  public JobSummary {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(exitStatus, "exitStatus");
  }
}
