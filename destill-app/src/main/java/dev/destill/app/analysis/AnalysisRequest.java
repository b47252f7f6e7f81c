package dev.destill.app.analysis;

import dev.destill.core.provider.BaselineChoice;
import dev.destill.core.provider.Targets;
import java.util.List;

/**
 * What to analyze: build URLs or local paths ({@code -} for standard input). Local paths given
 * together form one build whose jobs are the files.
 *
 * @param targets one build URL, or one or more local paths
 * @param parallelism how many job logs are read at once
 * @param baseline what failed jobs are compared with
 */
public record AnalysisRequest(List<String> targets, int parallelism, BaselineChoice baseline) {
  public AnalysisRequest {
    java.util.Objects.requireNonNull(baseline, "baseline");
    targets = List.copyOf(targets);
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("nothing to analyze");
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
  }

  /** A request without a baseline. */
  public AnalysisRequest(List<String> targets, int parallelism) {
    this(targets, parallelism, BaselineChoice.NONE);
  }

  /** The same request compared with {@code choice}. */
  public AnalysisRequest withBaseline(BaselineChoice choice) {
    return new AnalysisRequest(targets, parallelism, choice);
  }

  public static AnalysisRequest of(String... targets) {
    return new AnalysisRequest(List.of(targets), Runtime.getRuntime().availableProcessors());
  }

  /** The targets as the user gave them, credentials masked ({@link Targets}), for display. */
  public String input() {
    return Targets.redact(String.join(" ", targets));
  }
}
