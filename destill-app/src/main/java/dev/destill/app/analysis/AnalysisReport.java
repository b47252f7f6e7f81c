package dev.destill.app.analysis;

import dev.destill.core.explain.Explanation;
import dev.destill.core.model.Finding;
import dev.destill.core.store.StoreBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param explanation the LLM's explanation, when one was asked for and given
 * @param baseline which baseline failed jobs were compared with, when one was asked for
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
    StoreBatch stored,
    Optional<Explanation> explanation,
    Optional<BaselineSummary> baseline) {
  public AnalysisReport {
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(buildId, "buildId");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(stored, "stored");
    Objects.requireNonNull(explanation, "explanation");
    jobs = List.copyOf(jobs);
    findings = List.copyOf(findings);
    warnings = List.copyOf(warnings);
  }

  /** A report without an explanation. */
  public AnalysisReport(
      String requestId,
      String input,
      String buildId,
      String title,
      List<JobSummary> jobs,
      List<Finding> findings,
      List<String> warnings,
      Instant started,
      StoreBatch stored) {
    this(
        requestId,
        input,
        buildId,
        title,
        jobs,
        findings,
        warnings,
        started,
        stored,
        Optional.empty(),
        Optional.empty());
  }

  /** A report with an explanation, perhaps, and no baseline. */
  public AnalysisReport(
      String requestId,
      String input,
      String buildId,
      String title,
      List<JobSummary> jobs,
      List<Finding> findings,
      List<String> warnings,
      Instant started,
      StoreBatch stored,
      Optional<Explanation> explanation) {
    this(
        requestId,
        input,
        buildId,
        title,
        jobs,
        findings,
        warnings,
        started,
        stored,
        explanation,
        Optional.empty());
  }

  /** The same report, saying which baseline it was compared with. */
  public AnalysisReport withBaseline(BaselineSummary b) {
    return new AnalysisReport(
        requestId,
        input,
        buildId,
        title,
        jobs,
        findings,
        warnings,
        started,
        stored,
        explanation,
        Optional.of(b));
  }

  /** The same report with other findings (history added, say). */
  public AnalysisReport withFindings(List<Finding> newFindings) {
    return new AnalysisReport(
        requestId,
        input,
        buildId,
        title,
        jobs,
        newFindings,
        warnings,
        started,
        stored,
        explanation,
        baseline);
  }

  /** The same report with an explanation. */
  public AnalysisReport withExplanation(Explanation e) {
    return new AnalysisReport(
        requestId,
        input,
        buildId,
        title,
        jobs,
        findings,
        warnings,
        started,
        stored,
        Optional.of(e),
        baseline);
  }

  /** The same report with one more warning. */
  public AnalysisReport withWarning(String warning) {
    List<String> more = new ArrayList<>(warnings);
    more.add(warning);
    return new AnalysisReport(
        requestId,
        input,
        buildId,
        title,
        jobs,
        findings,
        more,
        started,
        stored,
        explanation,
        baseline);
  }
}
