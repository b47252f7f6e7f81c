package dev.destill.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A local server that speaks the chat-completions protocol (JSON and SSE streaming) from a script
 * of replies, and records every request it got. For tests of explanations. Thread-safe.
 */
public final class FakeChatServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One scripted reply. */
  public sealed interface Reply {}

  /** The answer's content (a JSON object as text, usually), sent as JSON or SSE as asked. */
  public record Content(String text) implements Reply {}

  /** An error status with a body and headers. */
  public record Status(int code, String body, Map<String, String> headers) implements Reply {}

  /** Never answers (until the server closes). */
  public record Hang() implements Reply {}

  /** A recorded request. */
  public record Request(String path, Map<String, List<String>> headers, JsonNode body) {
    public String authorization() {
      List<String> v = headers.get("Authorization");
      return v == null || v.isEmpty() ? "" : v.get(0);
    }
  }

  private final HttpServer server;
  private final Deque<Reply> script = new ArrayDeque<>();
  private final List<Request> requests = new ArrayList<>();
  private final CountDownLatch closed = new CountDownLatch(1);

  public FakeChatServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  /** The base URL a client is given: {@code http://127.0.0.1:PORT/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public synchronized FakeChatServer then(Reply reply) {
    script.add(reply);
    return this;
  }

  /** A well-formed answer citing the given lines of one job. */
  public static Content answer(String cause, String job, long... lines) {
    ObjectNode o = JSON.createObjectNode();
    o.put("root_cause", cause);
    ArrayNode ev = o.putArray("evidence");
    for (long l : lines) {
      ev.addObject().put("job", job).put("line", l);
    }
    o.put("fix", "Fix it.");
    o.put("confidence", "high");
    return new Content(o.toString());
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] in = ex.getRequestBody().readAllBytes();
      JsonNode body;
      try {
        body = JSON.readTree(in);
      } catch (IOException e) {
        body = JSON.getNodeFactory().textNode(new String(in, StandardCharsets.UTF_8));
      }
      Reply reply;
      synchronized (this) {
        requests.add(
            new Request(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body));
        reply = script.poll();
      }
      if (!ex.getRequestURI().getPath().equals("/v1/chat/completions")) {
        send(ex, 404, "{\"error\":{\"message\":\"not found\"}}");
        return;
      }
      switch (reply) {
        case null -> send(ex, 500, "{\"error\":{\"message\":\"script is empty\"}}");
        case Hang h -> {
          try {
            closed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        case Status s -> {
          s.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
          send(ex, s.code(), s.body());
        }
        case Content c -> {
          String model = body.path("model").asText("model");
          if (body.path("stream").asBoolean(false)) {
            stream(ex, model, c.text());
          } else {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", "chatcmpl-1")
                .put("object", "chat.completion")
                .put("created", 1)
                .put("model", model);
            ObjectNode choice = o.putArray("choices").addObject();
            choice.put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", c.text());
            o.putObject("usage")
                .put("prompt_tokens", 100)
                .put("completion_tokens", 20)
                .put("total_tokens", 120);
            send(ex, 200, o.toString());
          }
        }
      }
    }
  }

  private static void stream(HttpExchange ex, String model, String text) throws IOException {
    ex.getResponseHeaders().add("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    int step = Math.max(1, text.length() / 5);
    for (int i = 0; i < text.length(); i += step) {
      ObjectNode o = chunk(model);
      ObjectNode choice = o.putArray("choices").addObject();
      choice.put("index", 0);
      choice
          .putObject("delta")
          .put("content", text.substring(i, Math.min(text.length(), i + step)));
      choice.putNull("finish_reason");
      out.write(("data: " + o + "\n\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
    ObjectNode last = chunk(model);
    last.putArray("choices");
    last.putObject("usage")
        .put("prompt_tokens", 100)
        .put("completion_tokens", 20)
        .put("total_tokens", 120);
    out.write(("data: " + last + "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static ObjectNode chunk(String model) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", "chatcmpl-1")
        .put("object", "chat.completion.chunk")
        .put("created", 1)
        .put("model", model);
    return o;
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
  }
}
