package dev.destill.app.history;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.AnalysisService;
import dev.destill.core.DestillException;
import dev.destill.core.model.Finding;
import dev.destill.core.model.History;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.StoreBatch;
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
    AnalysisReport enriched = withHistory(store, report);
    store.apply(report.stored());
    return enriched;
  }

  /** Adds what earlier builds (not this one) say about each finding. */
  public static AnalysisReport withHistory(FindingStore store, AnalysisReport report) {
    List<String> hashes = report.findings().stream().map(Finding::hash).distinct().toList();
    Map<String, History> history = store.history(hashes, report.buildId(), WINDOW);
    List<Finding> enriched = new ArrayList<>(report.findings().size());
    for (Finding f : report.findings()) {
      History h = history.get(f.hash());
      enriched.add(h == null ? f : f.withHistory(h));
    }
    return report.withFindings(enriched);
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
    List<String> warnings = new ArrayList<>(r.warnings());
    warnings.addAll(ranked.warnings());
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
    return withHistory(store, report);
  }
}
