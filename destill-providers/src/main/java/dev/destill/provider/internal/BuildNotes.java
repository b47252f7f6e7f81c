package dev.destill.provider.internal;

import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.BuildJob;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What every provider tells the user about a resolved build, and the limit on passed jobs read for
 * comparison.
 */
public final class BuildNotes {
  /** Passed jobs read to demote errors they share with failed ones; the rest are listed only. */
  public static final int MAX_PASSED_JOBS = 10;

  private BuildNotes() {}

  /**
   * Marks passed jobs beyond {@link #MAX_PASSED_JOBS} as not read, and reports the build and what
   * is unusual about it (still running, no failed job).
   */
  public static List<BuildJob> finish(
      String buildId,
      String title,
      JobState buildState,
      List<BuildJob> jobs,
      Consumer<ProgressEvent> progress) {
    List<BuildJob> out = new ArrayList<>(jobs.size());
    int passed = 0;
    int skipped = 0;
    for (BuildJob j : jobs) {
      if (j.hasLog() && j.info().passed() && ++passed > MAX_PASSED_JOBS) {
        out.add(new BuildJob(j.info(), false, j.refs()));
        skipped++;
      } else {
        out.add(j);
      }
    }
    int failed = (int) jobs.stream().filter(j -> j.info().failed()).count();
    progress.accept(new ProgressEvent.BuildResolved(buildId, title, jobs.size(), failed));
    if (skipped > 0) {
      progress.accept(
          new ProgressEvent.Warning(
              "read "
                  + MAX_PASSED_JOBS
                  + " of "
                  + passed
                  + " passed jobs for comparison; the other "
                  + skipped
                  + " were skipped"));
    }
    if (buildState == JobState.RUNNING) {
      progress.accept(
          new ProgressEvent.Warning(title + " is still running: showing the logs so far"));
    }
    if (failed == 0) {
      progress.accept(
          new ProgressEvent.Warning(
              "no job of " + title + " failed: showing what the logs of " + "all jobs contain"));
    }
    return out;
  }

  /**
   * The failure of a job's log that the API does not have (404) or no longer has (410), said as
   * such: the job and the status, never a URL (a log's storage URL carries signatures).
   */
  public static HttpTransport.Gone logGone(
      String service, String tokenVariable, String job, HttpTransport.Gone e) {
    return new HttpTransport.Gone(
        e.status(),
        "the log of job "
            + job
            + " is gone: "
            + service
            + " returned "
            + e.status()
            + (e.status() == 410
                ? " (it expired or was deleted)"
                : " (it was deleted or expired, or the token in "
                    + tokenVariable
                    + " cannot see it)"));
  }
}
