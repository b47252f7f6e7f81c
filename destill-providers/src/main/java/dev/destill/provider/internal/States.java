package dev.destill.provider.internal;

import dev.destill.core.model.JobState;
import java.util.List;
import java.util.Locale;

/** Maps the CI systems' state words onto {@link JobState}. Pure. */
public final class States {
  private States() {}

  public static JobState of(String word) {
    String w = word == null ? "" : word.toLowerCase(Locale.ROOT);
    return switch (w) {
      case "failed",
          "failure",
          "timed_out",
          "timedout",
          "broken",
          "startup_failure",
          "action_required",
          "expired" ->
          JobState.FAILED;
      case "passed", "success", "succeeded", "neutral" -> JobState.PASSED;
      case "running",
          "in_progress",
          "queued",
          "scheduled",
          "assigned",
          "accepted",
          "waiting",
          "pending",
          "created",
          "preparing",
          "requested",
          "blocked",
          "limited",
          "canceling",
          "manual",
          "waiting_for_resource" ->
          JobState.RUNNING;
      case "canceled", "cancelled", "skipped", "not_run" -> JobState.CANCELED;
      default -> JobState.UNKNOWN;
    };
  }

  /** The state of a build from its jobs' states. */
  public static JobState overall(List<JobState> jobs) {
    if (jobs.contains(JobState.RUNNING)) {
      return JobState.RUNNING;
    }
    if (jobs.contains(JobState.FAILED)) {
      return JobState.FAILED;
    }
    if (!jobs.isEmpty() && jobs.stream().allMatch(s -> s == JobState.PASSED)) {
      return JobState.PASSED;
    }
    return JobState.UNKNOWN;
  }
}
