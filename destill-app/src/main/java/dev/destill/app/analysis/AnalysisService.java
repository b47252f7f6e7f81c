package dev.destill.app.analysis;

import dev.destill.core.DestillException;
import dev.destill.core.ErrorPolicy;
import dev.destill.core.analyze.AnalyzeAgent;
import dev.destill.core.analyze.ChunkSteps;
import dev.destill.core.broker.InMemoryBroker;
import dev.destill.core.engine.CapWarning;
import dev.destill.core.engine.FindingFold;
import dev.destill.core.engine.NoveltyRanking;
import dev.destill.core.engine.ScanOptions;
import dev.destill.core.engine.Triage;
import dev.destill.core.ingest.BaselineReader;
import dev.destill.core.ingest.Chunker;
import dev.destill.core.ingest.IngestAgent;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobRecord;
import dev.destill.core.model.JobState;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.sink.SinkAgent;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.InMemoryBaselines;
import dev.destill.core.store.InMemoryFindingStore;
import dev.destill.core.store.RequestRecord;
import dev.destill.core.store.RequestStatus;
import dev.destill.core.store.StoreBatch;
import dev.destill.wire.MessageJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Local mode: runs one analysis through the pipeline in this process. The ingest, analyze (one per
 * core) and sink agents run as threads over an {@link InMemoryBroker} with bounded queues; the sink
 * writes to an in-memory store, and every batch it stores reaches the listener at once, so findings
 * show while the log is still being read. When the request is complete its findings are ranked with
 * {@link Triage}. Thread-safe; each call is independent.
 */
public final class AnalysisService {
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /** A person waits: transient failures get seconds, and a chunk that trips a bug one try. */
  private static final ErrorPolicy POLICY = ErrorPolicy.INTERACTIVE;

  /**
   * A local sink hands on what each poll brought at once: the in-memory store costs nothing to
   * write, and a poll brings what has gathered (up to 100), so batches grow by themselves while
   * findings stream in, and a small analysis does not wait for a timer.
   */
  private static final SinkAgent.Settings LOCAL_SINK = new SinkAgent.Settings(100, Duration.ZERO);

  private final List<CiProvider> providers;
  private final Clock clock;
  private final dev.destill.core.engine.Rules rules;
  private final int chunkBytes;
  private final MessageCodec codec;

  public AnalysisService(List<CiProvider> providers, Clock clock) {
    this(providers, clock, new MessageJson());
  }

  /**
   * @param codec how the agents' messages are encoded over the in-memory broker (the same codec as
   *     distributed mode, so local runs exercise it)
   */
  public AnalysisService(List<CiProvider> providers, Clock clock, MessageCodec codec) {
    this(providers, clock, Chunker.DEFAULT_TARGET_BYTES, codec);
  }

  /**
   * @param chunkBytes the size of the chunks logs are cut into
   */
  public AnalysisService(List<CiProvider> providers, Clock clock, int chunkBytes) {
    this(providers, clock, chunkBytes, new MessageJson());
  }

  private AnalysisService(
      List<CiProvider> providers, Clock clock, int chunkBytes, MessageCodec codec) {
    this(providers, clock, chunkBytes, codec, dev.destill.core.engine.Rules.standard());
  }

  private AnalysisService(
      List<CiProvider> providers,
      Clock clock,
      int chunkBytes,
      MessageCodec codec,
      dev.destill.core.engine.Rules rules) {
    this(providers, clock, chunkBytes, codec, rules, java.util.Optional.empty());
  }

  private AnalysisService(
      List<CiProvider> providers,
      Clock clock,
      int chunkBytes,
      MessageCodec codec,
      dev.destill.core.engine.Rules rules,
      java.util.Optional<dev.destill.core.stats.StatsSink> stats) {
    this.providers = List.copyOf(providers);
    this.clock = clock;
    this.chunkBytes = chunkBytes;
    this.codec = codec;
    this.rules = rules;
    this.stats = stats;
  }

  private final java.util.Optional<dev.destill.core.stats.StatsSink> stats;

  /**
   * This service adding each job's line counts ({@link dev.destill.core.stats.JobCounts}) to {@code
   * sink}, which the caller closes.
   */
  public AnalysisService withStats(dev.destill.core.stats.StatsSink sink) {
    return new AnalysisService(
        providers, clock, chunkBytes, codec, rules, java.util.Optional.of(sink));
  }

