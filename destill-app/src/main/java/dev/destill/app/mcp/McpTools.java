package dev.destill.app.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.destill.app.analysis.AnalysisListener;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.AnalysisRequest;
import dev.destill.app.analysis.AnalysisService;
import dev.destill.app.history.HistoryStore;
import dev.destill.app.local.LocalFilesProvider;
import dev.destill.core.DestillException;
import dev.destill.core.engine.Boilerplate;
import dev.destill.core.engine.LineCleaner;
import dev.destill.core.engine.Secrets;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobState;
import dev.destill.core.provider.BaselineChoice;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RecurringFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What each MCP tool does, independent of the protocol: analyses kept per request id (with their
 * logs, for search), answers built within the token budget. Thread-safe.
 */
public final class McpTools implements AutoCloseable {
  /** Largest pasted log accepted by analyze_log. */
  public static final int MAX_TEXT_BYTES = 50 << 20;

  /** How many analyses are kept for drilling down; the oldest goes, with its spooled logs. */
  static final int MAX_SESSIONS = 50;

  private final List<CiProvider> remote;
  private final Clock clock;
  private final FindingStore store;
  private final int budgetTokens;
  private final Path spoolDir;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final PathGuard paths;

  /**
   * An analysis the assistant can drill into: its report, where its logs are, and the spool files
   * that are deleted with it.
   */
  private record Session(
      AnalysisReport report, Map<String, Supplier<InputStream>> logs, List<Path> files) {}

  /**
   * @param paths which local files analyze_log and search_log may read
   */
  public McpTools(
      List<CiProvider> remote,
      Clock clock,
      FindingStore store,
      int budgetTokens,
      Path spoolDir,
      PathGuard paths) {
    this.remote = List.copyOf(remote);
    this.clock = clock;
    this.store = store;
    this.budgetTokens = budgetTokens;
    this.spoolDir = spoolDir;
    this.paths = paths;
  }

  /**
   * @param llmEnv the explanation settings (DESTILL_LLM_*), for explain_failure
   */
  public McpTools(
      List<CiProvider> remote,
      Clock clock,
      FindingStore store,
      int budgetTokens,
      Path spoolDir,
      PathGuard paths,
      Map<String, String> llmEnv) {
    this(remote, clock, store, budgetTokens, spoolDir, paths);
    this.llmEnv = Map.copyOf(llmEnv);
  }

  private Map<String, String> llmEnv = Map.of();
  // Explanations of analyses whose history keeps none (a store without explanation tables).
  private final dev.destill.core.explain.InMemoryExplanationStore explanations =
      new dev.destill.core.explain.InMemoryExplanationStore(MAX_SESSIONS);

  /**
   * explain_failure: asks the configured model to explain an earlier analysis, and returns the
   * explanation with the verbatim lines it cites. Nothing is sent unless DESTILL_LLM_URL and
   * DESTILL_LLM_MODEL are set; the same failure explained before is reused.
   */
  public String explainFailure(String requestId, boolean refresh) {
    Session s = session(requestId);
    dev.destill.core.explain.ExplainOutcome outcome =
        dev.destill.app.explain.ExplainRunner.explain(
            llmEnv,
            HistoryStore.explanations(store)
                .orElse((dev.destill.core.explain.ExplanationStore) explanations),
            s.report(),
            refresh
                ? dev.destill.core.explain.Explainer.Mode.REFRESH
                : dev.destill.core.explain.Explainer.Mode.NORMAL,
            false,
            t -> {},
            clock);
    return switch (outcome) {
      case dev.destill.core.explain.ExplainOutcome.Explained e -> {
        ObjectNode o = dev.destill.wire.ExplanationJson.toNode(e.explanation());
        o.put("request_id", requestId);
        ArrayNode cited = o.putArray("cited_lines");
        for (dev.destill.core.explain.EvidenceLine l : e.explanation().evidence()) {
          cited
              .addObject()
              .put("job", l.job())
              .put("line", l.line())
              .put(
                  "text",
                  Secrets.mask(
                      dev.destill.core.explain.CitedLines.text(s.report().findings(), l)
                          .orElse("")));
        }
        o.put(
            "note",
            "An LLM's reading of the findings: check it against cited_lines before acting on it.");
        yield o.toString();
      }
      case dev.destill.core.explain.ExplainOutcome.Failed f ->
          throw new DestillException("explanation failed: " + f.reason());
      case dev.destill.core.explain.ExplainOutcome.NothingToExplain n ->
          throw new DestillException.BadInput(
              "analysis " + requestId + " has no findings to explain");
      case dev.destill.core.explain.ExplainOutcome.DryRun d ->
          throw new IllegalStateException("explain_failure never dry-runs");
    };
  }

