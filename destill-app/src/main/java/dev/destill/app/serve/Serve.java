package dev.destill.app.serve;

import dev.destill.app.Providers;
import dev.destill.app.distributed.ClusterSettings;
import dev.destill.app.history.HistoryStore;
import dev.destill.core.DestillException;
import dev.destill.core.provider.CiProvider;
import dev.destill.server.DestillServer;
import dev.destill.server.Routes;
import dev.destill.server.ServerMetrics;
import dev.destill.server.ServerSettings;
import dev.destill.server.analysis.Analyses;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Composition root of {@code destill serve}: the analyses (this process, or the cluster when both
 * Kafka and PostgreSQL are configured) and the HTTP server over them. Thread-safe.
 */
public final class Serve implements AutoCloseable {
  private final DestillServer server;
  private final Analyses analyses;
  private final boolean distributed;
  private final java.util.concurrent.atomic.AtomicBoolean stopped =
      new java.util.concurrent.atomic.AtomicBoolean();

  private Serve(DestillServer server, Analyses analyses, boolean distributed) {
    this.server = server;
    this.analyses = analyses;
    this.distributed = distributed;
  }

  /**
   * Starts serving with the settings and the CI tokens of {@code env}.
   *
   * @param extra more routes (the dashboard, live log sources)
   */
  public static Serve start(
      Map<String, String> env, ServerSettings settings, Clock clock, List<Routes> extra) {
    ClusterSettings cluster = new ClusterSettings(env);
    boolean kafka = present(env, ClusterSettings.KAFKA, ClusterSettings.KAFKA_ALIAS);
    boolean postgres = present(env, ClusterSettings.POSTGRES, ClusterSettings.POSTGRES_ALIAS);
    if (kafka && !postgres) {
      throw new DestillException.BadInput(
          "distributed mode reads results from PostgreSQL: set "
              + ClusterSettings.POSTGRES
              + " too, or unset "
              + ClusterSettings.KAFKA
              + " to analyze in this process");
    }
    ServerMetrics metrics = new ServerMetrics();
    List<CiProvider> remote = Providers.remote(env);
    Analyses analyses =
        kafka
            ? ClusterAnalyses.connect(remote, cluster, clock, settings.maxQueuedAnalyses())
            : new LocalAnalyses(
                remote,
                HistoryStore.open(env, clock),
                metrics,
                clock,
                settings.maxConcurrentAnalyses(),
                settings.maxQueuedAnalyses());
    try {
      DestillServer server = DestillServer.start(settings, analyses, metrics, clock, extra);
      return new Serve(server, analyses, kafka);
    } catch (RuntimeException e) {
      analyses.close();
      throw e;
    }
  }

  private static boolean present(Map<String, String> env, String... names) {
    for (String n : names) {
      if (!env.getOrDefault(n, "").isBlank()) {
        return true;
      }
    }
    return false;
  }

  public String url() {
    return server.url();
  }

  public int port() {
    return server.port();
  }

  /** HTTP requests being served now. */
  public int inFlight() {
    return server.inFlight();
  }

  /** True when results come from the cluster. */
  public boolean distributed() {
    return distributed;
  }

  /**
   * Drains the HTTP server within {@code deadline}, then lets running analyses finish within what
   * is left of it (one-process mode), then closes everything. Returns whether all requests in
   * flight finished.
   */
  public boolean stop(Duration deadline) {
    if (!stopped.compareAndSet(false, true)) {
      return true;
    }
    long start = System.nanoTime();
    boolean drained = server.drain(deadline);
    Duration left = deadline.minusNanos(System.nanoTime() - start);
    if (analyses instanceof LocalAnalyses local) {
      local.shutdown(left.isNegative() ? Duration.ZERO : left);
    } else {
      analyses.close();
    }
    return drained;
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }
}
