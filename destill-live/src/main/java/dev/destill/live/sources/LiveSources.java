package dev.destill.live.sources;

import dev.destill.core.DestillException;
import dev.destill.core.stats.StatsSink;
import dev.destill.core.store.FindingStore;
import dev.destill.live.HttpAccess;
import dev.destill.live.LiveIngest;
import dev.destill.live.LiveSettings;
import dev.destill.live.otlp.OtlpExport;
import dev.destill.live.otlp.OtlpGrpcReceiver;
import dev.destill.live.otlp.OtlpHttpRoutes;
import dev.destill.live.syslog.SyslogReceiver;
import dev.destill.live.webhook.LogWebhookRoutes;
import dev.destill.server.Routes;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The live log sources of {@code destill serve}, started together over one {@link LiveIngest}: the
 * OTLP/gRPC receiver and the syslog listeners on their own ports, and the HTTP routes ({@code POST
 * /v1/logs}, {@code POST /api/v1/logs}) for the server to register. Thread-safe.
 */
public final class LiveSources implements AutoCloseable {

  /**
   * What to listen on and the limits; a port of -1 is off, 0 any free one.
   *
   * @param host the address the gRPC and syslog listeners bind
   * @param otlpGrpcPort OTLP/gRPC (4317 by convention)
   * @param syslogUdpPort syslog over UDP (514 by convention)
   * @param syslogTcpPort syslog over TCP (514 or 601)
   * @param syslogTlsPort syslog over TLS (6514), with {@code keystore}
   * @param keystore a PKCS12 or JKS keystore for syslog over TLS
   * @param keystorePassword its password
   * @param token the bearer token of {@code POST /v1/logs}; empty: none asked for
   * @param maxRequestBytes the largest OTLP or webhook request, after gzip
   * @param maxRecordsPerRequest the most log records of one OTLP request
   * @param maxSyslogMessage the largest syslog message
   * @param maxSyslogConnections syslog TCP and TLS connections at once
   * @param ingest the queue, workers and windows
   */
  public record Config(
      String host,
      int otlpGrpcPort,
      int syslogUdpPort,
      int syslogTcpPort,
      int syslogTlsPort,
      Optional<Path> keystore,
      Optional<String> keystorePassword,
      Optional<String> token,
      int maxRequestBytes,
      int maxRecordsPerRequest,
      int maxSyslogMessage,
      int maxSyslogConnections,
      LiveSettings ingest) {
    public Config {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(ingest, "ingest");
      for (int p : new int[] {otlpGrpcPort, syslogUdpPort, syslogTcpPort, syslogTlsPort}) {
        if (p < -1 || p > 65535) {
          throw new IllegalArgumentException("a port is -1 (off) or 0 to 65535");
        }
      }
    }

    /** Everything off but the HTTP routes, on {@code host}, with default limits. */
    public static Config httpOnly(String host, Optional<String> token) {
      return new Config(
          host,
          -1,
          -1,
          -1,
          -1,
          Optional.empty(),
          Optional.empty(),
          token,
          8 << 20,
          50_000,
          64 << 10,
          256,
          LiveSettings.defaults());
    }

    public Config withPorts(int otlpGrpc, int syslogUdp, int syslogTcp, int syslogTls) {
      return new Config(
          host,
          otlpGrpc,
          syslogUdp,
          syslogTcp,
          syslogTls,
          keystore,
          keystorePassword,
          token,
          maxRequestBytes,
          maxRecordsPerRequest,
          maxSyslogMessage,
          maxSyslogConnections,
          ingest);
    }

    public Config withKeystore(Path file, String password) {
      return new Config(
          host,
          otlpGrpcPort,
          syslogUdpPort,
          syslogTcpPort,
          syslogTlsPort,
          Optional.of(file),
          Optional.of(password),
          token,
          maxRequestBytes,
          maxRecordsPerRequest,
          maxSyslogMessage,
          maxSyslogConnections,
          ingest);
    }

    public Config withLimits(int requestBytes, int recordsPerRequest, LiveSettings settings) {
      return new Config(
          host,
          otlpGrpcPort,
          syslogUdpPort,
          syslogTcpPort,
          syslogTlsPort,
          keystore,
          keystorePassword,
          token,
          requestBytes,
          recordsPerRequest,
          maxSyslogMessage,
          maxSyslogConnections,
          settings);
    }
  }

