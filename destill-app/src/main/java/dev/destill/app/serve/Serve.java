package dev.destill.app.serve;

import dev.destill.app.config.Settings;
import dev.destill.app.wiring.Services;
import dev.destill.core.DestillException;
import dev.destill.core.store.FindingStore;
import dev.destill.dashboard.Dashboard;
import dev.destill.live.sources.LiveSources;
import dev.destill.server.DestillServer;
import dev.destill.server.Routes;
import dev.destill.server.ServerMetrics;
import dev.destill.server.ServerSettings;
import dev.destill.server.analysis.Analyses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
  private final Optional<LiveSources> live;
  private final Optional<FindingStore> liveStore;

  private Serve(
      DestillServer server,
      Analyses analyses,
      boolean distributed,
      dev.destill.core.stats.StatsStore stats,
      Optional<LiveSources> live,
      Optional<FindingStore> liveStore) {
    this.server = server;
    this.analyses = analyses;
    this.distributed = distributed;
    this.stats = stats;
    this.live = live;
    this.liveStore = liveStore;
  }

  /** Starts serving without live log sources. */
  public static Serve start(Services services, ServerSettings settings, List<Routes> extra) {
    return start(services, settings, extra, Optional.empty());
  }

  /**
   * Starts serving: the analyses in this process, or in the cluster when Kafka and PostgreSQL are
   * both configured.
   *
   * @param extra more routes (the dashboard)
   * @param liveConfig the live log sources (OTLP, syslog, the log webhook): their windows are
   *     stored as analyses where the server's analyses are, their line counts in the statistics
   */
  public static Serve start(
      Services services,
      ServerSettings settings,
      List<Routes> extra,
      Optional<LiveSources.Config> liveConfig) {
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
    // Where live windows are stored: the history of this process (closed with the analyses), or
    // the cluster's PostgreSQL (a connection of its own, closed after the live sources).
    FindingStore windows = null;
    Optional<FindingStore> liveStore = Optional.empty();
    try {
      if (distributed) {
        analyses = ClusterAnalyses.connect(services, settings.maxQueuedAnalyses());
      } else {
        FindingStore history = services.openHistory();
        windows = history;
        analyses =
            new LocalAnalyses(
                services.remoteProviders(),
                history,
                metrics,
                services.clock(),
                settings.maxConcurrentAnalyses(),
                settings.maxQueuedAnalyses(),
                s.llmEnv(),
                stats);
      }
    } catch (RuntimeException e) {
      stats.close();
      throw e;
    }
    Optional<LiveSources> live = Optional.empty();
    try {
      if (liveConfig.isPresent()) {
        if (windows == null) {
          liveStore = Optional.of(services.openClusterStore());
          windows = liveStore.get();
        }
        live = Optional.of(LiveSources.start(liveConfig.get(), windows, stats, services.clock()));
      }
      List<Routes> routes = new ArrayList<>();
      routes.add(new dev.destill.server.StatsRoutes(stats, services.clock(), settings));
      live.ifPresent(l -> routes.addAll(l.routes()));
      routes.addAll(extra);
      // The web dashboard reads the same analyses as the API, and its stats page these counts.
      routes.add(new Dashboard(analyses, settings, services.clock(), Optional.of(stats)));
      DestillServer server =
          DestillServer.start(settings, analyses, metrics, services.clock(), routes);
      return new Serve(server, analyses, distributed, stats, live, liveStore);
    } catch (RuntimeException e) {
      live.ifPresent(l -> l.stop(Duration.ZERO));
      liveStore.ifPresent(FindingStore::close);
      analyses.close();
      stats.close();
      throw e;
    }
  }

  /** The live log sources, when this server has them. */
  public Optional<LiveSources> live() {
    return live;
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
    // The receivers stop taking records; open windows are analyzed and stored, counts flushed.
    live.ifPresent(
        l -> {
          Duration rest = deadline.minusNanos(System.nanoTime() - start);
          l.stop(rest.isNegative() ? Duration.ZERO : rest);
        });
    liveStore.ifPresent(FindingStore::close);
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
