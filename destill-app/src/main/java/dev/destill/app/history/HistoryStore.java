package dev.destill.app.history;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.AnalysisService;
import dev.destill.core.DestillException;
import dev.destill.core.model.Finding;
import dev.destill.core.model.History;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.StoreBatch;
import dev.destill.store.postgres.PostgresFindingStore;
import dev.destill.store.sqlite.SqliteFindingStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where analyses are remembered, and what remembering adds to a report: for each finding, in how
 * many of the last {@link #WINDOW} other builds it occurred.
 */
public final class HistoryStore {
  /** How many earlier builds the history looks at. */
  public static final int WINDOW = 20;

  private HistoryStore() {}

  /**
   * The store the environment points at: PostgreSQL when DESTILL_POSTGRES_URL (or POSTGRES_DSN) is
   * set, otherwise the local SQLite file under DESTILL_HOME, $XDG_DATA_HOME/destill or
   * ~/.local/share/destill.
   */
  public static FindingStore open(Map<String, String> env, Clock clock) {
    String pg = env.getOrDefault("DESTILL_POSTGRES_URL", env.getOrDefault("POSTGRES_DSN", ""));
    if (!pg.isBlank()) {
      return PostgresFindingStore.connect(pg, clock);
    }
    return new SqliteFindingStore(dataDir(env).resolve("destill.db"), clock);
  }

  /**
   * The store, for commands that only read it ({@code history}, {@code view}): the local SQLite
   * file is opened read-only when it cannot be opened for writing, as on a read-only mount.
   */
  public static FindingStore openForReading(Map<String, String> env, Clock clock) {
    String pg = env.getOrDefault("DESTILL_POSTGRES_URL", env.getOrDefault("POSTGRES_DSN", ""));
    if (!pg.isBlank()) {
      return PostgresFindingStore.connect(pg, clock);
    }
    Path file = dataDir(env).resolve("destill.db");
    if (!java.nio.file.Files.exists(file)) {
      return open(env, clock);
    }
    try {
      return new SqliteFindingStore(file, clock);
    } catch (DestillException e) {
      return SqliteFindingStore.readOnly(file, clock);
    }
  }

  /** The folder of the local history. */
  public static Path dataDir(Map<String, String> env) {
    String home = env.getOrDefault("DESTILL_HOME", "");
    if (!home.isBlank()) {
      return Path.of(home);
    }
    String xdg = env.getOrDefault("XDG_DATA_HOME", "");
    if (!xdg.isBlank()) {
      return Path.of(xdg, "destill");
    }
    return Path.of(
        env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "share", "destill");
  }

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
