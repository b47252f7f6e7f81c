package dev.destill.live.webhook;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.destill.core.stats.Level;
import dev.destill.live.Admission;
import dev.destill.live.HttpAccess;
import dev.destill.live.LiveIngest;
import dev.destill.live.record.Severities;
import dev.destill.server.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code POST /api/v1/logs}: log lines from anything that can POST (a CloudWatch Logs subscription
 * forwarder, Datadog log forwarding, a script). Under {@code /api/} it takes the server's bearer
 * checks for writes. {@code Content-Type} picks the format ({@link LogLines}): {@code text/plain},
 * {@code application/x-ndjson} (or {@code application/jsonl}), {@code application/json}; {@code
 * ?source=&stream=&level=} name what the lines do not. Answers 202 with {@code {"accepted": n,
 * "rejected": m, "errors": [...]}}, 400 when nothing could be taken, 503 with {@code Retry-After}
 * when the queue is full. Thread-safe.
 */
public final class LogWebhookRoutes implements Routes {
  public static final String PATH = "/api/v1/logs";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LiveIngest ingest;
  private final HttpAccess access;
  private final Clock clock;

  /**
   * @param access the body limit (its token is not used: the server checks {@code /api/} writes)
   */
  public LogWebhookRoutes(LiveIngest ingest, HttpAccess access, Clock clock) {
    this.ingest = ingest;
    this.access = access;
    this.clock = clock;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.post(PATH, this::handle);
  }

  private void handle(Context ctx) {
    String type =
        Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT).strip();
    byte[] body;
    try {
      body = access.body(ctx);
    } catch (HttpAccess.BodyProblem p) {
      error(ctx, p.status(), p.getMessage());
      return;
    }
    Level level = Severities.text(Optional.ofNullable(ctx.queryParam("level")).orElse(""));
    LogLines.Defaults d =
        new LogLines.Defaults(
            Optional.ofNullable(ctx.queryParam("source")).orElse("webhook"),
            Optional.ofNullable(ctx.queryParam("stream")).orElse("-"),
            level);
    LogLines.Parsed parsed;
    if (type.startsWith("application/x-ndjson")
        || type.startsWith("application/jsonl")
        || type.startsWith("application/json-seq")) {
      parsed = LogLines.ndjson(body, d, clock.instant());
    } else if (type.startsWith("application/json")) {
      parsed = LogLines.json(body, d, clock.instant());
    } else if (type.startsWith("text/plain") || type.isEmpty()) {
      parsed = LogLines.text(body, d, clock.instant());
    } else {
      error(ctx, 415, "send text/plain, application/x-ndjson or application/json, not " + type);
      return;
    }
    if (parsed.records().isEmpty() && parsed.rejected() > 0) {
      answer(ctx, 400, 0, parsed);
      return;
    }
    Admission a = ingest.offer(parsed.records());
    switch (a) {
      case Admission.Accepted ok -> answer(ctx, 202, ok.records(), parsed);
      case Admission.Full f -> {
        ctx.header("Retry-After", String.valueOf(Math.max(1, f.retryAfter().toSeconds())));
        error(ctx, 503, "the live log queue is full; retry later");
      }
      case Admission.Stopping s -> {
        ctx.header("Retry-After", "5");
        error(ctx, 503, "the server is shutting down");
      }
    }
  }

  private static void answer(Context ctx, int status, int accepted, LogLines.Parsed p) {
    ctx.status(status)
        .contentType("application/json")
        .result(
            json(
                g -> {
                  g.writeNumberField("accepted", accepted);
                  g.writeNumberField("rejected", p.rejected());
                  g.writeArrayFieldStart("errors");
                  for (String r : p.reasons()) {
                    g.writeString(r);
                  }
                  g.writeEndArray();
                  if (status == 400) {
                    g.writeStringField(
                        "error", p.reasons().isEmpty() ? "nothing to take" : p.reasons().get(0));
                  }
                }));
  }

  private static void error(Context ctx, int status, String reason) {
    ctx.status(status)
        .contentType("application/json")
        .result(json(g -> g.writeStringField("error", reason)));
  }

  @FunctionalInterface
  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static String json(Fields f) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      f.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
