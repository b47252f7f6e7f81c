package dev.destill.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.destill.core.model.Finding;
import dev.destill.core.model.JobState;
import dev.destill.core.store.RecurringFailure;
import dev.destill.server.analysis.Analyses;
import dev.destill.server.analysis.Labels;
import dev.destill.server.analysis.Listing;
import dev.destill.server.analysis.Query;
import dev.destill.server.analysis.Snapshot;
import dev.destill.server.analysis.Status;
import dev.destill.server.analysis.Submission;
import dev.destill.wire.FindingJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;

/**
 * The API under {@code /api/v1}: analyses (submit, list, read, follow as Server-Sent Events),
 * recurring failures, and the OpenAPI document. Writes need the write token; reads need a token
 * only when so configured.
 */
final class ApiRoutes {
  static final String PREFIX = "/api/v1";

  /** How often an event stream looks for news. */
  private static final Duration POLL = Duration.ofMillis(200);

  /** How long one event stream may stay open. */
  private static final Duration MAX_STREAM = Duration.ofHours(1);

  /** A comment line goes out this often, so proxies keep a quiet stream open. */
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private static final int MAX_PAGE = 100;

  private final ServerSettings settings;
  private final Analyses analyses;
  private final ServerMetrics metrics;
  private final Masking masking;
  private final BooleanSupplier draining;

  ApiRoutes(
      ServerSettings settings,
      Analyses analyses,
      ServerMetrics metrics,
      Masking masking,
      BooleanSupplier draining) {
    this.settings = settings;
    this.analyses = analyses;
    this.metrics = metrics;
    this.masking = masking;
    this.draining = draining;
  }

  void register(RoutesConfig routes) {
    routes.before(PREFIX + "/*", this::authorize);
    routes.get(PREFIX + "/openapi.json", this::openapi);
    routes.post(PREFIX + "/analyses", this::submit);
    routes.get(PREFIX + "/analyses", this::list);
    routes.get(PREFIX + "/analyses/{id}", this::get);
    routes.get(PREFIX + "/analyses/{id}/events", this::events);
    routes.get(PREFIX + "/failures/recurring", this::recurring);
  }

  /** 401 without a valid token, 403 with a token that may only read (or when writes are off). */
  private void authorize(Context ctx) {
    if (ctx.path().equals(PREFIX + "/openapi.json")) {
      return;
    }
    boolean write = ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD;
    Optional<String> given = bearer(ctx);
    boolean isWriter = given.isPresent() && matches(settings.writeToken(), given.get());
    boolean isReader = given.isPresent() && matches(settings.readToken(), given.get());
    if (write) {
      if (settings.writeToken().isEmpty()) {
        throw new HttpProblem(
            403, "the API takes no writes: start the server with DESTILL_SERVER_TOKEN set");
      }
      if (isWriter) {
        return;
      }
      if (isReader) {
        throw new HttpProblem(403, "this token may only read; writes need DESTILL_SERVER_TOKEN");
      }
      throw new HttpProblem(
          401,
          given.isEmpty()
              ? "missing bearer token: send Authorization: Bearer $DESTILL_SERVER_TOKEN"
              : "wrong bearer token");
    }
    if (!settings.readsNeedToken() || isWriter || isReader) {
      return;
    }
    throw new HttpProblem(
        401, given.isEmpty() ? "missing bearer token: reads need a token" : "wrong bearer token");
  }

  private static Optional<String> bearer(Context ctx) {
    String h = ctx.header("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String t = h.substring(7).trim();
    return t.isEmpty() ? Optional.empty() : Optional.of(t);
  }

  private static boolean matches(Optional<String> expected, String given) {
    return expected.isPresent()
        && java.security.MessageDigest.isEqual(
            expected.get().getBytes(StandardCharsets.UTF_8),
            given.getBytes(StandardCharsets.UTF_8));
  }

  private void openapi(Context ctx) throws IOException {
    try (InputStream in = ApiRoutes.class.getResourceAsStream("/destill-server/openapi.json")) {
      if (in == null) {
        throw new HttpProblem(500, "the OpenAPI document is missing from the build");
      }
      ctx.contentType("application/json").result(in.readAllBytes());
    }
  }

  private void submit(Context ctx) throws IOException {
    String type = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT);
    Submission submission;
    String via;
    if (type.startsWith("application/json")) {
      JsonNode body = DestillServer.readJson(Bodies.read(ctx, settings.maxBodyBytes()));
      JsonNode url = body.path("url");
      if (!url.isTextual() || url.asText().isBlank()) {
        throw new HttpProblem(400, "the JSON body needs \"url\": a build URL");
      }
      submission = new Submission.BuildUrl(url.asText().trim(), Labels.ofUrl(url.asText()));
      via = "api";
    } else {
      submission = upload(ctx);
      via = "upload";
    }
    String id;
    try {
      id = analyses.submit(submission);
    } catch (RuntimeException e) {
      if (submission instanceof Submission.UploadedLog u) {
        Files.deleteIfExists(u.file());
      }
      throw e;
    }
    metrics.submitted(via);
    String location = PREFIX + "/analyses/" + id;
    ctx.status(202)
        .header("Location", location)
        .contentType("application/json")
        .result(
            DestillServer.json(
                g -> {
                  g.writeStringField("request_id", id);
                  g.writeStringField("status", Status.PENDING.id());
                  g.writeStringField("location", location);
                }));
  }

