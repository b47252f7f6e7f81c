package dev.destill.app.serve;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.AnalysisService;
import dev.destill.app.history.HistoryStore;
import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import dev.destill.core.broker.Broker;
import dev.destill.core.engine.Triage;
import dev.destill.core.ingest.Chunker;
import dev.destill.core.ingest.IngestAgent;
import dev.destill.core.model.Finding;
import dev.destill.core.model.RequestEvent;
import dev.destill.core.pipeline.AgentMetrics;
import dev.destill.core.pipeline.MessageCodec;
import dev.destill.core.pipeline.PipelineMessage;
import dev.destill.core.pipeline.Topics;
import dev.destill.core.provider.CiProvider;
import dev.destill.core.store.FindingStore;
import dev.destill.core.store.RecurringFailure;
import dev.destill.core.store.RequestRecord;
import dev.destill.server.analysis.Analyses;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Overloaded;
import dev.destill.server.analysis.Query;
import dev.destill.server.analysis.Snapshot;
import dev.destill.server.analysis.Status;
import dev.destill.server.analysis.Submission;
import dev.destill.store.postgres.PostgresFindingStore;
import dev.destill.wire.MessageJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distributed mode: a stateless replica. A submission is published to Kafka (as {@code destill
 * submit} does) for the ingest, analyze and sink agents; what they found is read from PostgreSQL,
 * and the replicas share webhook deliveries and listing labels there ({@link ServerLedger}). Any
 * replica answers for any request. A log uploaded to a replica exists only there, so that replica
 * ingests it itself, as an ingest agent would: it streams the spooled log from its file, cuts it
 * into chunks for the analyze agents and reports the request's progress to the sinks, on a few
 * threads of its own, at most {@code maxQueued} uploads held at once. Thread-safe.
 */
