package dev.destill.core.model;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One CI job (or one local log file): its stable id, the name shown to users, its state and, when
 * known, its exit status.
 */
public record JobInfo(String id, String name, JobState state, OptionalInt exitStatus) {
  public JobInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(exitStatus, "exitStatus");
  }

  /** A job known only by name, such as a local file; its id is its name. */
  public static JobInfo of(String name, JobState state) {
    return new JobInfo(name, name, state, OptionalInt.empty());
  }

  public boolean failed() {
    return state == JobState.FAILED;
  }

  public boolean passed() {
    return state == JobState.PASSED;
  }
}