  /** Streams a raw log (gzip undone) to a temporary file, within the log size limit. */
  private Submission.UploadedLog upload(Context ctx) throws IOException {
    String job = Optional.ofNullable(ctx.queryParam("job")).filter(s -> !s.isBlank()).orElse("log");
    if (job.length() > 200) {
      throw new HttpProblem(400, "job names are at most 200 characters");
    }
    JobState state = state(Optional.ofNullable(ctx.queryParam("state")).orElse("failed"));
    boolean gzipHeader =
        Optional.ofNullable(ctx.header("Content-Encoding"))
            .map(e -> e.toLowerCase(Locale.ROOT).contains("gzip"))
            .orElse(false);
    long max = settings.maxLogBytes();
    if (!gzipHeader) {
      Bodies.refuseDeclaredLength(ctx, max);
    }
    Path file = Files.createTempFile("destill-upload-", ".log");
    boolean kept = false;
    try (InputStream raw = new BufferedInputStream(ctx.req().getInputStream(), 1 << 16)) {
      InputStream in = raw;
      raw.mark(2);
      boolean magic = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      if (gzipHeader || magic) {
        // The compressed size is bounded too: a small bomb must not spend the whole limit.
        in = new GZIPInputStream(Bodies.limited(raw, max), 1 << 16);
      }
      long bytes;
      try (InputStream body = Bodies.limited(in, max);
          OutputStream out = Files.newOutputStream(file)) {
        bytes = body.transferTo(out);
      } catch (java.util.zip.ZipException e) {
        throw new HttpProblem(400, "the body is not valid gzip: " + e.getMessage());
      }
      if (bytes == 0) {
        throw new HttpProblem(400, "the log is empty: send it as the body");
      }
      kept = true;
      return new Submission.UploadedLog(file, job, state, bytes);
    } finally {
      if (!kept) {
        Files.deleteIfExists(file);
      }
    }
  }

