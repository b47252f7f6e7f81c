package dev.destill.core.analyze;

import dev.destill.core.ErrorPolicy;
import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Message;
import dev.destill.core.engine.CapWarning;
import dev.destill.core.engine.JobScan;
import dev.destill.core.engine.LineTemplates;
import dev.destill.core.engine.LogScanner;
import dev.destill.core.engine.NoveltyRanking;
import dev.destill.core.engine.NoveltyScan;
import dev.destill.core.engine.ScanOptions;
import dev.destill.core.engine.Triage;
import dev.destill.core.model.ChunkRecord;
import dev.destill.core.model.Finding;
import dev.destill.core.model.LineNovelty;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.PipelineMessage.FindingMessage;
import dev.destill.core.pipeline.PipelineMessage.LogChunk;
import dev.destill.core.pipeline.PipelineMessage.Progress;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.stats.JobCounts;
import dev.destill.core.stats.StatsSink;
import dev.destill.core.store.Baselines;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Consumes log chunks, one at a time and with no state across them: scans each with the engine,
 * keeps the findings whose first line the chunk owns (so overlapping chunks neither lose nor
 * duplicate one), and publishes them to the findings topic followed by a {@code ChunkAnalyzed}
 * event. The last chunk of a failed job also yields the end-of-log candidate that ranking falls
 * back on. Redelivered chunks give the same findings with the same ids. Thread-safe as {@link
 * Agent} is.
 */
public final class AnalyzeAgent extends Agent {

  private final boolean observers;
  private final dev.destill.core.engine.Rules rules;
  // A memo of the lines the rules turned down, kept across chunks: it changes no result.
  private final LogScanner.LineCache cache = new LogScanner.LineCache();
  private final Baselines baselines;

