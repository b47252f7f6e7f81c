package dev.destill.core.ingest;

import dev.destill.core.DestillException;
import dev.destill.core.ErrorPolicy;
import dev.destill.core.broker.Broker;
import dev.destill.core.broker.Message;
import dev.destill.core.junit.JUnitParser;
import dev.destill.core.junit.JUnitResult;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobInfo;
import dev.destill.core.model.JobRecord;
import dev.destill.core.model.ProgressEvent;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.Agent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.PipelineMessage.AnalysisRequest;
import dev.destill.core.pipeline.PipelineMessage.FindingMessage;
import dev.destill.core.pipeline.PipelineMessage.LogChunk;
import dev.destill.core.pipeline.PipelineMessage.Progress;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.provider.BaselineChoice;
import dev.destill.core.provider.Build;
import dev.destill.core.provider.BuildJob;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.provider.Targets;
import dev.destill.core.provider.TestReport;
import dev.destill.core.provider.TestReports;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes analysis requests: resolves each build through its provider, publishes the failures of
 * its JUnit reports straight to the findings topic, and cuts every job log into {@link Chunker}
 * chunks for the analyze agents while it streams in, holding only the chunks being cut. What it
 * learns goes out as {@link RequestEvent}s, on the findings topic behind the findings they account
 * for, and on the progress topic for observers. Thread-safe as {@link Agent} is.
 */
public final class IngestAgent extends Agent {
  private static final int READ_BUFFER = 1 << 16;

  /** How often a job being read reports how far it got. */
  private static final long READING_EVERY = 4L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(IngestAgent.class);

  /** How log chunks are keyed on the logs topic. */
  public enum ChunkKeys {
    /** By build id: one build's chunks stay in order on one partition. */
    BY_BUILD,
    /** By chunk: one build's chunks spread over every analyze agent (local and distributed). */
    BY_CHUNK
  }

  /** Everything an ingest agent needs besides the broker. */
  /**
   * @param chunkBytes the chunk size
   * @param parallelism how many jobs of a build are fetched at once
   * @param chunkKeys how chunks are keyed
   * @param observers whether events also go to the progress topic, for observers elsewhere
   */
  public record Settings(int chunkBytes, int parallelism, ChunkKeys chunkKeys, boolean observers) {
    public Settings {
      if (chunkBytes < 1 || parallelism < 1) {
        throw new IllegalArgumentException("invalid ingest settings");
      }
    }
  }

  private final List<CiProvider> providers;
  private final Settings settings;
  private final Consumer<ProgressEvent> progress;

