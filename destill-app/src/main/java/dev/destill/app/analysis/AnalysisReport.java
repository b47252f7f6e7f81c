package dev.destill.app.analysis;

import dev.destill.core.model.Finding;
import dev.destill.core.store.StoreBatch;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The result of one analysis.
 *
 * @param requestId {@code req-...}, the id history and view use
 * @param input the targets as given
 * @param buildId the provider's stable build id
 * @param title a short title for the build
 * @param jobs every job, in the provider's order
 * @param findings ranked, best first
 * @param warnings what went wrong without stopping the analysis
 * @param started when the analysis started
 * @param stored what the pipeline stored for it (raw findings and request events), to be saved to a
 *     history; empty for a report read back from one
 */
public record AnalysisReport(
    String requestId,
    String input,
    String buildId,
    String title,
    List<JobSummary> jobs,
    List<Finding> findings,
    List<String> warnings,
    Instant started,
    StoreBatch stored) {
  public AnalysisReport {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(stored, "stored");
    jobs = List.copyOf(jobs);
    findings = List.copyOf(findings);
    warnings = List.copyOf(warnings);
  }

  /** The same report with other findings (history added, say). */
  public AnalysisReport withFindings(List<Finding> newFindings) {
    return new AnalysisReport(
        requestId, input, buildId, title, jobs, newFindings, warnings, started, stored);
  }
}