  /** Which local paths analyze_log and search_log may read. */
  public PathGuard paths() {
    return paths;
  }

  public String analyzeBuild(String url, int limit) {
    return analyzeBuild(url, null, limit, AnalysisListener.NONE);
  }

  /**
   * Analyzes a build by URL, compared with {@code baseline} ({@code auto} when null, {@code none},
   * or a passing build's URL); {@code progress} hears how far the reading is.
   */
  public String analyzeBuild(String url, String baseline, int limit, AnalysisListener progress) {
    if (url == null || url.isBlank()) {
      throw new DestillException.BadInput(
          "url is required: a Buildkite, GitHub Actions or GitLab build URL");
    }
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new DestillException.BadInput(
          "url must be a build URL (https://...); use analyze_log for local files");
    }
    List<SpoolingProvider> spools = new ArrayList<>();
    List<CiProvider> providers = new ArrayList<>();
    for (CiProvider p : remote) {
      SpoolingProvider s = new SpoolingProvider(p, spoolDir, url);
      spools.add(s);
      providers.add(s);
    }
    AnalysisReport report;
    try {
      BaselineChoice choice = buildBaseline(baseline);
      report =
          new AnalysisService(providers, clock)
              .analyze(AnalysisRequest.of(url).withBaseline(choice), progress);
    } catch (RuntimeException e) {
      spools.forEach(s -> s.spooled().values().forEach(SpoolingProvider::deleteQuietly));
      throw e;
    }
    Map<String, Supplier<InputStream>> logs = new LinkedHashMap<>();
    List<Path> files = new ArrayList<>();
    for (SpoolingProvider s : spools) {
      s.spooled()
          .forEach(
              (job, file) -> {
                logs.put(job, () -> open(file));
                files.add(file);
              });
    }
    return remember(report, logs, files, limit);
  }

  public String analyzeLog(String path, String text, int limit) {
    return analyzeLog(path, text, null, limit, AnalysisListener.NONE);
  }

  private static BaselineChoice buildBaseline(String baseline) {
    if (baseline == null || baseline.equals("auto")) {
      return BaselineChoice.AUTO;
    }
    if (baseline.equals("none")) {
      return BaselineChoice.NONE;
    }
    if (!baseline.startsWith("http://") && !baseline.startsWith("https://")) {
      throw new DestillException.BadInput(
          "baseline must be auto, none or a passing build's URL (https://...)");
    }
    return new BaselineChoice.Given(baseline);
  }

  private BaselineChoice logBaseline(String baseline) {
    if (baseline == null || baseline.isBlank()) {
      return BaselineChoice.NONE;
    }
    // A baseline is read like the log itself: only under the client's roots.
    paths.check(baseline);
    return new BaselineChoice.Given(baseline);
  }

  /**
   * Analyzes a local log or pasted text, compared with the passing log or directory {@code
   * baseline} when not null; {@code progress} hears how far the reading is.
   */
  public String analyzeLog(
      String path, String text, String baseline, int limit, AnalysisListener progress) {
    boolean hasPath = path != null && !path.isBlank();
    boolean hasText = text != null && !text.isEmpty();
    if (hasPath == hasText) {
      throw new DestillException.BadInput(
          "give exactly one of path (a local log file or directory) or text (the log itself)");
    }
    AnalysisReport report;
    Map<String, Supplier<InputStream>> logs = new LinkedHashMap<>();
    if (hasText) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      if (bytes.length > MAX_TEXT_BYTES) {
        throw new DestillException.BadInput(
            "text is larger than 50 MB; save it to a file and pass path");
      }
      LocalFilesProvider local =
          new LocalFilesProvider(JobState.FAILED, new ByteArrayInputStream(bytes));
      report =
          new AnalysisService(List.of(local), clock)
              .analyze(AnalysisRequest.of("-").withBaseline(logBaseline(baseline)), progress);
      logs.put("stdin", () -> new ByteArrayInputStream(bytes));
    } else {
      paths.check(path);
      LocalFilesProvider local =
          new LocalFilesProvider(JobState.FAILED, InputStream.nullInputStream());
      report =
          new AnalysisService(List.of(local), clock)
              .analyze(AnalysisRequest.of(path).withBaseline(logBaseline(baseline)), progress);
      // Checked again when searched: the file may have become a link since.
      report
          .jobs()
          .forEach(
              j -> logs.put(j.name(), () -> LocalFilesProvider.openFile(paths.check(j.name()))));
    }
    return remember(report, logs, List.of(), limit);
  }

  private String remember(
      AnalysisReport report, Map<String, Supplier<InputStream>> logs, List<Path> files, int limit) {
    synchronized (sessions) {
      while (sessions.size() >= MAX_SESSIONS) {
        sessions.keySet().stream().sorted().findFirst().ifPresent(this::forget);
      }
    }
    // Remembered in the history, so findings say whether earlier builds had them.
    AnalysisReport remembered = HistoryStore.record(store, report);
    sessions.put(report.requestId(), new Session(remembered, logs, List.copyOf(files)));
    return Manifest.build(remembered, Math.max(1, limit), budgetTokens);
  }

  public String findingDetails(String requestId, String findingId) {
    Session s = session(requestId);
    if (findingId == null || findingId.isBlank()) {
      throw new DestillException.BadInput(
          "finding_id is required: take an id from top_failures or other_findings of the manifest");
    }
    Finding f =
        s.report().findings().stream()
            .filter(x -> x.id().equals(findingId))
            .findFirst()
            .orElseThrow(
                () ->
                    new DestillException.BadInput(
                        "no finding "
                            + findingId
                            + " in "
                            + requestId
                            + "; use an id from the manifest"));
    ObjectNode o = Manifest.briefNode(f, s.report().findings().indexOf(f) + 1, f.job());
    o.put("severity", f.severity().id());
    o.put("hash", f.hash());
    o.put("source", f.source().id());
    o.put("signals", String.join(", ", f.signals()));
    f.test()
        .ifPresent(
            t -> {
              o.put("test", t.name());
              o.put("class", t.className());
              o.put("file", t.file());
            });
    addLines(o.putArray("pre_context"), f.preContext());
    addLines(o.putArray("block"), f.block());
    addLines(o.putArray("post_context"), f.postContext());
    return fit(o, "pre_context");
  }

  public String searchLog(String requestId, String job, String pattern, int context, int page) {
    Session s = session(requestId);
    if (pattern == null || pattern.isEmpty()) {
      throw new DestillException.BadInput("pattern is required (a Java regular expression)");
    }
    Pattern p = LogSearch.compile(pattern);
    List<Map.Entry<String, Supplier<InputStream>>> logs = new ArrayList<>();
    Map<String, String> shortNames = Manifest.shortNames(s.report());
    for (Map.Entry<String, Supplier<InputStream>> e : s.logs().entrySet()) {
      if (job == null
          || job.isBlank()
          || e.getKey().equals(job)
          || job.equals(shortNames.get(e.getKey()))) {
        logs.add(e);
      }
    }
    if (logs.isEmpty()) {
      throw new DestillException.BadInput(
          job == null || job.isBlank()
              ? "the logs of " + requestId + " were not kept"
              : "no job named '"
                  + job
                  + "' in "
                  + requestId
                  + "; jobs: "
                  + String.join(", ", s.logs().keySet()));
    }
    int from = Math.max(0, page) * LogSearch.PAGE_SIZE;
    int to = from + LogSearch.PAGE_SIZE;
    ObjectNode root = Manifest.JSON.createObjectNode();
    root.put("request_id", requestId);
    root.put("pattern", pattern);
    root.put("page", Math.max(0, page));
    ArrayNode hits = root.putArray("matches");
    int count = 0;
    boolean more = false;
    for (Map.Entry<String, Supplier<InputStream>> e : logs) {
      try {
        LogSearch.Result r =
            LogSearch.search(e.getKey(), e.getValue().get(), p, context, from, to, count);
        for (LogSearch.Hit h : r.hits()) {
          ObjectNode o = hits.addObject();
          o.put("job", shortNames.getOrDefault(h.job(), h.job()));
          o.put("line", h.line());
          if (h.matchLines().size() > 1) {
            ArrayNode at = o.putArray("match_lines");
            h.matchLines().forEach(at::add);
          }
          ArrayNode lines = o.putArray("lines");
          h.lines().forEach(l -> lines.add(Manifest.clip(l)));
        }
        count = r.matches();
        if (r.more()) {
          more = true;
          break;
        }
      } catch (IOException ex) {
        throw new DestillException.BadInput(
            "cannot read the log of " + e.getKey() + ": " + ex.getMessage(), ex);
      }
    }
    root.put("more", more);
    if (more) {
      root.put("next", "call search_log again with page " + (Math.max(0, page) + 1));
    }
    return fit(root, "matches");
  }

  public String recurringFailures(int limit) {
    ObjectNode root = Manifest.JSON.createObjectNode();
    root.put(
        "note",
        "counts cover every build in the history (destill analyze and this server); generic lines "
            + "such as BUILD FAILURE or exit code 1 are left out");
    ArrayNode list = root.putArray("recurring");
    int wanted = Math.max(1, Math.min(100, limit));
    // Boilerplate is common, so ask for more than wanted and leave it out.
    for (RecurringFailure r : store.recurringFailures(wanted * 3 + 20)) {
      if (list.size() >= wanted) {
        break;
      }
      if (Boilerplate.is(r.message())) {
        continue;
      }
      ObjectNode o = list.addObject();
      o.put("hash", r.hash());
      o.put("message", Manifest.clip(LineCleaner.stripDecorations(r.message())));
      o.put("builds", r.builds());
      o.put("occurrences", r.occurrences());
      o.put("first_seen", r.firstSeen().toString());
      o.put("last_seen", r.lastSeen().toString());
    }
    return fit(root, "recurring");
  }

  private void forget(String requestId) {
    Session s = sessions.remove(requestId);
    if (s != null) {
      s.files().forEach(SpoolingProvider::deleteQuietly);
    }
  }

  /** How many analyses are kept now: at most {@link #MAX_SESSIONS}. */
  int sessionCount() {
    return sessions.size();
  }

  /** Forgets every analysis and deletes the spool directory with what it holds. */
  @Override
  public void close() {
    synchronized (sessions) {
      List.copyOf(sessions.keySet()).forEach(this::forget);
    }
    try (var files = java.nio.file.Files.list(spoolDir)) {
      files.forEach(SpoolingProvider::deleteQuietly);
    } catch (java.io.IOException e) {
      // Nothing to list: the directory is gone already.
    }
    SpoolingProvider.deleteQuietly(spoolDir);
  }

  private Session session(String requestId) {
    if (requestId == null || requestId.isBlank()) {
      throw new DestillException.BadInput(
          "request_id is required: take it from analyze_build or analyze_log");
    }
    Session s = sessions.get(requestId);
    if (s == null) {
      throw new DestillException.BadInput(
          "unknown request_id " + requestId + "; analyze the build or log first");
    }
    return s;
  }

  /** Trims the longest array of {@code o} until the answer fits the budget, and says so. */
  private String fit(ObjectNode o, String trimmable) {
    int budgetChars = budgetTokens * Manifest.CHARS_PER_TOKEN;
    ArrayNode arr = o.withArray(trimmable);
    int removed = 0;
    while (o.toString().length() > budgetChars && arr.size() > 0) {
      arr.remove(arr.size() - 1);
      removed++;
    }
    if (removed > 0) {
      o.put("truncated", removed + " entries of " + trimmable + " left out to fit the size budget");
    }
    return o.toString();
  }

  private static void addLines(ArrayNode arr, List<String> lines) {
    lines.forEach(l -> arr.add(Manifest.clip(LineCleaner.display(l))));
  }

  private static InputStream open(Path file) {
    try {
      return Files.newInputStream(file);
    } catch (IOException e) {
      throw new DestillException.BadInput(
          "the kept log " + file + " is gone: " + e.getMessage(), e);
    }
  }

  /** Masks what goes back to the assistant; exposed for tests. */
  static String safe(String s) {
    return Secrets.mask(LineCleaner.stripAnsi(s));
  }
}