  /**
   * @param progress receives the providers' progress (jobs found, bytes read), for a local display
   */
  public IngestAgent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      List<CiProvider> providers,
      Settings settings,
      Consumer<ProgressEvent> progress) {
    this(broker, codec, metrics, providers, settings, progress, ErrorPolicy.AGENT);
  }

  /**
   * @param progress receives the providers' progress (jobs found, bytes read), for a local display
   * @param policy how long a log cut short is read again, and what is dead-lettered
   */
  public IngestAgent(
      Broker broker,
      MessageCodec codec,
      AgentMetrics metrics,
      List<CiProvider> providers,
      Settings settings,
      Consumer<ProgressEvent> progress,
      ErrorPolicy policy) {
    super(broker, codec, metrics, Topics.REQUESTS, Topics.INGEST_GROUP, 1, policy);
    this.providers = List.copyOf(providers);
    this.settings = settings;
    this.progress = progress;
  }

  @Override
  public String name() {
    return "ingest";
  }

  /** A request may take minutes (a large log from a slow provider): it is ingested off the loop. */
  @Override
  protected boolean offLoop() {
    return true;
  }

  @Override
  protected boolean process(List<Message> messages) {
    return each(messages, AnalysisRequest.class, "an analysis request", this::ingest);
  }

  /** A request that could not be ingested (a bug met on its way) fails, with the reason. */
  @Override
  protected void deadLettered(PipelineMessage message, String reason) {
    if (message instanceof AnalysisRequest request) {
      emit(
          new RequestEvent.Failed(
              request.requestId(),
              "could not be ingested: "
                  + reason
                  + " (the request is on "
                  + Topics.DEAD_LETTER
                  + ")"));
    }
  }

  /**
   * Ingests one request; its failure becomes a {@code Failed} event, never an exception. Called by
   * the agent's loop, or directly by a process that holds the log itself (a server replica that
   * took an upload) on an agent that is never run: the chunks and events go out as from the loop.
   * Broker failures propagate.
   */
  public void ingest(AnalysisRequest request) {
    String id = request.requestId();
    emit(new RequestEvent.Submitted(id, request.input(), request.submitted()));
    List<Build> builds = new ArrayList<>();
    // Every warning a provider gives goes into the request's warnings too, not only to the display.
    List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    Consumer<ProgressEvent> tap =
        e -> {
          if (e instanceof ProgressEvent.Warning w) {
            warnings.add(w.message());
          }
          progress.accept(e);
        };
    try {
      Set<String> targets = new LinkedHashSet<>();
      for (String target : request.targets()) {
        if (!targets.add(target.trim())) {
          warn(warnings, Targets.redact(target) + " was given more than once; it is read once");
        }
      }
      for (String target : targets) {
        builds.add(providerFor(target).fetchBuild(target, tap));
      }
      if (builds.size() > 1 && builds.stream().anyMatch(b -> !b.providerId().isLocal())) {
        throw new DestillException.BadInput("give one build URL at a time (or only local files)");
      }
    } catch (DestillException e) {
      emit(new RequestEvent.Failed(id, e.getMessage()));
      return;
    }
    Build first = builds.get(0);
    String buildId = builds.size() == 1 ? first.id() : "local:" + request.input();
    String title = builds.size() == 1 ? first.title() : builds.size() + " inputs";
    emit(new RequestEvent.Resolved(id, buildId, title));
    // Which template set each failed job is compared with: uploaded by the submitter, or read
    // here (and published) as the job's log is about to be.
    Function<JobInfo, Optional<String>> baseline;
    if (request.baseline() instanceof BaselineChoice.Uploaded u) {
      emit(new RequestEvent.BaselineChosen(id, Optional.of(u.source()), ""));
      baseline = job -> BaselineReader.uploadedSet(u, job);
    } else {
      Optional<BaselineReader.Resolved> resolved;
      try {
        resolved = BaselineReader.resolve(request.baseline(), request.targets(), providers, tap);
      } catch (DestillException e) {
        emit(new RequestEvent.Failed(id, e.getMessage()));
        return;
      }
      resolved.ifPresent(b -> emit(new RequestEvent.BaselineChosen(id, b.source(), b.note())));
      baseline =
          resolved.isEmpty()
              ? job -> Optional.empty()
              : job -> publishBaseline(id, job, resolved.get());
    }

    // The store counts a job's chunks by job id: a job read twice would never be complete.
    List<Work> work = new ArrayList<>();
    Set<String> jobIds = new HashSet<>();
    for (Build b : builds) {
      CiProvider provider = providerFor(b.url());
      for (BuildJob job : b.jobs()) {
        if (jobIds.add(job.info().id())) {
          work.add(new Work(provider, b, job));
        } else {
          warn(warnings, job.info().name() + " is listed more than once; it is read once");
        }
      }
    }
    int threads = Math.max(1, Math.min(settings.parallelism(), work.size()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, IngestAgent::daemon);
    try {
      List<Future<JobOutcome>> futures = new ArrayList<>();
      for (Work w : work) {
        futures.add(pool.submit(() -> ingestJob(id, buildId, w, baseline, warnings)));
      }
      int chunks = 0;
      int withLog = 0;
      List<String> failures = new ArrayList<>();
      for (Future<JobOutcome> f : futures) {
        JobOutcome o = await(f);
        chunks += o.chunks;
        withLog += o.hadLog ? 1 : 0;
        o.failure.ifPresent(failures::add);
      }
      if (!failures.isEmpty() && failures.size() == withLog) {
        emit(new RequestEvent.Failed(id, failures.get(0)));
        return;
      }
      emit(new RequestEvent.Ingested(id, chunks, List.copyOf(warnings)));
    } finally {
      pool.shutdownNow();
    }
  }

  private record Work(CiProvider provider, Build build, BuildJob job) {}

  private record JobOutcome(int chunks, boolean hadLog, Optional<String> failure) {}

  private JobOutcome ingestJob(
      String requestId,
      String buildId,
      Work w,
      Function<JobInfo, Optional<String>> baseline,
      List<String> warnings) {
    // Provider failures are this job's; broker failures propagate and leave the request
    // uncommitted, to be ingested again.
    String name = w.job.info().name();
    TestReports reports = TestReports.NONE;
    try {
      reports = w.provider.testReports(w.build, w.job);
    } catch (DestillException e) {
      // Reports that cannot be fetched cost a warning; the log is still read.
      warnings.add(e.getMessage());
      progress.accept(new ProgressEvent.Warning(e.getMessage()));
    }
    warnings.addAll(reports.warnings());
    for (TestReport report : reports.reports()) {
      JUnitResult result = JUnitParser.parse(name, report);
      warnings.addAll(result.warnings());
      for (Finding f : result.findings()) {
        publish(Topics.FINDINGS, requestId, new FindingMessage(requestId, f));
      }
    }
    Optional<String> failure = Optional.empty();
    Optional<Cut> log = Optional.empty();
    if (w.job.hasLog()) {
      progress.accept(new ProgressEvent.JobStarted(name));
      Optional<String> set = baseline.apply(w.job.info());
      Cut cut = new Cut(requestId, buildId, w.job.info(), set);
      try {
        cut.read(w, warnings)
            .ifPresent(
                why ->
                    emit(
                        new RequestEvent.Incomplete(
                            requestId, "log of " + w.job.info().id(), why)));
        log = Optional.of(cut);
        progress.accept(new ProgressEvent.JobFinished(name, cut.lines, cut.bytes, 0));
      } catch (DestillException e) {
        failure = Optional.of(e.getMessage());
      }
    }
    int chunks = log.map(c -> c.published).orElse(0);
    failure.ifPresent(
        m -> {
          warnings.add(m);
          progress.accept(new ProgressEvent.Warning(m));
        });
    long lines = log.map(c -> c.lines).orElse(0L);
    long bytes = log.map(c -> c.bytes).orElse(0L);
    emit(
        new RequestEvent.JobIngested(requestId, new JobRecord(w.job.info(), chunks, lines, bytes)));
    return new JobOutcome(chunks, w.job.hasLog(), failure);
  }

  /**
   * Reads the baseline paired with failed job {@code job} (its templates, bounded) and publishes
   * them on the baselines topic as the set named by the job's id, ahead of the job's chunks;
   * returns the set the job is compared with. A baseline log that cannot be read costs the loader's
   * warning, and the job is analyzed without one.
   */
  private Optional<String> publishBaseline(
      String requestId, JobInfo job, BaselineReader.Resolved baseline) {
    if (!job.failed()) {
      return Optional.empty();
    }
    Optional<dev.destill.core.engine.LineTemplates> templates = baseline.loader().apply(job);
    if (templates.isEmpty()) {
      return Optional.empty();
    }
    for (PipelineMessage.BaselinePart part :
        PipelineMessage.BaselinePart.of(requestId, job.id(), templates.get().toBytes())) {
      publish(Topics.BASELINES, requestId, part);
    }
    return Optional.of(job.id());
  }

  /**
   * One job log cut into chunks as it streams in. The bytes of the chunks not yet published stay in
   * a window that is trimmed as they go out; a chunk is published once the next one is cut, so that
   * the last can carry the job's chunk count.
   */
  private final class Cut {
    final String requestId;
    final String buildId;
    final JobInfo job;
    final Optional<String> baseline;
    private byte[] window = new byte[1 << 20];
    private long base; // offset of window[0] in the copy
    private int len;
    private Chunker.Range held;
    int published;
    long lines;
    long bytes;

    Cut(String requestId, String buildId, JobInfo job, Optional<String> baseline) {
      this.requestId = requestId;
      this.buildId = buildId;
      this.job = job;
      this.baseline = baseline;
    }

    /**
     * Reads the log; a connection cut mid-log is read again from where it broke (the bytes already
     * cut are skipped) within the policy's budget. Returns empty, or why the log stayed short.
     */
    Optional<String> read(Work w, List<String> warnings) {
      Chunker chunker = new Chunker(settings.chunkBytes(), this::append, this::cut);
      byte[] buf = new byte[READ_BUFFER];
      long consumed = 0;
      long reported = 0;
      Optional<String> cutShort = Optional.empty();
      ErrorPolicy.Budget budget = policy.transientBudget();
      for (int failed = 0; ; ) {
        try (InputStream in = Utf16.toUtf8(w.provider.openLog(w.build, w.job))) {
          in.skipNBytes(consumed);
          int n;
          while ((n = in.read(buf)) > 0) {
            chunker.accept(buf, 0, n);
            consumed += n;
            trim(chunker.retainFrom());
            if (chunker.bytesRead() - reported >= READING_EVERY) {
              reported = chunker.bytesRead();
              progress.accept(new ProgressEvent.JobReading(job.name(), reported));
            }
          }
          break;
        } catch (IOException | DestillException.Retriable e) {
          failed++;
          if (!budget.allowsAnother(failed) || stopping()) {
            // What was read so far is still analyzed: a truncated log still shows its errors.
            String warning =
                "log of "
                    + job.name()
                    + " ended early after "
                    + chunker.lines()
                    + " lines ("
                    + describe(e)
                    + (failed > 1 ? ", " + failed + " attempts" : "")
                    + "); showing what was read";
            warnings.add(warning);
            progress.accept(new ProgressEvent.Warning(warning));
            cutShort = Optional.of(warning);
            break;
          }
          LOG.warn(
              "ingest agent: log of {} broke off after {} bytes ({}); reading on in {} ms",
              job.name(),
              consumed,
              describe(e),
              budget.backoff(failed).toMillis());
          pause(budget.backoff(failed));
        }
      }
      chunker.finish();
      lines = chunker.lines();
      bytes = chunker.bytesRead();
      if (held != null) {
        publish(held, published + 1);
      }
      return cutShort;
    }

    private void append(byte[] b, int off, int n) {
      if (len + n > window.length) {
        window = java.util.Arrays.copyOf(window, Math.max(window.length * 2, len + n));
      }
      System.arraycopy(b, off, window, len, n);
      len += n;
    }

    private void cut(Chunker.Range r) {
      if (held != null) {
        publish(held, 0);
      }
      held = r;
    }

    private void trim(long retain) {
      long keep = Math.min(retain, held == null ? retain : held.from());
      int drop = (int) (keep - base);
      if (drop > window.length / 2) {
        System.arraycopy(window, drop, window, 0, len - drop);
        len -= drop;
        base = keep;
      }
    }

    private void publish(Chunker.Range r, int total) {
      byte[] data =
          java.util.Arrays.copyOfRange(window, (int) (r.from() - base), (int) (r.to() - base));
      int index = published++;
      LogChunk chunk =
          new LogChunk(
              requestId,
              buildId,
              job,
              index,
              total,
              r.firstLine(),
              r.ownFrom(),
              r.ownTo(),
              data,
              baseline);
      String key =
          settings.chunkKeys() == ChunkKeys.BY_BUILD
              ? buildId
              : buildId + "/" + job.id() + "/" + index;
      IngestAgent.this.publish(Topics.LOGS, key, chunk);
    }
  }

  private void warn(List<String> warnings, String warning) {
    warnings.add(warning);
    progress.accept(new ProgressEvent.Warning(warning));
  }

  private void emit(RequestEvent event) {
    Progress p = new Progress(event);
    publish(Topics.FINDINGS, event.requestId(), p);
    if (settings.observers()) {
      publish(Topics.PROGRESS, event.requestId(), p);
    }
  }

  private CiProvider providerFor(String target) {
    for (CiProvider p : providers) {
      if (p.accepts(target)) {
        return p;
      }
    }
    boolean local = providers.stream().anyMatch(p -> p.id().isLocal());
    throw new DestillException.BadInput(
        "don't know how to read "
            + Targets.redact(target)
            + ": give "
            + (local ? "a file, a directory, '-', or " : "")
            + "a Buildkite, GitHub Actions or GitLab build URL");
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  private static JobOutcome await(Future<JobOutcome> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DestillException("ingest interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new DestillException("ingest failed: " + ErrorPolicy.describe(cause), cause);
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "destill-ingest-job");
    t.setDaemon(true);
    return t;
  }
}
