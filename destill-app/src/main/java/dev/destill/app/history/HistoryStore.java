package dev.destill.app.history;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.AnalysisService;
import dev.destill.core.DestillException;
import dev.destill.core.engine.Boilerplate;
import dev.destill.core.engine.CapWarning;
import dev.destill.core.model.Finding;
import dev.destill.core.model.History;
import dev.destill.core.model.Projects;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.StoreBatch;
import dev.destill.store.postgres.PostgresFindingStore;
import dev.destill.store.sqlite.SqliteFindingStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What remembering analyses adds to a report: for each finding, in how many of the last {@link
 * #WINDOW} other builds it occurred.
 */
public final class HistoryStore {
  /** How many earlier builds the history looks at. */
  public static final int WINDOW = 20;

  private HistoryStore() {}

  /** Adds history to the report's findings and saves the report; returns the enriched report. */
  public static AnalysisReport record(FindingStore store, AnalysisReport report) {
    return record(store, report, "");
  }

  /**
   * Adds history to the report's findings and saves the report, in {@code project} (blank: the one
   * its build id says); returns the enriched report. The counts are saved with the findings, so
   * that {@code view} shows them as they were at analysis time.
   */
  public static AnalysisReport record(FindingStore store, AnalysisReport report, String project) {
    String scope = project.isBlank() ? Projects.of(report.buildId()) : project;
    Map<String, History> history = history(store, report, scope);
    List<RequestEvent> events = new ArrayList<>();
    for (RequestEvent e : report.stored().events()) {
      events.add(
          e instanceof RequestEvent.Resolved r
              ? new RequestEvent.Resolved(r.requestId(), r.buildId(), r.title(), scope)
              : e);
    }
    List<StoreBatch.RequestFinding> findings = new ArrayList<>();
    for (StoreBatch.RequestFinding rf : report.stored().findings()) {
      History h = history.get(rf.finding().hash());
      findings.add(
          h == null
              ? rf
              : new StoreBatch.RequestFinding(rf.requestId(), rf.finding().withHistory(h)));
    }
    store.apply(new StoreBatch(findings, events));
    return withHistory(report, history);
  }

  /**
   * What the other builds of the project say about each finding's hash; boilerplate ({@link
   * Boilerplate}) gets no count.
   */
  private static Map<String, History> history(
      FindingStore store, AnalysisReport report, String project) {
    List<String> hashes =
        report.findings().stream()
            .filter(f -> !Boilerplate.is(f.message()))
            .map(Finding::hash)
            .distinct()
            .toList();
    return store.history(hashes, report.buildId(), project, WINDOW);
  }

  private static AnalysisReport withHistory(AnalysisReport report, Map<String, History> history) {
    List<Finding> enriched = new ArrayList<>(report.findings().size());
    for (Finding f : report.findings()) {
      History h = Boilerplate.is(f.message()) ? null : history.get(f.hash());
      enriched.add(h == null ? f : f.withHistory(h));
    }
    return report.withFindings(enriched);
  }

  /**
   * The request {@code given} names: {@code last} (the latest analysis), a full id, or a unique
   * prefix of one (with or without {@code req-}).
   *
   * @throws DestillException.BadInput when it names none, or several
   */
  public static String resolve(FindingStore store, String given) {
    String id = given.strip();
    if (id.equals("last")) {
      return store.recentRequests(1).stream()
          .findFirst()
          .map(RequestRecord::id)
          .orElseThrow(
              () -> new DestillException.BadInput("the history is empty; analyze a build first"));
    }
    if (store.request(id).isPresent()) {
      return id;
    }
    String prefix = id.startsWith("req-") ? id : "req-" + id;
    List<String> matches = store.requestIds(prefix, 6);
    if (matches.size() == 1) {
      return matches.get(0);
    }
    if (matches.isEmpty()) {
      throw new DestillException.BadInput(
          "no analysis " + given + " in the history; 'destill history' lists them");
    }
    throw new DestillException.BadInput(
        given
            + " matches several analyses ("
            + String.join(", ", matches.subList(0, Math.min(5, matches.size())))
            + (matches.size() > 5 ? ", …" : "")
            + "); give more of the id");
  }

  /**
   * Reopens a stored analysis as a report: its jobs, and its findings ranked as when it ran (a
   * request still being analyzed shows what is stored so far), with their history.
   */
  public static AnalysisReport load(FindingStore store, String requestId) {
    RequestRecord r =
        store
            .request(requestId)
            .orElseThrow(
                () ->
                    new DestillException.BadInput(
                        "no analysis "
                            + requestId
                            + " in the history; 'destill history' lists them"));
    AnalysisService.Ranked ranked = AnalysisService.rank(store, requestId);
    // Chunks of one job may each say the same (a baseline that did not arrive): said once.
    List<String> warnings =
        new ArrayList<>(
            new java.util.LinkedHashSet<>(
                CapWarning.merge(
                    r.warnings(),
                    ranked.capped(),
                    ranked.jobs().stream()
                        .map(dev.destill.app.analysis.JobSummary::name)
                        .toList())));
    if (!r.error().isEmpty()) {
      warnings.add(r.error());
    }
    AnalysisReport report =
        new AnalysisReport(
            r.id(),
            r.target(),
            r.buildId(),
            r.title(),
            ranked.jobs(),
            ranked.findings(),
            warnings,
            r.created(),
            new StoreBatch(List.of(), List.of()));
    java.util.Optional<dev.destill.app.analysis.BaselineSummary> baseline =
        store.baseline(requestId).map(dev.destill.app.analysis.BaselineSummary::of);
    if (baseline.isPresent()) {
      report = report.withBaseline(baseline.get());
    }
    // Analyses saved with their counts show them as they were; older ones are counted now.
    boolean frozen = ranked.findings().stream().anyMatch(f -> f.history().isPresent());
    AnalysisReport withHistory =
        frozen ? report : withHistory(report, history(store, report, Projects.of(r.buildId())));
    return explanations(store)
        .flatMap(x -> x.explanationOf(requestId))
        .map(withHistory::withExplanation)
        .orElse(withHistory);
  }

  /** A complete analysis, ranked, for the explain agent; empty while it is not complete. */
  public static java.util.Optional<dev.destill.core.insight.ExplainAgent.Analysis>
      completedAnalysis(FindingStore store, String requestId) {
    return store
        .request(requestId)
        .filter(r -> r.status() == dev.destill.core.store.RequestStatus.COMPLETE)
        .map(
            r ->
                new dev.destill.core.insight.ExplainAgent.Analysis(
                    requestId, r.title(), AnalysisService.rank(store, requestId).findings()));
  }

  /** The explanations kept beside a history database; empty for a store that keeps none. */
  public static java.util.Optional<dev.destill.core.explain.ExplanationStore> explanations(
      FindingStore store) {
    if (store instanceof SqliteFindingStore sqlite) {
      return java.util.Optional.of(sqlite.explanations());
    }
    if (store instanceof PostgresFindingStore pg) {
      return java.util.Optional.of(pg.explanations());
    }
    return java.util.Optional.empty();
  }
}
