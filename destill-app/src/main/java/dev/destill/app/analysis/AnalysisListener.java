package dev.destill.app.analysis;

import dev.destill.core.model.Finding;
import dev.destill.core.model.ProgressEvent;

/**
 * Receives what an analysis produces while it runs. Called from worker threads; implementations
 * must be thread-safe.
 */
public interface AnalysisListener {
  AnalysisListener NONE = new AnalysisListener() {};

  default void onProgress(ProgressEvent event) {}

  /** A finding as soon as it is found, before the build's final ranking. */
  default void onFinding(Finding finding) {}
}
