package dev.destill.app.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A fake Buildkite API on loopback whose failed job's log stops halfway until {@link #release}: the
 * first half (several chunks, with errors) streams at once, the rest only when the test says so. So
 * a test can see findings arrive while the analysis is still running. Thread-safe.
 */
final class GatedBuildkite implements AutoCloseable {
  static final String FIRST_ERROR =
      "java.lang.IllegalStateException: Ledger balance mismatch early";
  static final String LAST_ERROR = "java.lang.IllegalStateException: Refund total mismatch late";

  private final HttpServer server;
  private final CountDownLatch gate = new CountDownLatch(1);

  GatedBuildkite() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  /** BUILDKITE_API_URL for the server under test. */
  String apiUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v2";
  }

  /** The build URL to submit; every build number is served the same way. */
  static String buildUrl(int number) {
    return "https://buildkite.com/acme/gated/builds/" + number;
  }

  /** Lets the rest of every gated log through. */
  void release() {
    gate.countDown();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (path.endsWith("/log.txt")) {
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(half(FIRST_ERROR, 0));
          out.flush();
          try {
            if (!gate.await(60, TimeUnit.SECONDS)) {
              return; // the test gave up: end the log short
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          out.write(half(LAST_ERROR, 1));
          out.write("Process completed with exit code 1.\n".getBytes(StandardCharsets.UTF_8));
        }
        return;
      }
      String body;
      if (path.matches("/v2/organizations/acme/pipelines/gated/builds/\\d+")) {
        String n = path.substring(path.lastIndexOf('/') + 1);
        body =
            """
            {"id":"gated-%s","web_url":"%s","number":%s,"state":"failed","message":"m",
             "branch":"main","pipeline":{"name":"gated","slug":"gated"},
             "jobs":[{"id":"0190a1b2-0000-4000-8000-00000000000%s","type":"script",
               "name":"tests","state":"failed","exit_status":1}]}"""
                .formatted(n, buildUrl(Integer.parseInt(n)), n, n.substring(n.length() - 1));
      } else if (path.endsWith("/artifacts")) {
        body = "[]";
      } else {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, bytes.length);
      ex.getResponseBody().write(bytes);
    }
  }

  /**
   * About 2.2 MB of build output with {@code error} in its second chunk: a chunk goes out once the
   * one after it is cut, so more than three chunks' worth are sent before the gate.
   */
  private static byte[] half(String error, int part) {
    StringBuilder sb = new StringBuilder(2_300_000);
    for (int i = 0; i < 22_000; i++) {
      if (i == 6_000) {
        sb.append(error).append('\n');
      }
      sb.append("[INFO] part ")
          .append(part)
          .append(" compiling module-")
          .append(i % 97)
          .append(" source file ")
          .append(i)
          .append(" of the shop service into target/classes\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
