package dev.destill.app.serve;

import dev.destill.app.analysis.AnalysisListener;
import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.AnalysisRequest;
import dev.destill.app.analysis.AnalysisService;
import dev.destill.app.history.HistoryStore;
import dev.destill.core.DestillException;
import dev.destill.core.model.Finding;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RecurringFailure;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.StoreBatch;
import dev.destill.server.ServerMetrics;
import dev.destill.server.analysis.Analyses;
import dev.destill.server.analysis.Labels;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Overloaded;
import dev.destill.server.analysis.Query;
import dev.destill.server.analysis.Snapshot;
import dev.destill.server.analysis.Status;
import dev.destill.server.analysis.Submission;
import dev.destill.server.webhook.RecentDeliveries;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-process mode: each accepted analysis runs here, through the same ingest, analyze and sink
 * agents as {@code destill analyze} on the in-memory broker ({@link AnalysisService}), at most
 * {@code maxConcurrent} at once, and is saved to the history (SQLite) when complete. What runs is
 * followed in memory; what is done is read back from the history. Thread-safe.
 */
public final class LocalAnalyses implements Analyses {
  private static final Logger LOG = LoggerFactory.getLogger(LocalAnalyses.class);

  /** Findings of a running analysis kept for its event stream; the ranking keeps its own. */
  private static final int LIVE_FINDINGS = 5_000;

  /** Analyses remembered in memory after they end (failed ones are only remembered here). */
  private static final int REMEMBERED = 1_000;

  /** Requests of the history a listing looks through. */
  private static final int LISTED = 5_000;

  /** The most stored analyses one listing reads (a filter that matches few reads up to this). */
  private static final int MAX_LISTED = 1_000_000;

  private final List<CiProvider> remote;
  private final UploadProvider uploads = new UploadProvider();
  private final AnalysisService service;
  private final FindingStore history;
  private final ServerMetrics metrics;
  private final Clock clock;
  private final int maxQueued;
  private final int parallelism;
  private final ExecutorService workers;
  private final AtomicInteger accepted = new AtomicInteger();
  private final RecentDeliveries deliveries;
  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Optional<InProcessExplain> explain;

  /**
   * @param remote the CI providers, configured with the server's tokens
   * @param history where complete analyses are saved; closed with this
   * @param maxConcurrent analyses run at once
   * @param maxQueued analyses accepted and not finished before submissions get 429
   */
  public LocalAnalyses(
      List<CiProvider> remote,
      FindingStore history,
      ServerMetrics metrics,
      Clock clock,
      int maxConcurrent,
      int maxQueued) {
    this(remote, history, metrics, clock, maxConcurrent, maxQueued, Map.of(), null);
  }

  /**
   * @param llmEnv the explanation settings ({@code DESTILL_LLM_*}): when they name a model, every
   *     complete analysis is explained in this process by the explain agent, and its document gains
   *     the explanation once there is one
   * @param stats where each analysis adds its jobs' line counts (not closed by this); null: none
   */
  public LocalAnalyses(
      List<CiProvider> remote,
      FindingStore history,
      ServerMetrics metrics,
      Clock clock,
      int maxConcurrent,
      int maxQueued,
      Map<String, String> llmEnv,
      dev.destill.core.stats.StatsSink stats) {
    this.remote = List.copyOf(remote);
    List<CiProvider> all = new ArrayList<>(remote);
    all.add(uploads);
    AnalysisService plain = new AnalysisService(all, clock);
    this.service = stats == null ? plain : plain.withStats(stats);
    this.history = history;
    this.metrics = metrics;
    this.clock = clock;
    this.maxQueued = maxQueued;
    this.parallelism = Math.max(1, Runtime.getRuntime().availableProcessors() / maxConcurrent);
    this.workers =
        Executors.newFixedThreadPool(
            maxConcurrent, Thread.ofPlatform().name("destill-analysis-", 1).daemon().factory());
    this.deliveries = new RecentDeliveries(10_000, Duration.ofDays(1), clock);
    this.explain = InProcessExplain.start(llmEnv, history, clock);
  }

  /** The report with its explanation, once the explain agent stored one. */
  private AnalysisReport explained(AnalysisReport report) {
    return explain
        .flatMap(x -> x.explanations().explanationOf(report.requestId()))
        .map(report::withExplanation)
        .orElse(report);
  }

