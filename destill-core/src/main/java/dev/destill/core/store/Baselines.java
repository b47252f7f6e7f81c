package dev.destill.core.store;

import dev.destill.core.engine.LineTemplates;
import dev.destill.core.engine.NoveltyScan;
import dev.destill.core.model.JobInfo;
import java.util.Optional;

/**
 * Where the analyze agent finds the baseline a failed job is compared with (the line templates of
 * the paired job of a passing build), and where it counts the lines it compared. Implementations
 * are thread-safe: chunks of one job are analyzed at once.
 */
public interface Baselines {

  /**
   * The templates of the baseline paired with {@code job} in request {@code requestId}, empty when
   * the request has none or the job has no pair. The first call for a job may read the baseline's
   * log; calls for the same job wait for it and share the result.
   */
  Optional<LineTemplates> templates(String requestId, JobInfo job);

  /** Adds what one chunk of {@code job} counted against its baseline. */
  void counted(String requestId, String job, NoveltyScan.Counts counts);

  /** No request has a baseline. */
  Baselines NONE =
      new Baselines() {
        @Override
        public Optional<LineTemplates> templates(String requestId, JobInfo job) {
          return Optional.empty();
        }

        @Override
        public void counted(String requestId, String job, NoveltyScan.Counts counts) {}
      };
}
