package dev.destill.core.provider;

import dev.destill.core.model.ProgressEvent;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * A source of builds: a CI system's API, or local files. Implementations are thread-safe, so jobs
 * can be fetched concurrently.
 */
public interface CiProvider {

  /** A short name: {@code buildkite}, {@code github}, {@code gitlab} or {@code local}. */
  String name();

  /** The provider's identity as a type; {@link ProviderId#LOCAL} for local files. */
  default ProviderId id() {
    return new ProviderId(name());
  }

  /** True when this provider understands the target (a build URL, a path, {@code -}). */
  boolean accepts(String target);

  /**
   * Resolves the target to a build and its jobs, without reading any log.
   *
   * @throws dev.destill.core.DestillException with a one-line message on any failure
   */
  Build fetchBuild(String target, Consumer<ProgressEvent> progress);

  /**
   * Opens a job's raw log as a stream. The caller reads it incrementally and closes it; the log is
   * never buffered whole.
   */
  InputStream openLog(Build build, BuildJob job);

  /**
   * The JUnit XML reports attached to a job, each bounded in size, with warnings about what was
   * skipped. {@link TestReports#NONE} when there are none.
   */
  TestReports testReports(Build build, BuildJob job);

  /**
   * The last green build of the pipeline or workflow {@code target} (a build URL) belongs to: on
   * its branch, else on the default branch. Empty when there is none, and for providers that have
   * no history of builds (local files).
   *
   * @throws dev.destill.core.DestillException with a one-line message when the API fails
   */
  default java.util.Optional<PassingBuild> lastGreen(
      String target, Consumer<ProgressEvent> progress) {
    return java.util.Optional.empty();
  }
}