  @Override
  public String submit(Submission submission) {
    String target;
    String id = AnalysisService.newRequestId(clock);
    if (submission instanceof Submission.BuildUrl u) {
      if (remote.stream().noneMatch(p -> p.accepts(u.url()))) {
        throw new DestillException.BadInput(
            "not a Buildkite, GitHub Actions or GitLab build URL: " + u.url());
      }
      target = u.url();
    } else {
      target = null;
    }
    if (accepted.incrementAndGet() > maxQueued) {
      accepted.decrementAndGet();
      throw new Overloaded(
          "too many analyses waiting (" + maxQueued + "); try again later", Duration.ofSeconds(10));
    }
    if (submission instanceof Submission.UploadedLog log) {
      target = uploads.add(id, log);
    }
    Entry e = new Entry(id, target, submission.labels(), clock.instant());
    synchronized (entries) {
      entries.put(id, e);
    }
    String input = target;
    workers.execute(() -> run(e, input));
    return id;
  }

  private void run(Entry e, String target) {
    e.start();
    Optional<AnalysisReport> saved = Optional.empty();
    boolean inHistory = false;
    String error = "";
    try {
      AnalysisReport report =
          // A build is compared with its last green build, as `analyze URL` does by default.
          service.analyze(
              new AnalysisRequest(
                  List.of(target), parallelism, dev.destill.core.provider.BaselineChoice.AUTO),
              e.id,
              e);
      try {
        saved = Optional.of(HistoryStore.record(history, report));
        inHistory = true;
      } catch (RuntimeException ex) {
        LOG.warn("analysis {} not saved to the history: {}", e.id, oneLine(ex));
        saved = Optional.of(report);
      }
    } catch (RuntimeException ex) {
      error = oneLine(ex);
      LOG.warn("analysis {} of {} failed: {}", e.id, target, error);
    } finally {
      if (target.startsWith(UploadProvider.SCHEME)) {
        uploads.remove(target);
      }
      // Room for the next one before anyone can see this one end.
      accepted.decrementAndGet();
    }
    Duration took = Duration.between(e.created, clock.instant());
    if (saved.isPresent()) {
      e.complete(saved.get());
      metrics.analysisFinished("complete", took);
      if (inHistory && !saved.get().findings().isEmpty()) {
        // The explain agent reads the analysis from the history, as the distributed one does.
        explain.ifPresent(x -> x.completed(e.id));
      }
    } else {
      e.fail(error);
      metrics.analysisFinished("failed", took);
    }
    forgetOld();
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return "unexpected " + e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private void forgetOld() {
    synchronized (entries) {
      var it = entries.values().iterator();
      int finished = (int) entries.values().stream().filter(x -> x.status().isFinal()).count();
      while (finished > REMEMBERED && it.hasNext()) {
        if (it.next().status().isFinal()) {
          it.remove();
          finished--;
        }
      }
    }
  }

  private Optional<Entry> entry(String id) {
    synchronized (entries) {
      return Optional.ofNullable(entries.get(id));
    }
  }

  @Override
  public Optional<Snapshot> snapshot(String requestId) {
    Optional<Entry> e = entry(requestId);
    if (e.isPresent()) {
      return Optional.of(e.get().snapshot());
    }
    return history
        .request(requestId)
        .map(
            r -> {
              AnalysisReport report = HistoryStore.load(history, requestId);
              return new Snapshot(
                  r.id(),
                  Status.of(r.status()),
                  report.jobs().size(),
                  report.jobs().size(),
                  report.findings(),
                  r.error());
            });
  }

  @Override
  public Optional<String> document(String requestId, int top) {
    Optional<Entry> e = entry(requestId);
    if (e.isPresent()) {
      return Optional.of(e.get().document(top));
    }
    return history
        .request(requestId)
        .map(
            r ->
                Documents.of(
                    HistoryStore.load(history, requestId), Status.of(r.status()), r.error(), top));
  }

  @Override
  public List<Listing> recent(Query q) {
    List<Listing> all = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    synchronized (entries) {
      for (Entry e : entries.values()) {
        all.add(e.listing());
        seen.add(e.id);
      }
    }
    // The store keeps them newest first: read as many as the page needs (its offset and limit,
    // more when filters leave some out), never the whole history.
    long wanted = (long) q.offset() + q.limit();
    int read = (int) Math.min(MAX_LISTED, Math.max(LISTED, wanted + all.size()));
    while (true) {
      List<Listing> page = new ArrayList<>(all);
      Set<String> ids = new HashSet<>(seen);
      List<RequestRecord> stored = history.recentRequests(read);
      for (RequestRecord r : stored) {
        if (ids.add(r.id())) {
          page.add(listing(r, Labels.ofUrl(r.target())));
        }
      }
      page.sort(Comparator.comparing(Listing::created).reversed());
      List<Listing> matching = page.stream().filter(q::matches).toList();
      if (matching.size() >= wanted || stored.size() < read || read >= MAX_LISTED) {
        return matching.stream().skip(q.offset()).limit(q.limit()).toList();
      }
      read = (int) Math.min(MAX_LISTED, (long) read * 4);
    }
  }

  static Listing listing(RequestRecord r, Labels labels) {
    return new Listing(
        r.id(),
        Status.of(r.status()),
        r.target(),
        r.title(),
        labels,
        r.findings(),
        r.created(),
        r.updated());
  }

  @Override
  public List<RecurringFailure> recurring(int limit) {
    return history.recurringFailures(limit);
  }

  @Override
  public boolean firstDelivery(String provider, String deliveryId) {
    return deliveries.firstTime(provider, deliveryId);
  }

  @Override
  public void forgetDelivery(String provider, String deliveryId) {
    deliveries.forget(provider, deliveryId);
  }

  @Override
  public boolean ready() {
    return !workers.isShutdown();
  }

  @Override
  public int queueDepth() {
    return accepted.get();
  }

  /**
   * Stops taking work, lets running analyses finish for up to {@code grace}, closes the history.
   */
  public void shutdown(Duration grace) {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
    try {
      explain.ifPresent(InProcessExplain::close);
    } finally {
      history.close();
    }
  }

  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }

