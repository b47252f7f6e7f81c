package dev.destill.app.serve;

import dev.destill.app.config.Settings;
import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import dev.destill.server.DestillServer;
import dev.destill.server.Routes;
import dev.destill.server.ServerMetrics;
import dev.destill.server.ServerSettings;
import dev.destill.server.analysis.Analyses;
import java.time.Duration;
import java.util.List;

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

  private final dev.destill.core.stats.StatsStore stats;

  private Serve(
      DestillServer server,
      Analyses analyses,
      boolean distributed,
      dev.destill.core.stats.StatsStore stats) {
    this.server = server;
    this.analyses = analyses;
    this.distributed = distributed;
    this.stats = stats;
  }

  /**
   * Starts serving: the analyses in this process, or in the cluster when Kafka and PostgreSQL are
   * both configured.
   *
   * @param extra more routes (the dashboard, live log sources)
   */
  public static Serve start(Services services, ServerSettings settings, List<Routes> extra) {
    Settings s = services.settings();
    if (s.find(Settings.KAFKA).isPresent() && s.find(Settings.POSTGRES).isEmpty()) {
      throw new DestillException.BadInput(
          "distributed mode reads results from PostgreSQL: set "
              + Settings.POSTGRES.variable()
              + " too, or unset "
              + Settings.KAFKA.variable()
              + " to analyze in this process");
    }
    boolean distributed = services.distributed();
    ServerMetrics metrics = new ServerMetrics();
    // The hot statistics: this replica's DuckDB file, or PostgreSQL in distributed mode, where
    // the agents count and the sink agent writes.
    dev.destill.core.stats.StatsStore stats = services.openStats("serve");
    Analyses analyses;
    try {
      analyses =
          distributed
              ? ClusterAnalyses.connect(services, settings.maxQueuedAnalyses())
              : new LocalAnalyses(
                  services.remoteProviders(),
                  services.openHistory(),
                  metrics,
                  services.clock(),
                  settings.maxConcurrentAnalyses(),
                  settings.maxQueuedAnalyses(),
                  stats);
    } catch (RuntimeException e) {
      stats.close();
      throw e;
    }
    try {
      List<Routes> routes = new java.util.ArrayList<>();
      routes.add(new dev.destill.server.StatsRoutes(stats, services.clock(), settings));
      routes.addAll(extra);
      DestillServer server =
          DestillServer.start(settings, analyses, metrics, services.clock(), routes);
      return new Serve(server, analyses, distributed, stats);
    } catch (RuntimeException e) {
      analyses.close();
      stats.close();
      throw e;
    }
  }

  /**
   * The hot statistics this server answers {@code GET /api/v1/stats} from and counts into (live
   * sources and {@code --watch} add their lines here). Closed with the server.
   */
  public dev.destill.core.stats.StatsStore stats() {
    return stats;
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
    try {
      if (analyses instanceof LocalAnalyses local) {
        local.shutdown(left.isNegative() ? Duration.ZERO : left);
      } else {
        analyses.close();
      }
    } finally {
      try {
        stats.close();
      } catch (RuntimeException e) {
        // Counts not yet written are lost; the server is going away either way.
      }
    }
    return drained;
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }
}
