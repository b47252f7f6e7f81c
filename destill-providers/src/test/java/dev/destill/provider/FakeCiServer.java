package dev.destill.provider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server on 127.0.0.1 that replays CI API payloads: routes by path (with query),
 * records every request with whether it carried credentials. Thread-safe.
 */
public final class FakeCiServer implements AutoCloseable {

  /**
   * One response: status, headers, body; {@code truncateAfter} closes the body early; {@code
   * bytesPerSecond} (0: as fast as it goes) sends it slowly, as a slow CI service does.
   */
  public record Reply(
      int status, Map<String, String> headers, byte[] body, int truncateAfter, int bytesPerSecond) {
    public Reply(int status, Map<String, String> headers, byte[] body, int truncateAfter) {
      this(status, headers, body, truncateAfter, 0);
    }

    public static Reply json(String body) {
      return new Reply(
          200,
          Map.of("Content-Type", "application/json"),
          body.getBytes(StandardCharsets.UTF_8),
          -1);
    }

    public static Reply json(String body, Map<String, String> headers) {
      Map<String, String> h = new java.util.HashMap<>(headers);
      h.put("Content-Type", "application/json");
      return new Reply(200, h, body.getBytes(StandardCharsets.UTF_8), -1);
    }

    public static Reply text(String body) {
      return new Reply(
          200, Map.of("Content-Type", "text/plain"), body.getBytes(StandardCharsets.UTF_8), -1);
    }

    public static Reply bytes(byte[] body) {
      return new Reply(200, Map.of("Content-Type", "application/octet-stream"), body, -1);
    }

    public static Reply redirect(String location) {
      return new Reply(302, Map.of("Location", location), new byte[0], -1);
    }

    public static Reply status(int status) {
      return new Reply(
          status,
          Map.of(),
          ("{\"message\":\"status " + status + "\"}").getBytes(StandardCharsets.UTF_8),
          -1);
    }

    public static Reply status(int status, Map<String, String> headers) {
      return new Reply(status, headers, new byte[0], -1);
    }

    public Reply truncatedAfter(int bytes) {
      return new Reply(status, headers, body, bytes, bytesPerSecond);
    }

    /** This reply sent at about {@code rate} bytes a second. */
    public Reply throttled(int rate) {
      return new Reply(status, headers, body, truncateAfter, rate);
    }
  }

  /** A request as the server saw it. */
  public record Seen(String pathAndQuery, boolean hadAuthorization, boolean hadPrivateToken) {}

  private final HttpServer server;
  private final Map<String, ConcurrentLinkedQueue<Reply>> sequences = new ConcurrentHashMap<>();
  private final Map<String, Reply> routes = new ConcurrentHashMap<>();
  private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger requests = new AtomicInteger();

  public FakeCiServer() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
  }

  /** The base URL, such as {@code http://127.0.0.1:41234}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Always answers {@code pathAndQuery} with {@code reply}. */
  public FakeCiServer on(String pathAndQuery, Reply reply) {
    routes.put(pathAndQuery, reply);
    return this;
  }

  /**
   * Answers the next requests to {@code pathAndQuery} with these replies in turn, then the route.
   */
  public FakeCiServer sequence(String pathAndQuery, Reply... replies) {
    sequences
        .computeIfAbsent(pathAndQuery, k -> new ConcurrentLinkedQueue<>())
        .addAll(List.of(replies));
    return this;
  }

  public List<Seen> seen() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  public int requestCount() {
    return requests.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    URI uri = ex.getRequestURI();
    String key = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    seen.add(
        new Seen(
            key,
            ex.getRequestHeaders().containsKey("Authorization"),
            ex.getRequestHeaders().containsKey("PRIVATE-TOKEN")));
    Reply reply = null;
    ConcurrentLinkedQueue<Reply> queue = sequences.get(key);
    if (queue != null) {
      reply = queue.poll();
    }
    if (reply == null) {
      reply = routes.get(key);
    }
    if (reply == null) {
      reply = Reply.status(404);
    }
    reply.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    byte[] body = reply.body();
    ex.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        if (reply.truncateAfter() >= 0) {
          out.write(body, 0, Math.min(reply.truncateAfter(), body.length));
          out.flush();
          // Closing the exchange now leaves the declared length unmet: a truncated transfer.
          ex.close();
          return;
        }
        if (reply.bytesPerSecond() > 0) {
          writeSlowly(out, body, reply.bytesPerSecond());
        } else {
          out.write(body);
        }
      }
    }
    ex.close();
  }

  /** Writes a tenth of a second's worth at a time, paced by the clock: a slow server. */
  private static void writeSlowly(OutputStream out, byte[] body, int rate) throws IOException {
    int slice = Math.max(1, rate / 10);
    long start = System.nanoTime();
    for (int off = 0; off < body.length; off += slice) {
      out.write(body, off, Math.min(slice, body.length - off));
      out.flush();
      long due = start + (long) ((off + slice) * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