  private final LiveIngest ingest;
  private final Optional<OtlpGrpcReceiver> grpc;
  private final Optional<SyslogReceiver> syslog;
  private final List<Routes> routes;

  private LiveSources(
      LiveIngest ingest,
      Optional<OtlpGrpcReceiver> grpc,
      Optional<SyslogReceiver> syslog,
      List<Routes> routes) {
    this.ingest = ingest;
    this.grpc = grpc;
    this.syslog = syslog;
    this.routes = routes;
  }

  /**
   * Starts ingestion and the listeners {@code c} turns on.
   *
   * @param store where analyses of windows go; not closed by this
   * @param stats where line counts go; not closed by this
   * @throws DestillException with one line when a port cannot be bound or the keystore read
   */
  public static LiveSources start(Config c, FindingStore store, StatsSink stats, Clock clock) {
    return start(c, new LiveIngest(c.ingest(), store, stats, clock), clock);
  }

  /** Starts the listeners over an ingestion made by the caller (with its own listener). */
  public static LiveSources start(Config c, LiveIngest ingest, Clock clock) {
    OtlpExport export = new OtlpExport(ingest, clock, c.maxRecordsPerRequest());
    HttpAccess access = new HttpAccess(c.token(), c.maxRequestBytes());
    Optional<OtlpGrpcReceiver> grpc = Optional.empty();
    Optional<SyslogReceiver> syslog = Optional.empty();
    try {
      if (c.otlpGrpcPort() >= 0) {
        grpc =
            Optional.of(
                OtlpGrpcReceiver.start(c.host(), c.otlpGrpcPort(), export, c.maxRequestBytes()));
      }
      if (c.syslogUdpPort() >= 0 || c.syslogTcpPort() >= 0 || c.syslogTlsPort() >= 0) {
        Optional<SSLContext> tls = c.syslogTlsPort() >= 0 ? Optional.of(tls(c)) : Optional.empty();
        syslog =
            Optional.of(
                SyslogReceiver.start(
                    ingest,
                    clock,
                    new SyslogReceiver.Ports(
                        c.host(), c.syslogUdpPort(), c.syslogTcpPort(), c.syslogTlsPort(), tls),
                    new SyslogReceiver.Limits(c.maxSyslogMessage(), c.maxSyslogConnections())));
      }
    } catch (RuntimeException e) {
      grpc.ifPresent(OtlpGrpcReceiver::close);
      ingest.stop(Duration.ZERO);
      throw e;
    }
    List<Routes> routes =
        List.of(new OtlpHttpRoutes(export, access), new LogWebhookRoutes(ingest, access, clock));
    return new LiveSources(ingest, grpc, syslog, routes);
  }

  private static SSLContext tls(Config c) {
    Path file =
        c.keystore()
            .orElseThrow(
                () ->
                    new DestillException.BadInput(
                        "syslog over TLS needs a keystore: set DESTILL_SERVER_KEYSTORE and"
                            + " DESTILL_SERVER_KEYSTORE_PASSWORD"));
    char[] password = c.keystorePassword().orElse("").toCharArray();
    try {
      KeyStore ks = KeyStore.getInstance(file.toFile(), password);
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new DestillException.BadInput(
          "cannot read the keystore " + file + " for syslog over TLS: " + e.getMessage());
    }
  }

  /** The HTTP routes, for the server to register before it starts. */
  public List<Routes> routes() {
    return routes;
  }

  public LiveIngest ingest() {
    return ingest;
  }

  /** The OTLP/gRPC port, when it listens. */
  public Optional<Integer> otlpGrpcPort() {
    return grpc.map(OtlpGrpcReceiver::port);
  }

  /** The syslog listeners, when any listens. */
  public Optional<SyslogReceiver> syslog() {
    return syslog;
  }

  /**
   * Stops the listeners, then lets ingestion finish what is queued within {@code deadline} (open
   * windows are analyzed and stored, counts flushed).
   */
  public void stop(Duration deadline) {
    grpc.ifPresent(OtlpGrpcReceiver::close);
    syslog.ifPresent(SyslogReceiver::close);
    ingest.stop(deadline);
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
