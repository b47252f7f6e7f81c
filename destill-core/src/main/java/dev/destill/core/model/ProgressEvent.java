package dev.destill.core.model;

/**
 * What the pipeline reports while it works. The core only emits these; each front end decides how
 * to draw them.
 */
public sealed interface ProgressEvent {

  /** The build was resolved: how many jobs it has, and how many of them failed. */
  record BuildResolved(String buildId, String title, int jobs, int failedJobs)
      implements ProgressEvent {}

  /** A job's log started streaming in. */
  record JobStarted(String job) implements ProgressEvent {}

  /**
   * A job's log is being read: {@code bytes} so far. Sent every few megabytes, so a long read shows
   * it is moving.
   */
  record JobReading(String job, long bytes) implements ProgressEvent {}

  /** A job's log was read to its end. */
  record JobFinished(String job, long lines, long bytes, int findings) implements ProgressEvent {}

  /** Something the user should know that did not stop the analysis. */
  record Warning(String message) implements ProgressEvent {}

  /** The analysis is complete. */
  record Completed(int findings) implements ProgressEvent {}
}