  /**
   * @param chunksPerPoll how many chunks one poll takes, analyzed and committed together: 1 where
   *     consumers share a few chunks in memory, more over Kafka, where each owns its partitions and
   *     a commit costs a round trip
   * @param observers whether each chunk's completion also goes to the progress topic, for observers
   *     elsewhere
   */
  public AnalyzeAgent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      int chunksPerPoll,
      boolean observers) {
    this(
        broker, codec, metrics, chunksPerPoll, observers, dev.destill.core.engine.Rules.standard());
  }

  /** An agent that classifies lines with {@code rules} (the built-in ones plus known causes). */
  public AnalyzeAgent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      int chunksPerPoll,
      boolean observers,
      dev.destill.core.engine.Rules rules) {
    this(broker, codec, metrics, chunksPerPoll, observers, rules, ErrorPolicy.AGENT);
  }

  /** Analyzes chunks with {@code rules}, retrying and dead-lettering as {@code policy} says. */
  public AnalyzeAgent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      int chunksPerPoll,
      boolean observers,
      dev.destill.core.engine.Rules rules,
      ErrorPolicy policy) {
    this(
        broker,
        codec,
        metrics,
        chunksPerPoll,
        observers,
        rules,
        policy,
        java.util.Optional.empty(),
        java.time.Clock.systemUTC(),
        Baselines.NONE);
  }

  /**
   * Analyzes chunks with {@code rules}, adding each chunk's line counts ({@link JobCounts}) to
   * {@code stats} when there is one, in the minute {@code clock} says ({@code stats} is flushed
   * after each poll; a statistics sink that fails is logged and does not hold the analysis up), and
   * comparing a failed job's lines with the baseline {@code baselines} pairs it with.
   */
  public AnalyzeAgent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      int chunksPerPoll,
      boolean observers,
      dev.destill.core.engine.Rules rules,
      ErrorPolicy policy,
      java.util.Optional<StatsSink> stats,
      java.time.Clock clock,
      Baselines baselines) {
    super(broker, codec, metrics, Topics.LOGS, Topics.ANALYZE_GROUP, chunksPerPoll, policy);
    this.observers = observers;
    this.rules = rules;
    this.baselines = Objects.requireNonNull(baselines, "baselines");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AnalyzeAgent.class);
  private final java.util.Optional<StatsSink> stats;
  private final java.time.Clock clock;

  @Override
  protected void afterPoll(dev.destill.core.broker.Subscription sub) {
    stats.ifPresent(
        s -> {
          try {
            s.flush();
          } catch (RuntimeException e) {
            LOG.warn("analyze agent: the statistics were not written: {}", e.getMessage());
          }
        });
  }

  @Override
  public String name() {
    return "analyze";
  }

  /**
   * Analyzes chunks with the built-in rules, retrying and dead-lettering as {@code policy} says.
   */
  public AnalyzeAgent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      int chunksPerPoll,
      boolean observers,
      ErrorPolicy policy) {
    this(
        broker,
        codec,
        metrics,
        chunksPerPoll,
        observers,
        dev.destill.core.engine.Rules.standard(),
        policy);
  }

  @Override
  protected boolean process(List<Message> messages) {
    return each(messages, LogChunk.class, "a log chunk", this::publishFindings);
  }

  /**
   * A chunk that could not be analyzed still counts as done, so that its request finishes; the
   * request says it is incomplete and why.
   */
  @Override
  protected void deadLettered(PipelineMessage message, String reason) {
    if (!(message instanceof LogChunk chunk)) {
      return;
    }
    String id = chunk.requestId();
    String part = "chunk " + chunk.index() + " of job " + chunk.job().id();
    String warning =
        chunk.job().name()
            + ": lines "
            + chunk.ownFrom()
            + "-"
            + chunk.ownTo()
            + " could not be analyzed ("
            + reason
            + "); they are on "
            + Topics.DEAD_LETTER;
    ChunkRecord record =
        new ChunkRecord(
            chunk.job().id(),
            chunk.index(),
            chunk.ownFrom(),
            chunk.ownTo(),
            java.util.OptionalLong.empty(),
            java.util.Optional.empty());
    List<Progress> events =
        List.of(
            new Progress(new RequestEvent.Incomplete(id, part, warning)),
            new Progress(new RequestEvent.ChunkAnalyzed(id, record, List.of())));
    for (Progress p : events) {
      publish(Topics.FINDINGS, id, p);
      if (observers) {
        publish(Topics.PROGRESS, id, p);
      }
    }
  }

  private void publishFindings(LogChunk chunk) {
    String id = chunk.requestId();
    Optional<LineTemplates> baseline = Optional.empty();
    List<String> baselineWarnings = List.of();
    switch (baselines.templates(id, chunk.job(), chunk.baseline())) {
      case Baselines.Lookup.Found f -> baseline = Optional.of(f.templates());
      case Baselines.Lookup.Absent _ -> {}
      case Baselines.Lookup.Unavailable u -> baselineWarnings = List.of(u.reason());
    }
    Result result = analyze(chunk, cache, rules, baseline);
    if (stats.isPresent()) {
      try {
        stats
            .get()
            .add(
                JobCounts.of(
                    clock.instant(),
                    dev.destill.core.model.Projects.of(chunk.buildId()),
                    chunk.job().name(),
                    chunk.ownTo() - chunk.ownFrom() + 1,
                    result.findings()));
      } catch (RuntimeException e) {
        LOG.warn("analyze agent: the statistics were not counted: {}", e.getMessage());
      }
    }
    for (Finding f : result.findings()) {
      publish(Topics.FINDINGS, id, new FindingMessage(id, f));
    }
    List<String> warnings = new ArrayList<>(result.warnings());
    warnings.addAll(baselineWarnings);
    boolean nearIsKnown = rules.policy().baseline().nearIsKnown();
    Optional<LineNovelty> novelty =
        result
            .counts()
            .map(
                c ->
                    new LineNovelty(
                        c.known() + (nearIsKnown ? c.near() : 0),
                        c.fresh() + (nearIsKnown ? 0 : c.near())));
    Progress done =
        new Progress(new RequestEvent.ChunkAnalyzed(id, result.chunk(), warnings, novelty));
    publish(Topics.FINDINGS, id, done);
    if (observers) {
      publish(Topics.PROGRESS, id, done);
    }
  }

  /**
   * What one chunk yields: its findings, what the user should know about them, and, when it was
   * compared with a baseline, how many of its lines were known and new.
   */
  public record Result(
      List<Finding> findings,
      ChunkRecord chunk,
      List<String> warnings,
      Optional<NoveltyScan.Counts> counts) {
    public Result {
      findings = List.copyOf(findings);
      warnings = List.copyOf(warnings);
      Objects.requireNonNull(counts, "counts");
    }
  }

  /** Analyzes one chunk; {@code cache} only saves work. */
  public static Result analyze(LogChunk chunk, LogScanner.LineCache cache) {
    return analyze(chunk, cache, dev.destill.core.engine.Rules.standard());
  }

  /** Analyzes one chunk with {@code rules}; {@code cache} only saves work. */
  public static Result analyze(
      LogChunk chunk, LogScanner.LineCache cache, dev.destill.core.engine.Rules rules) {
    return analyze(chunk, cache, rules, Optional.empty());
  }

  /**
   * Analyzes one chunk with {@code rules} and, when there is one, compares its lines with the job's
   * {@code baseline}: findings get their novelty, runs of new lines become candidates.
   */
  public static Result analyze(
      LogChunk chunk,
      LogScanner.LineCache cache,
      dev.destill.core.engine.Rules rules,
      Optional<LineTemplates> baseline) {
    ScanOptions options = ScanOptions.forChunk(chunk.firstLine(), chunk.ownFrom(), chunk.ownTo());
    LogScanner scanner = new LogScanner(chunk.job(), options, cache, rules);
    scanner.accept(chunk.data(), 0, chunk.data().length);
    JobScan scan = scanner.finish();
    List<Finding> out = new ArrayList<>(scan.findings());
    if (chunk.isLast() && chunk.job().failed()) {
      Triage.endOfLog(scan).ifPresent(out::add);
    }
    Optional<NoveltyScan.Counts> counts = Optional.empty();
    if (baseline.isPresent()) {
      NoveltyScan novelty =
          new NoveltyScan(chunk.job(), baseline.get(), options, rules.policy().baseline(), cache);
      novelty.accept(chunk.data(), 0, chunk.data().length);
      NoveltyScan.Result r = novelty.finish();
      out = new ArrayList<>(novelty.mark(out));
      out.addAll(NoveltyRanking.reachable(r.runs(), out, chunk.ownTo(), rules.policy()));
      counts = Optional.of(r.counts());
    }
    List<String> warnings =
        scan.dropped() == 0
            ? List.of()
            : List.of(
                CapWarning.chunk(
                    chunk.job().name(),
                    scan.findings().size(),
                    chunk.ownFrom(),
                    chunk.ownTo(),
                    scan.dropped()));
    ChunkRecord record =
        new ChunkRecord(
            chunk.job().id(),
            chunk.index(),
            chunk.ownFrom(),
            chunk.ownTo(),
            scan.stepLine(),
            scan.exitStep());
    return new Result(out, record, warnings, counts);
  }
}
