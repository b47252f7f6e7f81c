package dev.destill.live;

import dev.destill.core.store.InMemoryFindingStore;
import dev.destill.core.store.RecurringFailure;
import dev.destill.live.sources.LiveSources;
import dev.destill.server.DestillServer;
import dev.destill.server.ServerMetrics;
import dev.destill.server.ServerSettings;
import dev.destill.server.analysis.Analyses;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Query;
import dev.destill.server.analysis.Snapshot;
import dev.destill.server.analysis.Submission;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The real server with the live sources registered, over an in-memory store, on free ports; for
 * tests. Analyses of builds are not what these tests are about: the server's analyses take none.
 */
public final class TestServer implements AutoCloseable {
  public final dev.destill.core.store.FindingStore store;
  public final CollectingStatsSink stats = new CollectingStatsSink();
  public final LiveSources live;
  public final DestillServer server;

  public TestServer(LiveSources.Config config, Optional<String> token) {
    this(config, token, new InMemoryFindingStore(Clock.systemUTC()));
  }

  public TestServer(
      LiveSources.Config config,
      Optional<String> token,
      dev.destill.core.store.FindingStore store) {
    Clock clock = Clock.systemUTC();
    this.store = store;
    live = LiveSources.start(config, store, stats, clock);
    ServerSettings s =
        new ServerSettings(
            "127.0.0.1",
            0,
            token,
            Optional.empty(),
            false,
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Duration.ofMinutes(5),
            1 << 20,
            1 << 20,
            16 << 10,
            64,
            1,
            10,
            Duration.ofSeconds(1),
            Optional.empty(),
            Optional.empty());
    server = DestillServer.start(s, new NoAnalyses(), new ServerMetrics(), clock, live.routes());
  }

  /** Defaults with every listener on a free port, HTTP token {@code token}. */
  public static LiveSources.Config config(Optional<String> token) {
    return LiveSources.Config.httpOnly("127.0.0.1", token).withPorts(0, 0, 0, -1);
  }

  /** POSTs {@code body} with the JDK's client; {@code auth} blank for none. */
  public static java.net.http.HttpResponse<String> post(
      String url, String type, byte[] body, String auth) throws Exception {
    java.net.http.HttpRequest.Builder b =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .header("Content-Type", type)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body));
    if (body.length > 1 << 20) {
      // As curl does for a large body: ask first, so that a refusal by its declared length (413)
      // arrives as an answer rather than as a connection closed while the body is still sent.
      b.expectContinue(true);
    }
    if (!auth.isEmpty()) {
      b.header("Authorization", auth);
    }
    try (java.net.http.HttpClient c = java.net.http.HttpClient.newHttpClient()) {
      return c.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }
  }

  public String url() {
    return server.url();
  }

  @Override
  public void close() {
    server.close();
    live.stop(Duration.ofSeconds(5));
  }

  /** Analyses of builds: none taken here. */
  static final class NoAnalyses implements Analyses {
    @Override
    public String submit(Submission submission) {
      throw new dev.destill.core.DestillException.BadInput("this test server analyzes no builds");
    }

    @Override
    public Optional<Snapshot> snapshot(String requestId) {
      return Optional.empty();
    }

    @Override
    public Optional<String> document(String requestId, int top) {
      return Optional.empty();
    }

    @Override
    public List<Listing> recent(Query query) {
      return List.of();
    }

    @Override
    public List<RecurringFailure> recurring(int limit) {
      return List.of();
    }

    @Override
    public boolean firstDelivery(String provider, String deliveryId) {
      return true;
    }

    @Override
    public void forgetDelivery(String provider, String deliveryId) {}

    @Override
    public boolean ready() {
      return true;
    }

    @Override
    public int queueDepth() {
      return 0;
    }

    @Override
    public void close() {}
  }
}