  /** This service classifying lines with {@code rules} (built-in plus a user's known causes). */
  public AnalysisService withRules(dev.destill.core.engine.Rules rules) {
    return new AnalysisService(providers, clock, chunkBytes, codec, rules, stats);
  }

  /** A new request id: time-ordered and unique enough for one user's history. */
  public static String newRequestId(Clock clock) {
    return "req-"
        + ID_TIME.format(clock.instant())
        + "-"
        + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }

  public AnalysisReport analyze(AnalysisRequest request, AnalysisListener listener) {
    return analyze(request, newRequestId(clock), listener);
  }

  /** Runs the analysis under a request id given beforehand (the server answers with it first). */
  public AnalysisReport analyze(
      AnalysisRequest request, String requestId, AnalysisListener listener) {
    Instant started = clock.instant();
    int analyzers = request.parallelism();
    // Bounded like one pass over a log: each job's strongest distinct findings, the rest counted.
    InMemoryFindingStore store =
        InMemoryFindingStore.bounded(clock, ScanOptions.defaults().maxDistinct());
    Watcher watcher = new Watcher(requestId, store, listener);
    List<Agent> agents = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    // Few chunks wait at a time (they are large), many findings may.
    Map<String, Integer> capacities =
        Map.of(Topics.LOGS, 2 * analyzers + 2, Topics.FINDINGS, 1000, Topics.REQUESTS, 16);
    try (InMemoryBroker broker = new InMemoryBroker(Math.max(4, 2 * analyzers), 64, capacities)) {
      try {
        return run(broker, codec, store, watcher, agents, threads, request, requestId, started);
      } finally {
        // The agents stop before the broker closes under them.
        agents.forEach(Agent::stop);
        for (Thread t : threads) {
          t.interrupt();
        }
      }
    }
  }