  private static JobState state(String s) {
    try {
      JobState st = JobState.parse(s);
      if (st == JobState.FAILED || st == JobState.PASSED || st == JobState.UNKNOWN) {
        return st;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new HttpProblem(400, "state takes failed, passed or unknown, not '" + s + "'");
  }

  private void list(Context ctx) {
    String state = Optional.ofNullable(ctx.queryParam("state")).orElse("");
    Optional<Status> status = state.isEmpty() ? Optional.empty() : Status.parse(state);
    if (!state.isEmpty() && status.isEmpty()) {
      throw new HttpProblem(
          400, "state takes pending, running, complete or failed, not '" + state + "'");
    }
    int limit = intParam(ctx, "limit", 20, 1, MAX_PAGE);
    int offset = intParam(ctx, "offset", 0, 0, 1_000_000);
    Query q =
        new Query(
            param(ctx, "provider"),
            param(ctx, "pipeline"),
            param(ctx, "branch"),
            status,
            offset,
            limit + 1);
    List<Listing> found = analyses.recent(q);
    boolean more = found.size() > limit;
    List<Listing> page = more ? found.subList(0, limit) : found;
    String next = more ? nextLink(ctx, offset + limit, limit) : "";
    ctx.contentType("application/json")
        .result(
            DestillServer.json(
                g -> {
                  g.writeArrayFieldStart("analyses");
                  for (Listing l : page) {
                    writeListing(g, l);
                  }
                  g.writeEndArray();
                  g.writeNumberField("offset", offset);
                  g.writeNumberField("limit", limit);
                  if (next.isEmpty()) {
                    g.writeNullField("next");
                  } else {
                    g.writeStringField("next", next);
                  }
                }));
  }

  private static String nextLink(Context ctx, int offset, int limit) {
    StringBuilder sb = new StringBuilder(PREFIX + "/analyses?");
    for (String k : List.of("provider", "pipeline", "branch", "state")) {
      String v = param(ctx, k);
      if (!v.isEmpty()) {
        sb.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&');
      }
    }
    return sb.append("offset=").append(offset).append("&limit=").append(limit).toString();
  }

  private static void writeListing(JsonGenerator g, Listing l) throws IOException {
    g.writeStartObject();
    g.writeStringField("request_id", l.requestId());
    g.writeStringField("status", l.status().id());
    g.writeStringField("target", l.target());
    g.writeStringField("title", l.title());
    g.writeStringField("provider", l.labels().provider());
    g.writeStringField("pipeline", l.labels().pipeline());
    g.writeStringField("branch", l.labels().branch());
    g.writeNumberField("findings", l.findings());
    g.writeStringField("created", l.created().toString());
    g.writeStringField("updated", l.updated().toString());
    g.writeStringField("location", PREFIX + "/analyses/" + l.requestId());
    g.writeEndObject();
  }

  static String param(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).map(String::trim).orElse("");
  }

  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String v = param(ctx, name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new HttpProblem(
        400, name + " takes a number from " + min + " to " + max + ", not '" + v + "'");
  }

  private void get(Context ctx) {
    String id = ctx.pathParam("id");
    int top = intParam(ctx, "top", 20, 1, 500);
    String doc =
        analyses.document(id, top).orElseThrow(() -> new HttpProblem(404, "no analysis " + id));
    ctx.contentType("application/json").result(doc);
  }

  /**
   * Server-Sent Events: {@code progress} when the status or chunk counts change, {@code finding}
   * for each finding as it is stored, then {@code result} with the ranked document (or {@code
   * error} when the stream must end early). The stream ends after the result.
   */
  private void events(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    Snapshot first =
        analyses.snapshot(id).orElseThrow(() -> new HttpProblem(404, "no analysis " + id));
    var res = ctx.res();
    res.setStatus(200);
    res.setContentType("text/event-stream");
    res.setCharacterEncoding("utf-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    OutputStream out = res.getOutputStream();
    Set<String> sent = new HashSet<>();
    Instant started = Instant.now();
    Instant lastWrite = started;
    String lastProgress = "";
    Snapshot s = first;
    try {
      while (true) {
        String progress = progress(s);
        if (!progress.equals(lastProgress)) {
          send(out, "progress", progress);
          lastProgress = progress;
          lastWrite = Instant.now();
        }
        for (Finding f : s.findings()) {
          if (sent.add(f.id())) {
            send(out, "finding", masking.mask(FindingJson.write(f)));
            lastWrite = Instant.now();
          }
        }
        if (s.status().isFinal()) {
          String doc = analyses.document(id, 20).orElse("{}");
          send(out, "result", compact(doc));
          return;
        }
        if (draining.getAsBoolean() || Instant.now().isAfter(started.plus(MAX_STREAM))) {
          send(
              out,
              "error",
              DestillServer.json(
                  g -> g.writeStringField("error", "the stream ended before the analysis did")));
          return;
        }
        if (Instant.now().isAfter(lastWrite.plus(HEARTBEAT))) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
          lastWrite = Instant.now();
        }
        pause();
        Optional<Snapshot> next = analyses.snapshot(id);
        if (next.isEmpty()) {
          return;
        }
        s = next.get();
      }
    } catch (IOException | UncheckedIOException e) {
      // The client went away: nothing to answer.
    }
  }

  private static void pause() {
    // A virtual thread parks here; the stream must poll, as the store has no change feed.
    java.util.concurrent.locks.LockSupport.parkNanos(POLL.toNanos());
  }

  private static String progress(Snapshot s) {
    return DestillServer.json(
        g -> {
          g.writeStringField("request_id", s.requestId());
          g.writeStringField("status", s.status().id());
          g.writeNumberField("done", s.done());
          g.writeNumberField("total", s.total());
          g.writeNumberField("findings", s.findings().size());
          if (!s.error().isEmpty()) {
            g.writeStringField("error", s.error());
          }
        });
  }

  private static String compact(String json) {
    try {
      return DestillServer.JSON.writeValueAsString(DestillServer.JSON.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(OutputStream out, String event, String data) throws IOException {
    StringBuilder sb = new StringBuilder("event: ").append(event).append('\n');
    for (String line : data.split("\n", -1)) {
      sb.append("data: ").append(line).append('\n');
    }
    sb.append('\n');
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void recurring(Context ctx) {
    int limit = intParam(ctx, "limit", 20, 1, MAX_PAGE);
    List<RecurringFailure> failures = analyses.recurring(limit);
    ctx.contentType("application/json")
        .result(
            DestillServer.json(
                g -> {
                  g.writeArrayFieldStart("failures");
                  for (RecurringFailure f : failures) {
                    g.writeStartObject();
                    g.writeStringField("hash", f.hash());
                    g.writeStringField("message", masking.mask(f.message()));
                    g.writeStringField("normalized", masking.mask(f.normalized()));
                    g.writeNumberField("builds", f.builds());
                    g.writeNumberField("occurrences", f.occurrences());
                    g.writeStringField("first_seen", f.firstSeen().toString());
                    g.writeStringField("last_seen", f.lastSeen().toString());
                    g.writeEndObject();
                  }
                  g.writeEndArray();
                }));
  }
}
