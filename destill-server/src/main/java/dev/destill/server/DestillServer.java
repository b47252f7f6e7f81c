package dev.destill.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.core.DestillException;
import dev.destill.server.analysis.Analyses;
import dev.destill.server.analysis.Overloaded;
import dev.destill.server.webhook.BuildkiteWebhook;
import dev.destill.server.webhook.GitHubWebhook;
import dev.destill.server.webhook.GitLabWebhook;
import dev.destill.server.webhook.Webhook;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of {@code destill serve}, on Javalin (Jetty 12) with a virtual thread per
 * request: webhooks under {@code /webhooks/}, the API under {@code /api/v1}, {@code /health},
 * {@code /ready} and {@code /metrics}. Every request passes the in-flight bound and, while the
 * server drains, is refused with 503; API requests pass the bearer-token checks. Thread-safe.
 */
public final class DestillServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DestillServer.class);
  private static final String STARTED = "destill.started";
  private static final String COUNTED = "destill.counted";
  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonFactory FACTORY = JSON.getFactory();

  private final ServerSettings settings;
  private final ServerMetrics metrics;
  private final Masking masking;
  private final Clock clock;
  private final Object lock = new Object();
  private int inFlight;
  private volatile boolean draining;
  private Javalin app;

  private DestillServer(ServerSettings settings, ServerMetrics metrics, Clock clock) {
    this.settings = settings;
    this.metrics = metrics;
    this.masking = new Masking(settings);
    this.clock = clock;
  }

  /**
   * Binds and starts serving.
   *
   * @param extra more routes (see {@link Routes}), registered after the built-in ones
   * @throws DestillException with one line when the address cannot be bound
   */
  public static DestillServer start(
      ServerSettings settings,
      Analyses analyses,
      ServerMetrics metrics,
      Clock clock,
      List<Routes> extra) {
    Objects.requireNonNull(analyses, "analyses");
    settings.keystore().ifPresent(ks -> readable(ks, settings.keystorePassword().orElseThrow()));
    DestillServer server = new DestillServer(settings, metrics, clock);
    metrics.queueDepth(analyses::queueDepth);
    List<Webhook> webhooks = webhooks(settings, clock);
    ApiRoutes api = new ApiRoutes(settings, analyses, metrics, server.masking, server::isDraining);
    WebhookRoutes hooks = new WebhookRoutes(settings, analyses, metrics, webhooks);
    server.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.concurrency.useVirtualThreads = true;
              config.http.maxRequestSize = settings.maxBodyBytes();
              config.jetty.host = settings.host();
              config.jetty.port = settings.port();
              config.jetty.modifyHttpConfiguration(
                  http -> {
                    http.setRequestHeaderSize(settings.maxHeaderBytes());
                    http.setSendServerVersion(false);
                  });
              settings.keystore().ifPresent(ks -> config.jetty.modifyServer(s -> tls(s, settings)));
              // Jetty's own count of requests in flight, until their answers are written: stopping
              // waits for them (our count ends when the handlers do, before the answer is sent).
              config.jetty.modifyServletContextHandler(
                  context -> context.insertHandler(new GracefulHandler()));
              var routes = config.routes;
              routes.before(server::admit);
              routes.after(server::release);
              routes.exception(HttpProblem.class, server::problem);
              routes.exception(
                  HttpResponseException.class,
                  (e, ctx) ->
                      server.problem(new HttpProblem(e.getStatus(), oneLine(e.getMessage())), ctx));
              routes.exception(
                  Overloaded.class,
                  (e, ctx) ->
                      server.problem(
                          new HttpProblem(429, e.getMessage(), Optional.of(e.retryAfter())), ctx));
              routes.exception(
                  DestillException.BadInput.class,
                  (e, ctx) -> server.problem(new HttpProblem(400, oneLine(e.getMessage())), ctx));
              routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.warn(
                        "{} {} failed: {}",
                        ctx.method(),
                        ctx.path(),
                        server.masking.mask(String.valueOf(e)));
                    server.problem(new HttpProblem(500, "internal error; see the server log"), ctx);
                  });
              routes.error(
                  404,
                  ctx -> {
                    if (ctx.result() == null || ctx.result().isEmpty()) {
                      writeError(ctx, "not found: " + ctx.method() + " " + ctx.path());
                    }
                  });
              routes.get("/health", ctx -> ctx.result("ok"));
              routes.get(
                  "/ready",
                  ctx -> {
                    boolean ready = !server.draining && analyses.ready();
                    ctx.status(ready ? 200 : 503).result(ready ? "ready" : "not ready");
                  });
              routes.get(
                  "/metrics",
                  ctx -> ctx.contentType(metrics.contentType()).result(metrics.scrape()));
              hooks.register(routes);
              api.register(routes);
              for (Routes r : extra) {
                r.register(routes, server::isDraining);
              }
            });
    try {
      server.app.start();
    } catch (RuntimeException e) {
      throw new DestillException(
          "cannot listen on "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + rootMessage(e)
              + " (set DESTILL_SERVER_PORT or --port to a free port)",
          e);
    }
    return server;
  }

  private static List<Webhook> webhooks(ServerSettings s, Clock clock) {
    List<Webhook> all = new ArrayList<>();
    s.githubSecret().ifPresent(secret -> all.add(new GitHubWebhook(secret)));
    if (s.buildkiteSecret().isPresent() || s.buildkiteToken().isPresent()) {
      all.add(
          new BuildkiteWebhook(s.buildkiteSecret(), s.buildkiteToken(), clock, s.replayWindow()));
    }
    s.gitlabToken().ifPresent(token -> all.add(new GitLabWebhook(token)));
    return all;
  }

  /**
   * Opens the keystore once before the server starts, so that a wrong password or a file that is
   * not a keystore is told as such (Jetty would report it as a failure to listen).
   */
  private static void readable(java.nio.file.Path keystore, String password) {
    try {
      java.security.KeyStore ks =
          java.security.KeyStore.getInstance(keystore.toFile(), password.toCharArray());
      if (ks.size() == 0) {
        throw new DestillException.BadInput(
            "DESTILL_SERVER_KEYSTORE "
                + keystore
                + " holds no key: add the server's key and certificate");
      }
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      boolean missing = !java.nio.file.Files.isReadable(keystore);
      throw new DestillException.BadInput(
          "cannot read DESTILL_SERVER_KEYSTORE "
              + keystore
              + (missing
                  ? ": no such readable file"
                  : ": not a PKCS12 or JKS keystore, or DESTILL_SERVER_KEYSTORE_PASSWORD is not its"
                      + " password"),
          e);
    }
  }

  private static void tls(org.eclipse.jetty.server.Server server, ServerSettings s) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStorePath(s.keystore().orElseThrow().toAbsolutePath().toString());
    ssl.setKeyStorePassword(s.keystorePassword().orElseThrow());
    HttpConfiguration https = new HttpConfiguration();
    https.setRequestHeaderSize(s.maxHeaderBytes());
    https.setSendServerVersion(false);
    https.addCustomizer(new SecureRequestCustomizer());
    ServerConnector connector =
        new ServerConnector(
            server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    connector.setHost(s.host());
    connector.setPort(s.port());
    server.addConnector(connector);
  }

  /** The bound port: the one asked for, or the one chosen for 0. */
  public int port() {
    return app.port();
  }

  /** {@code http://host:port} or {@code https://...}, for messages and tests. */
  public String url() {
    return (settings.keystore().isPresent() ? "https" : "http")
        + "://"
        + settings.host()
        + ":"
        + port();
  }

  boolean isDraining() {
    return draining;
  }

  /** HTTP requests being served now. */
  public int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /**
   * Stops taking requests (new ones get 503, event streams end), waits up to {@code deadline} for
   * those in flight, then stops the server. Returns whether everything in flight finished.
   */
  public boolean drain(Duration deadline) {
    draining = true;
    Instant end = clock.instant().plus(deadline);
    boolean drained;
    synchronized (lock) {
      while (inFlight > 0) {
        long left = Duration.between(clock.instant(), end).toMillis();
        if (left <= 0) {
          break;
        }
        try {
          lock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      drained = inFlight == 0;
    }
    if (!drained) {
      LOG.warn("stopping with {} requests still in flight after {}", inFlight(), deadline);
    }
    // What is left of the deadline (at least a moment when there was one) for the last answers
    // to be written; closing without a deadline stops at once.
    long left =
        deadline.isZero() ? 0 : Math.max(1000, Duration.between(clock.instant(), end).toMillis());
    app.jettyServer().server().setStopTimeout(left);
    try {
      app.stop();
    } catch (RuntimeException e) {
      // Jetty stops anyway when its graceful wait runs out; it only reports that it did.
      LOG.warn("the server stopped before every answer was written: {}", rootMessage(e));
      drained = false;
    }
    return drained;
  }

  @Override
  public void close() {
    drain(Duration.ZERO);
  }

  private void admit(Context ctx) {
    ctx.attribute(STARTED, System.nanoTime());
    if (draining) {
      throw new HttpProblem(503, "the server is shutting down", Optional.of(Duration.ofSeconds(5)));
    }
    synchronized (lock) {
      if (inFlight >= settings.maxInFlight()) {
        throw new HttpProblem(
            429,
            "too many requests at once (" + settings.maxInFlight() + "); try again shortly",
            Optional.of(Duration.ofSeconds(1)));
      }
      inFlight++;
    }
    ctx.attribute(COUNTED, Boolean.TRUE);
  }

  private void release(Context ctx) {
    if (Boolean.TRUE.equals(ctx.attribute(COUNTED))) {
      ctx.attribute(COUNTED, Boolean.FALSE);
      synchronized (lock) {
        inFlight--;
        lock.notifyAll();
      }
    }
    Long started = ctx.attribute(STARTED);
    Duration took = Duration.ofNanos(started == null ? 0 : System.nanoTime() - started);
    var endpoint = ctx.endpoints().matchedHttpEndpoint();
    String route = endpoint == null ? "unmatched" : endpoint.path;
    HandlerType method = ctx.method();
    metrics.request(route, method.name(), ctx.statusCode(), took);
  }

  private void problem(HttpProblem p, Context ctx) {
    ctx.status(p.status());
    p.retryAfter()
        .ifPresent(d -> ctx.header("Retry-After", String.valueOf(Math.max(1, d.toSeconds()))));
    if (p.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"destill\"");
    }
    writeError(ctx, masking.mask(p.getMessage()));
  }

  static void writeError(Context ctx, String reason) {
    ctx.contentType("application/json").result(json(g -> g.writeStringField("error", reason)));
  }

  /** One JSON object written by {@code fields}, as compact text. */
  static String json(JsonWriter fields) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Writes fields of a JSON object. */
  @FunctionalInterface
  interface JsonWriter {
    void write(JsonGenerator g) throws IOException;
  }

  static JsonNode readJson(byte[] body) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || !n.isObject()) {
        throw new HttpProblem(400, "the body must be a JSON object");
      }
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new HttpProblem(400, "bad JSON: " + oneLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new HttpProblem(400, "bad JSON: " + oneLine(e.getMessage()));
    }
  }

  static String oneLine(String message) {
    if (message == null || message.isBlank()) {
      return "bad request";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