public final class ClusterAnalyses implements Analyses {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterAnalyses.class);

  /** How long a replica waits for Kafka to take a request before it answers with an error. */
  private static final Duration PUBLISH = Duration.ofSeconds(10);

  /** Uploaded logs a replica cuts into chunks at once; the others wait their turn. */
  private static final int UPLOAD_THREADS = 2;

  private final List<CiProvider> remote;
  private final Broker broker;
  private final FindingStore store;
  private final ServerLedger ledger;
  private final MessageCodec codec = new MessageJson();
  private final Clock clock;
  private final int maxQueued;
  private final Object depthLock = new Object();
  private Instant depthAt = Instant.EPOCH;
  private int depth;
  private final UploadProvider uploads = new UploadProvider();
  private final IngestAgent uploadIngest;
  private final ExecutorService uploading;
  private final AtomicInteger uploadsHeld = new AtomicInteger();

  /**
   * @param broker the Kafka broker; closed with this
   * @param store the PostgreSQL store the sinks write; closed with this
   */
  ClusterAnalyses(
      List<CiProvider> remote,
      Broker broker,
      FindingStore store,
      ServerLedger ledger,
      Clock clock,
      int maxQueued) {
    this.remote = List.copyOf(remote);
    this.broker = broker;
    this.store = store;
    this.ledger = ledger;
    this.clock = clock;
    this.maxQueued = maxQueued;
    // Never run as a consumer: it only cuts the logs this replica was given.
    this.uploadIngest =
        new IngestAgent(
            broker,
            codec,
            AgentMetrics.NONE,
            List.of(uploads),
            new IngestAgent.Settings(
                Chunker.DEFAULT_TARGET_BYTES, 1, IngestAgent.ChunkKeys.BY_BUILD, true),
            event -> {});
    this.uploading =
        Executors.newFixedThreadPool(
            UPLOAD_THREADS, Thread.ofPlatform().name("destill-upload-", 1).daemon().factory());
  }

  /** Connects to the cluster the services name. */
  public static ClusterAnalyses connect(Services services, int maxQueued) {
    Broker broker = services.connectBroker();
    try {
      FindingStore store = services.openClusterStore();
      try {
        ServerLedger ledger =
            ServerLedger.connect(
                PostgresFindingStore.toJdbc(services.settings().postgresUrl()), services.clock());
        return new ClusterAnalyses(
            services.remoteProviders(), broker, store, ledger, services.clock(), maxQueued);
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  @Override
  public String submit(Submission submission) {
    if (submission instanceof Submission.UploadedLog log) {
      return upload(log);
    }
    Submission.BuildUrl u = (Submission.BuildUrl) submission;
    if (remote.stream().noneMatch(p -> p.accepts(u.url()))) {
      throw new DestillException.BadInput(
          "not a Buildkite, GitHub Actions or GitLab build URL: " + u.url());
    }
    if (queueDepth() >= maxQueued) {
      throw new Overloaded(
          "too many analyses waiting (" + maxQueued + "); try again later", Duration.ofSeconds(10));
    }
    String id = AnalysisService.newRequestId(clock);
    Instant now = clock.instant();
    ledger.accepted(id, u.url(), u.labels());
    // The sink records the request at once, so every replica knows it before an ingest agent does.
    broker.publish(
        Topics.FINDINGS,
        id,
        codec.encode(new PipelineMessage.Progress(new RequestEvent.Submitted(id, u.url(), now))));
    // As one-process serve does: the build is compared with its last green build.
    broker.publish(
        Topics.REQUESTS,
        id,
        codec.encode(
            new PipelineMessage.AnalysisRequest(
                id, List.of(u.url()), now, dev.destill.core.provider.BaselineChoice.AUTO)));
    broker.flush(PUBLISH);
    synchronized (depthLock) {
      depth++;
    }
    return id;
  }

  private String upload(Submission.UploadedLog log) {
    if (queueDepth() >= maxQueued) {
      throw overloaded();
    }
    if (uploadsHeld.incrementAndGet() > maxQueued) {
      uploadsHeld.decrementAndGet();
      throw overloaded();
    }
    String id = AnalysisService.newRequestId(clock);
    String target = uploads.add(id, log);
    try {
      Instant now = clock.instant();
      ledger.accepted(id, target, log.labels());
      broker.publish(
          Topics.FINDINGS,
          id,
          codec.encode(new PipelineMessage.Progress(new RequestEvent.Submitted(id, target, now))));
      broker.flush(PUBLISH);
      uploading.execute(() -> ingestUpload(id, target, now));
    } catch (RuntimeException e) {
      uploads.remove(target);
      uploadsHeld.decrementAndGet();
      if (e instanceof RejectedExecutionException) {
        // Answered 429 with Retry-After: another replica (or this one restarted) takes it.
        throw new Overloaded(
            "the server is stopping; send the log again later", Duration.ofSeconds(10));
      }
      throw e;
    }
    synchronized (depthLock) {
      depth++;
    }
    return id;
  }

  private Overloaded overloaded() {
    return new Overloaded(
        "too many analyses waiting (" + maxQueued + "); try again later", Duration.ofSeconds(10));
  }

  /** Cuts an uploaded log into chunks for the analyze agents, then deletes it. */
  private void ingestUpload(String id, String target, Instant submitted) {
    try {
      uploadIngest.ingest(new PipelineMessage.AnalysisRequest(id, List.of(target), submitted));
      broker.flush(PUBLISH);
    } catch (RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.warn("upload {} could not be handed to the agents: {}", id, why);
      try {
        broker.publish(
            Topics.FINDINGS,
            id,
            codec.encode(
                new PipelineMessage.Progress(
                    new RequestEvent.Failed(
                        id, "the uploaded log could not be ingested: " + why))));
        broker.flush(PUBLISH);
      } catch (RuntimeException again) {
        LOG.warn(
            "upload {}: its failure could not be published either: {}", id, again.getMessage());
      }
    } finally {
      uploads.remove(target);
      uploadsHeld.decrementAndGet();
    }
  }

  @Override
  public Optional<Snapshot> snapshot(String requestId) {
    Optional<RequestRecord> r = store.request(requestId);
    if (r.isEmpty()) {
      return ledger.known(requestId)
          ? Optional.of(new Snapshot(requestId, Status.PENDING, 0, 0, List.of(), ""))
          : Optional.empty();
    }
    RequestRecord rec = r.get();
    Status status = Status.of(rec.status());
    List<Finding> findings =
        status.isFinal()
            ? HistoryStore.load(store, requestId).findings()
            : store.findings(requestId).stream().filter(f -> !Triage.isCandidate(f)).toList();
    return Optional.of(
        new Snapshot(
            requestId, status, rec.chunksDone(), rec.chunksTotal(), findings, rec.error()));
  }

  @Override
  public Optional<String> document(String requestId, int top) {
    Optional<RequestRecord> r = store.request(requestId);
    if (r.isEmpty()) {
      if (!ledger.known(requestId)) {
        return Optional.empty();
      }
      return Optional.of(
          "{\"request_id\":\""
              + requestId
              + "\",\"status\":\"pending\",\"input\":\"\",\"jobs\":[],\"total_findings\":0,"
              + "\"findings\":[],\"warnings\":[]}");
    }
    AnalysisReport report = HistoryStore.load(store, requestId);
    return Optional.of(Documents.of(report, Status.of(r.get().status()), r.get().error(), top));
  }

  @Override
  public List<Listing> recent(Query query) {
    return ledger.recent(query);
  }

  @Override
  public List<RecurringFailure> recurring(int limit) {
    return store.recurringFailures(limit);
  }

  @Override
  public boolean firstDelivery(String provider, String deliveryId) {
    return ledger.firstDelivery(provider, deliveryId);
  }

  @Override
  public void forgetDelivery(String provider, String deliveryId) {
    ledger.forgetDelivery(provider, deliveryId);
  }

  @Override
  public boolean ready() {
    return ledger.reachable();
  }

  /**
   * Requests of the cluster not yet complete or failed, among the most recent, counted at most once
   * a second (between counts, this replica's own submissions are added).
   */
  @Override
  public int queueDepth() {
    synchronized (depthLock) {
      Instant now = clock.instant();
      if (Duration.between(depthAt, now).compareTo(Duration.ofSeconds(1)) >= 0) {
        depth =
            (int)
                store.recentRequests(maxQueued + 1).stream()
                    .filter(r -> !r.status().isFinal())
                    .count();
        depthAt = now;
      }
      return depth;
    }
  }

  @Override
  public void close() {
    // Uploads being cut finish first (their logs exist only here), within the publish deadline.
    uploading.shutdown();
    try {
      if (!uploading.awaitTermination(PUBLISH.toMillis(), TimeUnit.MILLISECONDS)) {
        uploading.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      uploading.shutdownNow();
    }
    try {
      broker.close();
    } finally {
      try {
        store.close();
      } finally {
        ledger.close();
      }
    }
  }
}