  /** One accepted analysis while this process remembers it; it also listens to the analysis. */
  private final class Entry implements AnalysisListener {
    final String id;
    final String target;
    final Labels labels;
    final Instant created;
    private Status status = Status.PENDING;
    private final List<Finding> findings = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private String title;
    private int jobs;
    private int jobsRead;
    private String error = "";
    private Instant updated;
    private Optional<AnalysisReport> report = Optional.empty();

    Entry(String id, String target, Labels labels, Instant created) {
      this.id = id;
      this.target = target;
      this.labels = labels;
      this.created = created;
      this.updated = created;
      this.title = target;
    }

    synchronized Status status() {
      return status;
    }

    synchronized void start() {
      status = Status.RUNNING;
      updated = clock.instant();
    }

    synchronized void complete(AnalysisReport r) {
      report = Optional.of(r);
      status = Status.COMPLETE;
      title = r.title();
      updated = clock.instant();
    }

    synchronized void fail(String why) {
      error = why;
      status = Status.FAILED;
      updated = clock.instant();
    }

    @Override
    public synchronized void onProgress(ProgressEvent event) {
      switch (event) {
        case ProgressEvent.BuildResolved b -> {
          title = b.title();
          jobs = b.jobs();
        }
        case ProgressEvent.JobFinished f -> jobsRead++;
        case ProgressEvent.Warning w -> warnings.add(w.message());
        default -> {}
      }
      updated = clock.instant();
    }

    @Override
    public synchronized void onFinding(Finding finding) {
      if (findings.size() < LIVE_FINDINGS) {
        findings.add(finding);
      }
    }

    synchronized Snapshot snapshot() {
      if (report.isPresent()) {
        AnalysisReport r = report.get();
        return new Snapshot(id, status, r.jobs().size(), r.jobs().size(), r.findings(), error);
      }
      return new Snapshot(id, status, jobsRead, jobs, findings, error);
    }

    synchronized String document(int top) {
      AnalysisReport r =
          report.orElseGet(
              () ->
                  new AnalysisReport(
                      id,
                      target,
                      "",
                      title,
                      List.of(),
                      findings,
                      warnings,
                      created,
                      new StoreBatch(List.of(), List.of())));
      return Documents.of(explained(r), status, error, top);
    }

    synchronized Listing listing() {
      return new Listing(
          id,
          status,
          target,
          title,
          labels,
          report.map(r -> r.findings().size()).orElse(findings.size()),
          created,
          updated);
    }
  }
}
