package dev.destill.app.serve;

import dev.destill.app.config.Settings;
import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import dev.destill.dashboard.Dashboard;
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

  private Serve(DestillServer server, Analyses analyses, boolean distributed) {
    this.server = server;
    this.analyses = analyses;
    this.distributed = distributed;
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
    Analyses analyses =
        distributed
            ? ClusterAnalyses.connect(services, settings.maxQueuedAnalyses())
            : new LocalAnalyses(
                services.remoteProviders(),
                services.openHistory(),
                metrics,
                services.clock(),
                settings.maxConcurrentAnalyses(),
                settings.maxQueuedAnalyses(),
                s.llmEnv());
    try {
      List<Routes> routes = new java.util.ArrayList<>(extra);
      // The web dashboard reads the same analyses as the API; serve wires no hot stats yet (its
      // stats page says so), the live sources will hand their StatsStore here.
      routes.add(new Dashboard(analyses, settings, services.clock(), java.util.Optional.empty()));
      DestillServer server =
          DestillServer.start(settings, analyses, metrics, services.clock(), routes);
      return new Serve(server, analyses, distributed);
    } catch (RuntimeException e) {
      analyses.close();
      throw e;
    }
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