  private AnalysisReport run(
      InMemoryBroker broker,
      MessageCodec codec,
      InMemoryFindingStore store,
      Watcher watcher,
      List<Agent> agents,
      List<Thread> threads,
      AnalysisRequest request,
      String requestId,
      Instant started) {
    int analyzers = request.parallelism();
    InMemoryBaselines baselines = new InMemoryBaselines();
    // The baseline's warnings (a log that is gone, a failed lookup) are the report's too.
    List<String> baselineWarnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.function.Consumer<ProgressEvent> baselineProgress =
        e -> {
          if (e instanceof ProgressEvent.Warning w && !baselineWarnings.contains(w.message())) {
            baselineWarnings.add(w.message());
          }
          watcher.progress(e);
        };
    Optional<BaselineReader.Resolved> baseline =
        BaselineReader.resolve(request.baseline(), request.targets(), providers, baselineProgress);
    baseline.ifPresent(b -> baselines.register(requestId, b.loader()));
    agents.add(
        new IngestAgent(
            broker,
            codec,
            AgentMetrics.NONE,
            providers,
            new IngestAgent.Settings(chunkBytes, analyzers, IngestAgent.ChunkKeys.BY_CHUNK, false),
            watcher::progress,
            POLICY));
    for (int i = 0; i < analyzers; i++) {
      agents.add(
          new AnalyzeAgent(
              broker, codec, AgentMetrics.NONE, 1, false, rules, POLICY, stats, clock, baselines));
    }
    agents.add(
        new SinkAgent(
            broker, codec, AgentMetrics.NONE, store, LOCAL_SINK, clock, watcher::applied, POLICY));
    for (Agent agent : agents) {
      // Whatever ends an agent's loop before the request is done wakes the watcher with why.
      Thread t = new Thread(() -> runWatched(agent, watcher), "destill-" + agent.name());
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    // The baseline was resolved here, so the ingest agent is asked for none; the store learns
    // which one was used as from a distributed ingest agent.
    baseline.ifPresent(
        b ->
            broker.publish(
                Topics.FINDINGS,
                requestId,
                codec.carry(
                    new PipelineMessage.Progress(
                        new RequestEvent.BaselineChosen(requestId, b.source(), b.note())))));
    broker.publish(
        Topics.REQUESTS,
        requestId,
        codec.carry(new PipelineMessage.AnalysisRequest(requestId, request.targets(), started)));
    RequestRecord done = watcher.await(() -> stuck(broker, agents, threads));
    if (done.status() == RequestStatus.FAILED) {
      throw new DestillException(done.error());
    }
    AnalysisReport report = report(store, done, request, started, watcher.events());
    Optional<BaselineSummary> summary = store.baseline(requestId).map(BaselineSummary::of);
    if (summary.isPresent()) {
      report = report.withBaseline(summary.get());
    }
    for (String w : baselineWarnings) {
      if (!report.warnings().contains(w)) {
        report = report.withWarning(w);
      }
    }
    for (String w : report.warnings()) {
      watcher.progress(new ProgressEvent.Warning(w));
    }
    watcher.listener.onProgress(new ProgressEvent.Completed(report.findings().size()));
    return report;
  }

  private static void runWatched(Agent agent, Watcher watcher) {
    try {
      agent.run();
    } catch (RuntimeException | Error e) {
      watcher.crashed(agent.name(), ErrorPolicy.describe(e), e);
      return;
    }
    // An agent's loop ends on its own only when it cannot go on.
    agent.failure().ifPresent(f -> watcher.crashed(agent.name(), f.reason(), null));
  }

  private AnalysisReport report(
      InMemoryFindingStore store,
      RequestRecord r,
      AnalysisRequest request,
      Instant started,
      List<RequestEvent> events) {
    Ranked ranked = rank(store, r.id());
    // The bounded store counted what it left out as the findings arrived; each capped job is
    // told once.
    Set<String> capped = new LinkedHashSet<>(ranked.capped());
    capped.addAll(store.dropped(r.id()).keySet());
    List<String> warnings =
        CapWarning.merge(
            r.warnings(), capped, ranked.jobs().stream().map(JobSummary::name).toList());
    // The history keeps what ranking kept: a large log's weakest findings are only counted.
    List<StoreBatch.RequestFinding> kept = new ArrayList<>();
    for (Finding f : ranked.kept()) {
      kept.add(new StoreBatch.RequestFinding(r.id(), f));
    }
    return new AnalysisReport(
        r.id(),
        request.input(),
        r.buildId(),
        r.title(),
        ranked.jobs(),
        ranked.findings(),
        warnings,
        started,
        new StoreBatch(kept, events));
  }

  /**
   * A stored request's jobs and its findings ranked.
   *
   * @param kept the findings before ranking: each job's strongest, duplicates folded
   * @param capped the jobs that left weaker findings out
   */
  public record Ranked(
      List<JobSummary> jobs, List<Finding> findings, List<Finding> kept, List<String> capped) {}

  /**
   * Ranks what a store holds of a request: the findings of every chunk, given the steps their
   * chunks inherited, ranked together with their jobs' states.
   */
  public static Ranked rank(FindingStore store, String requestId) {
    Map<String, JobState> states = new LinkedHashMap<>();
    Map<String, String> names = new HashMap<>();
    List<JobSummary> summaries = new ArrayList<>();
    for (JobRecord j : store.jobs(requestId)) {
      states.put(j.info().name(), j.info().state());
      names.put(j.info().id(), j.info().name());
      summaries.add(
          new JobSummary(
              j.info().name(), j.info().state(), j.info().exitStatus(), j.lines(), j.bytes()));
    }
    List<Finding> findings =
        ChunkSteps.inherit(store.findings(requestId), store.chunks(requestId), names);
    FindingFold.Kept kept = Triage.strongest(findings, ScanOptions.defaults().maxDistinct());
    return new Ranked(
        summaries,
        // Findings without a novelty mark (no baseline) pass the adjustment unchanged.
        Triage.rank(NoveltyRanking.adjust(kept.findings()), states),
        kept.findings(),
        List.copyOf(kept.dropped().keySet()));
  }

  /** The topics a local request's work passes through, from the request to the stored finding. */
  private static final List<String> WORK_TOPICS =
      List.of(Topics.REQUESTS, Topics.LOGS, Topics.FINDINGS);

  /**
   * Why the pipeline can no longer finish a request, if it cannot: an agent's thread has ended, or
   * no topic holds uncommitted work. Agents commit only after they published what a message gave
   * (and the sink after the store has it), so a request that is not final when every work topic is
   * committed will never be.
   */
  static Optional<String> stuck(InMemoryBroker broker, List<Agent> agents, List<Thread> threads) {
    for (int i = 0; i < threads.size(); i++) {
      if (!threads.get(i).isAlive()) {
        return Optional.of("the " + agents.get(i).name() + " agent stopped");
      }
    }
    for (String topic : WORK_TOPICS) {
      if (broker.uncommitted(topic) > 0) {
        return Optional.empty();
      }
    }
    return Optional.of("every agent is idle");
  }

  /**
   * Follows one request through what the sink stores: hands findings and warnings to the listener
   * as they land, and tells when the request is complete or failed.
   */
  static final class Watcher {
    /** How often {@link #await} looks whether the pipeline can still finish. */
    private static final Duration CHECK = Duration.ofMillis(250);

    /** Checks in a row that must find the pipeline stuck before the request is given up. */
    private static final int STUCK_CHECKS = 2;

    private final String requestId;
    private final FindingStore store;
    final AnalysisListener listener;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile DestillException crash;
    private final Set<String> warned = new HashSet<>();
    private final List<RequestEvent> events = new ArrayList<>();

    Watcher(String requestId, FindingStore store, AnalysisListener listener) {
      this.requestId = requestId;
      this.store = store;
      this.listener = listener;
    }

    void progress(ProgressEvent event) {
      if (event instanceof ProgressEvent.Warning w) {
        synchronized (warned) {
          if (!warned.add(w.message())) {
            return;
          }
        }
      }
      listener.onProgress(event);
    }

    void applied(StoreBatch batch) {
      synchronized (this) {
        events.addAll(batch.events());
      }
      for (StoreBatch.RequestFinding f : batch.findings()) {
        // An end-of-log candidate waits for the ranking, which keeps it only if nothing is better.
        if (!Triage.isCandidate(f.finding())) {
          listener.onFinding(f.finding());
        }
      }
      for (RequestEvent e : batch.events()) {
        List<String> warnings =
            switch (e) {
              case RequestEvent.Ingested i -> i.warnings();
              case RequestEvent.ChunkAnalyzed c -> c.warnings();
              case RequestEvent.Incomplete i -> List.of(i.reason());
              case RequestEvent.Submitted _,
                  RequestEvent.Resolved _,
                  RequestEvent.BaselineChosen _,
                  RequestEvent.JobIngested _,
                  RequestEvent.Failed _ ->
                  List.of();
            };
        // A chunk's cap warning is said once, by the report, for the whole job.
        warnings.stream()
            .filter(m -> !CapWarning.isChunk(m))
            .forEach(m -> progress(new ProgressEvent.Warning(m)));
      }
      if (store.status(requestId).map(RequestStatus::isFinal).orElse(false)) {
        finished.countDown();
      }
    }

    /** Agent {@code agent} stopped before the request finished, for {@code reason}. */
    void crashed(String agent, String reason, Throwable cause) {
      if (crash == null) {
        crash =
            new DestillException(
                "the analysis stopped: the " + agent + " agent failed (" + reason + ")", cause);
      }
      finished.countDown();
    }

    /**
     * Waits until the request is complete or failed, or until {@code stuck} tells, twice in a row,
     * why it never will be: then fails with that reason.
     */
    RequestRecord await(Supplier<Optional<String>> stuck) {
      int strikes = 0;
      try {
        while (!finished.await(CHECK.toMillis(), TimeUnit.MILLISECONDS)) {
          Optional<String> reason = stuck.get();
          // Read after the check: whatever the agents committed, the store already holds. A
          // request final in the store is not stuck: the sink commits before it hands the batch
          // on, and the latch follows.
          Optional<RequestRecord> now = store.request(requestId);
          boolean done = now.isPresent() && now.get().status().isFinal();
          strikes = reason.isPresent() && !done ? strikes + 1 : 0;
          if (strikes >= STUCK_CHECKS && crash == null) {
            throw new DestillException(
                "analysis stopped before it finished ("
                    + reason.get()
                    + now.map(r -> ", " + r.chunksDone() + " of " + r.chunksTotal() + " chunks")
                        .orElse("")
                    + "); run it again, with --verbose to see why");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DestillException("analysis interrupted", e);
      }
      if (crash != null) {
        throw crash;
      }
      return store.request(requestId).orElseThrow();
    }

    /** Every request event stored so far, in order. */
    synchronized List<RequestEvent> events() {
      return List.copyOf(events);
    }
  }
}
