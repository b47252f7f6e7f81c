package dev.destill.app.serve;

import dev.destill.app.analysis.AnalysisReport;
import dev.destill.app.analysis.AnalysisService;
import dev.destill.app.history.HistoryStore;
import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import dev.destill.core.broker.Broker;
import dev.destill.core.engine.Triage;
import dev.destill.core.model.Finding;
import dev.destill.core.model.RequestEvent;
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

/**
 * Distributed mode: a stateless replica. A submission is published to Kafka (as {@code destill
 * submit} does) for the ingest, analyze and sink agents; what they found is read from PostgreSQL,
 * and the replicas share webhook deliveries and listing labels there ({@link ServerLedger}). Any
 * replica answers for any request. Thread-safe.
 */
public final class ClusterAnalyses implements Analyses {
  /** How long a replica waits for Kafka to take a request before it answers with an error. */
  private static final Duration PUBLISH = Duration.ofSeconds(10);

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
    if (!(submission instanceof Submission.BuildUrl u)) {
      throw new DestillException.BadInput(
          "log uploads are analyzed by one-process 'destill serve'; in distributed mode submit a"
              + " build URL");
    }
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
    broker.publish(
        Topics.REQUESTS,
        id,
        codec.encode(new PipelineMessage.AnalysisRequest(id, List.of(u.url()), now)));
    broker.flush(PUBLISH);
    synchronized (depthLock) {
      depth++;
    }
    return id;
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
