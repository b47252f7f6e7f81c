package dev.destill.app.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.destill.core.DestillException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of a long-running agent, on the JDK's built-in server:
 *
 * <ul>
 *   <li>{@code GET /health}: 200 {@code ok} while the process runs (liveness);
 *   <li>{@code GET /ready}: 200 {@code ready} when the agent can work, else 503 {@code not ready};
 *   <li>{@code GET /metrics}: the agent's metrics in the Prometheus text format.
 * </ul>
 *
 * Other paths give 404, other methods 405. Requests are served on daemon threads, so an open server
 * never keeps the JVM alive. Thread-safe; {@link #close} may be called more than once.
 */
public final class AgentHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentHttpServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final int THREADS = 2;

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusAgentMetrics metrics;
  private final BooleanSupplier ready;

  private AgentHttpServer(
      HttpServer server,
      ExecutorService executor,
      PrometheusAgentMetrics metrics,
      BooleanSupplier ready) {
    this.server = server;
    this.executor = executor;
    this.metrics = metrics;
    this.ready = ready;
  }

  /**
   * Binds {@code host:port} and starts serving.
   *
   * @param port the port, or 0 for any free one (see {@link #port})
   * @param ready asked on every {@code /ready} request; must be cheap and thread-safe
   * @throws DestillException when the address cannot be bound, with a one-line message
   */
  public static AgentHttpServer start(
      String host, int port, PrometheusAgentMetrics metrics, BooleanSupplier ready) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(ready, "ready");
    String where = host + ":" + port;
    var address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new DestillException(
          "cannot serve health and metrics on " + where + ": unknown host " + host);
    }
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (BindException e) {
      throw new DestillException(
          "cannot serve health and metrics on "
              + where
              + ": address in use (set DESTILL_METRICS_PORT to a free port)",
          e);
    } catch (IOException e) {
      throw new DestillException(
          "cannot serve health and metrics on " + where + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
    var endpoint = new AgentHttpServer(server, executor, metrics, ready);
    server.createContext("/", endpoint::handle);
    server.setExecutor(executor);
    server.start();
    return endpoint;
  }

  /** The bound port: the one asked for, or the one chosen when 0 was. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting requests and drops those in flight; returns within about a second. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals("/health") && !path.equals("/ready") && !path.equals("/metrics")) {
        send(exchange, 404, TEXT, "not found");
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        send(exchange, 405, TEXT, "method not allowed");
        return;
      }
      switch (path) {
        case "/health" -> send(exchange, 200, TEXT, "ok");
        case "/ready" -> {
          if (isReady()) {
            send(exchange, 200, TEXT, "ready");
          } else {
            send(exchange, 503, TEXT, "not ready");
          }
        }
        default -> {
          var body = new ByteArrayOutputStream();
          metrics.writeTo(body);
          send(exchange, 200, metrics.contentType(), body.toByteArray());
        }
      }
    } catch (IOException | RuntimeException e) {
      // The client has gone, or a scrape failed; the server must keep serving either way.
      LOG.warn("health and metrics request failed: {}", e.toString());
    }
  }

  private boolean isReady() {
    try {
      return ready.getAsBoolean();
    } catch (RuntimeException e) {
      LOG.warn("readiness check failed, answering not ready: {}", e.toString());
      return false;
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static ThreadFactory daemonThreads() {
    var count = new AtomicInteger();
    return task -> {
      var thread = new Thread(task, "destill-agent-http-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
